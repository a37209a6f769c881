/**
 * A scheduler's side of the Mesos v1 scheduler HTTP API (docs/scheduler-http-api.md), as the
 * live transport of a {@link SchedulerProcess}: the process sends calls to `master`, and this
 * client turns them into HTTP, so the same driver runs against an Agora or an Apache Mesos master.
 *
 * - SUBSCRIBE opens a streaming POST; its RecordIO-framed JSON events are delivered to the
 *   process from `master`. When the stream ends, breaks or cannot be opened, the process hears
 *   that the master's connection closed (`link`), and the driver re-subscribes with backoff as it
 *   does in the simulator.
 * - Following the leader (docs/scheduler-http-api.md "Master Detection"): a SUBSCRIBE answered
 *   307 is sent again at once to the `Location` (leader-location.ts), up to
 *   {@link MAX_REDIRECTS} hops; the master whose stream opens is the one every later call goes
 *   to. A SUBSCRIBE answered 503 (no leader elected yet, the master still recovering) or 404
 *   (routes not up yet) is, as in Mesos's v1 library (src/scheduler/scheduler.cpp), a warning
 *   and no error: the driver's backoff sends the next SUBSCRIBE, random in a doubling bound drawn
 *   from the driver's seeded stream. When the master followed to cannot be reached any more,
 *   the next SUBSCRIBE goes to the configured master again, which points at the new leader.
 *   With a `zk://` master the leader comes from ZooKeeper instead ({@link SchedulerClient.retarget}):
 *   a 307 or 503 then only waits for the detector, as Mesos's v1 library does.
 *   Any other refusal of SUBSCRIBE (400, 401, 403) becomes an ERROR event with the master's
 *   answer, as the scheduler should then give up.
 * - Every other call is a POST carrying `Mesos-Stream-Id`, sent one at a time in order over one
 *   kept-alive connection: the master may take calls on several connections, but then nothing
 *   keeps an ACCEPT ahead of the ACKNOWLEDGE sent after it. 202 (and 200, which Mesos answers
 *   UPDATE_FRAMEWORK with) is success. UPDATE_FRAMEWORK refused (400, 403) is handed to
 *   `refused` (the driver tells the scheduler; the framework stays subscribed). Any other answer
 *   is reported on the log (Mesos's scheduler library drops them the same way, with a warning).
 * - With a credential, every request carries it as HTTP Basic `Authorization`, as Mesos's v1
 *   scheduler library does; an `https:` master is spoken to over TLS.
 */
import type { ClientRequest, Agent as HttpAgent, IncomingHttpHeaders } from 'node:http';
import { type Call, encodeCall } from '../../core/messages/scheduler-call.js';
import { decodeEvent } from '../../core/messages/scheduler-event.js';
import type { Address } from '../../core/process.js';
import { schedulerEvent, type Wire } from '../../core/wire.js';
import type { Credential } from './credentials.js';
import { openEventStream, postJson } from './event-stream.js';
import { basicAuthorization } from './http-basic.js';
import { resolveLeaderLocation } from './leader-location.js';
import type { LiveNode } from './live-node.js';
import { type ClientTls, keepAliveAgent } from './tls.js';

/** How a client proves who it is and whom it trusts. */
export interface ClientSecurity {
  /** Sent as HTTP Basic on every request. */
  readonly credential?: Credential;
  /** The CAs trusted for an `https:` master, instead of the system's. */
  readonly tls?: ClientTls;
}

/** A call the master refused that the scheduler must hear of (UPDATE_FRAMEWORK's 400 or 403). */
export type RefusedCall = (call: Call, status: number, message: string) => void;

/** How many 307s in a row one SUBSCRIBE follows before waiting for the next attempt. */
export const MAX_REDIRECTS = 5;

/** How long a call may take to be answered. */
const CALL_TIMEOUT_MS = 30_000;
const SCHEDULER_PATH = '/api/v1/scheduler';

/** The v1 scheduler API client of one scheduler process (see the module comment). */
export class SchedulerClient {
  readonly #node: LiveNode;
  /**
   * The scheduler endpoint of the master given, or of the leader found in ZooKeeper (where the
   * search for the leader starts); undefined while no leading master is known (a `zk://` master
   * URL, zk/scheduler-leader.ts).
   */
  #url: string | undefined;
  /** The scheduler endpoint of the master subscribed to, or being subscribed to. */
  #target: string | undefined;
  /** 307s followed since the last SUBSCRIBE the driver sent. */
  #redirects = 0;
  readonly #refusedCall: RefusedCall;
  /** The last SUBSCRIBE, sent again at once to a new leader (see {@link retarget}). */
  #lastSubscribe: { readonly from: Address; readonly call: Call } | undefined;
  /**
   * Whether the leader comes from ZooKeeper ({@link retarget}): then a 307 is not followed. A
   * master that has not yet seen the leader change points back at the old leader, which may be
   * stopped (SIGSTOP) with its port still accepting connections: a SUBSCRIBE sent there would
   * hang until it wakes. The detector names the new leader soon; the driver retries there.
   */
  #followsZooKeeper = false;
  readonly #master: Address;
  readonly #log: (line: string) => void;
  readonly #calls: HttpAgent;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #tls: ClientTls | undefined;
  #stream: ClientRequest | undefined;
  #streamId: string | undefined;
  /** Calls sent and not yet answered, so closing can let them finish (a TEARDOWN, say). */
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;
  /** The last connection failure logged, so a master that stays unreachable is reported once. */
  #lastFailure: string | undefined;

  /**
   * @param masterUrl e.g. `http://127.0.0.1:5050`
   * @param master the master's address as the process knows it
   */
  constructor(
    node: LiveNode,
    masterUrl: string | undefined,
    master: Address,
    log: (line: string) => void,
    security: ClientSecurity = {},
    refused: RefusedCall = () => {},
  ) {
    this.#node = node;
    this.#url = masterUrl === undefined ? undefined : `${masterUrl.replace(/\/+$/u, '')}${SCHEDULER_PATH}`;
    this.#target = this.#url;
    this.#refusedCall = refused;
    this.#master = master;
    this.#log = log;
    this.#tls = security.tls;
    this.#calls = keepAliveAgent(
      this.#url ?? `${security.tls === undefined ? 'http' : 'https'}://x`,
      1,
      security.tls,
    );
    this.#headers =
      security.credential === undefined ? {} : { Authorization: basicAuthorization(security.credential) };
  }

  /** Whether `to` is the master this client speaks to. */
  handles(to: Address): boolean {
    return to === this.#master;
  }

  /**
   * Speaks to `masterUrl` from now on (a new leader found in ZooKeeper): the subscription to the
   * old one is closed, so the driver subscribes again, with its framework id.
   */
  retarget(masterUrl: string | undefined): void {
    const url = masterUrl === undefined ? undefined : `${masterUrl.replace(/\/+$/u, '')}${SCHEDULER_PATH}`;
    this.#followsZooKeeper = true;
    if (url === this.#url) return;
    this.#url = url;
    this.#target = url;
    this.#stream?.destroy();
    // Between two attempts of the driver (its stream broke with the old leader), subscribe to the
    // new one at once, as Mesos's scheduler library connects on `detected`, not after the backoff.
    const last = this.#lastSubscribe;
    if (this.#stream === undefined && url !== undefined && last !== undefined && !this.#closed) {
      this.#subscribe(last.from, last.call);
    }
  }

  /** Sends a process's message to the master. */
  send(from: Address, _to: Address, msg: Wire): void {
    if (msg.channel !== 'scheduler-call') return;
    if (msg.call.type === 'SUBSCRIBE') this.#subscribe(from, msg.call);
    else this.#call(msg.call);
  }

  /**
   * Waits up to `graceMs` for calls in flight (a final TEARDOWN), then closes the subscription
   * and every connection; the process hears nothing more.
   */
  async close(graceMs = 5_000): Promise<void> {
    this.#closed = true;
    if (this.#inFlight.size > 0) {
      await Promise.race([Promise.all(this.#inFlight), new Promise((r) => setTimeout(r, graceMs).unref())]);
    }
    this.#stream?.destroy();
    this.#stream = undefined;
    this.#calls.destroy();
  }

  #deliver(from: Address, msg: Wire): void {
    if (!this.#closed) this.#node.deliver(this.#master, from, msg);
  }

  /** A SUBSCRIBE from the driver: to the master last subscribed to (or followed to). */
  #subscribe(from: Address, call: Call): void {
    this.#redirects = 0;
    this.#lastSubscribe = { from, call };
    this.#open(from, call);
  }

  #open(from: Address, call: Call): void {
    this.#stream?.destroy();
    const url = this.#target;
    if (url === undefined) {
      // No leader known yet: as a connection that failed, so the driver tries again later.
      setImmediate(() => this.#deliver(from, { channel: 'link', exited: this.#master }));
      return;
    }
    const body = JSON.stringify(encodeCall(call));
    const req: ClientRequest = openEventStream(
      url,
      body,
      {
        opened: (headers) => {
          this.#lastFailure = undefined;
          const id = headers['mesos-stream-id'];
          this.#streamId = typeof id === 'string' ? id : undefined;
        },
        record: (json) => {
          const event = decodeEvent(json);
          if (event.ok) this.#deliver(from, schedulerEvent(event.value));
          else this.#log(`an event does not decode: ${event.error.path}: ${event.error.message}`);
        },
        refused: (status, text, headers) => {
          if (this.#stream === req) this.#stream = undefined;
          this.#subscribeRefused(from, call, url, status, text, headers);
        },
        closed: () => {
          if (this.#stream === req) {
            this.#stream = undefined;
            this.#streamId = undefined;
          }
          this.#deliver(from, { channel: 'link', exited: this.#master });
        },
        failed: (e) => {
          // A stream this client closed itself is no news.
          if (this.#stream !== req || this.#closed) return;
          // The master followed to is gone: the next attempt asks the master given, which
          // knows the new leader (or is it).
          if (url !== this.#url) this.#target = this.#url;
          this.#report(`cannot subscribe at ${url}: ${e.message}; the driver retries with backoff`);
        },
        log: this.#log,
      },
      { headers: this.#headers, ...(this.#tls === undefined ? {} : { tls: this.#tls }) },
    );
    this.#stream = req;
  }

  /** SUBSCRIBE answered with something other than a stream (see the module comment). */
  #subscribeRefused(
    from: Address,
    call: Call,
    url: string,
    status: number,
    text: string,
    headers: IncomingHttpHeaders,
  ): void {
    if (this.#closed) return;
    if (this.#followsZooKeeper && (status === 307 || status === 503)) {
      this.#report(
        `SUBSCRIBE at ${url} answered ${status}: waiting for ZooKeeper to name the leader; the driver retries with backoff`,
      );
      return;
    }
    if (status === 307) {
      const location = headers.location;
      const leader = resolveLeaderLocation(Array.isArray(location) ? location[0] : location, url);
      if (!leader.ok) {
        this.#report(
          `SUBSCRIBE at ${url} answered 307, but ${leader.error}; the driver retries with backoff`,
        );
        return;
      }
      // The calls' connection pool speaks one scheme; Mesos's masters all speak the same one.
      if (new URL(leader.url).protocol !== new URL(url).protocol) {
        this.#report(
          `SUBSCRIBE at ${url} redirected to ${leader.url}, another scheme than ${url}'s; the driver retries with backoff`,
        );
        return;
      }
      if (this.#redirects >= MAX_REDIRECTS) {
        this.#target = this.#url;
        this.#report(
          `SUBSCRIBE redirected ${MAX_REDIRECTS} times in a row (last to ${leader.url}); the driver retries with backoff`,
        );
        return;
      }
      this.#redirects++;
      this.#target = leader.url;
      this.#log(`SUBSCRIBE at ${url} redirected to the leading master at ${leader.url}`);
      this.#open(from, call);
      return;
    }
    if (status === 503 || status === 404) {
      this.#report(
        `SUBSCRIBE at ${url} answered ${status} (${text.trim() || 'no reason given'}); the driver retries with backoff`,
      );
      return;
    }
    this.#deliver(
      from,
      schedulerEvent({ type: 'ERROR', error: { message: `SUBSCRIBE answered ${status}: ${text}` } }),
    );
  }

  /** Logs a failure to subscribe, once while it stays the same (a master down for minutes). */
  #report(line: string): void {
    if (line === this.#lastFailure) return;
    this.#lastFailure = line;
    this.#log(line);
  }

  #call(call: Call): void {
    const streamId = this.#streamId;
    const url = this.#target;
    if (streamId === undefined || url === undefined) {
      this.#log(`${call.type} dropped: not subscribed`);
      return;
    }
    const answered = postJson(
      url,
      this.#calls,
      JSON.stringify(encodeCall(call)),
      { ...this.#headers, 'Mesos-Stream-Id': streamId },
      CALL_TIMEOUT_MS,
      this.#tls,
    ).then(({ status, text }) => {
      // 202 for every call; Mesos answers UPDATE_FRAMEWORK 200 once it is done.
      if (status === 202 || (status === 200 && call.type === 'UPDATE_FRAMEWORK')) return;
      if (call.type === 'UPDATE_FRAMEWORK' && (status === 400 || status === 403)) {
        if (!this.#closed) this.#refusedCall(call, status, text.trim());
        return;
      }
      this.#log(`${call.type} to ${url} ${status === 0 ? 'failed' : `answered ${status}`}: ${text}`);
    });
    this.#inFlight.add(answered);
    void answered.then(() => this.#inFlight.delete(answered));
  }
}
