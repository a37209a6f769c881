/**
 * A scheduler's side of the Mesos v1 scheduler HTTP API (docs/scheduler-http-api.md), as the
 * live transport of a {@link SchedulerProcess}: the process sends calls to `master`, and this
 * client turns them into HTTP, so the same driver runs against an Agora or an Apache Mesos master.
 *
 * - SUBSCRIBE opens a streaming POST; its RecordIO-framed JSON events are delivered to the
 *   process from `master`. When the stream ends, breaks or cannot be opened, the process hears
 *   that the master's connection closed (`link`), and the driver re-subscribes with backoff as it
 *   does in the simulator. A SUBSCRIBE refused with an HTTP error becomes an ERROR event with
 *   the master's answer, as the scheduler should then give up.
 * - Every other call is a POST carrying `Mesos-Stream-Id`, sent one at a time in order over one
 *   kept-alive connection: the master may take calls on several connections, but then nothing
 *   keeps an ACCEPT ahead of the ACKNOWLEDGE sent after it. A call answered with anything but 202
 *   is reported on the log (Mesos's scheduler library drops them the same way, with a warning).
 * - With a credential, every request carries it as HTTP Basic `Authorization`, as Mesos's v1
 *   scheduler library does; an `https:` master is spoken to over TLS.
 */
import type { ClientRequest, Agent as HttpAgent } from 'node:http';
import { type Call, encodeCall } from '../../core/messages/scheduler-call.js';
import { decodeEvent } from '../../core/messages/scheduler-event.js';
import type { Address } from '../../core/process.js';
import { schedulerEvent, type Wire } from '../../core/wire.js';
import type { Credential } from './credentials.js';
import { openEventStream, postJson } from './event-stream.js';
import { basicAuthorization } from './http-basic.js';
import type { LiveNode } from './live-node.js';
import { type ClientTls, keepAliveAgent } from './tls.js';

/** How a client proves who it is and whom it trusts. */
export interface ClientSecurity {
  /** Sent as HTTP Basic on every request. */
  readonly credential?: Credential;
  /** The CAs trusted for an `https:` master, instead of the system's. */
  readonly tls?: ClientTls;
}

/** How long a call may take to be answered. */
const CALL_TIMEOUT_MS = 30_000;
const SCHEDULER_PATH = '/api/v1/scheduler';

/** The v1 scheduler API client of one scheduler process (see the module comment). */
export class SchedulerClient {
  readonly #node: LiveNode;
  /** The last SUBSCRIBE, sent again at once to a new leader (see {@link retarget}). */
  #lastSubscribe: { readonly from: Address; readonly call: Call } | undefined;
  /** Whether the master URL follows a leader found in ZooKeeper (set by {@link retarget}). */
  #followsLeader = false;
  /** Undefined while no leading master is known (a `zk://` master URL, zk/scheduler-leader.ts). */
  #url: string | undefined;
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
  ) {
    this.#node = node;
    this.#url = masterUrl === undefined ? undefined : `${masterUrl.replace(/\/+$/u, '')}${SCHEDULER_PATH}`;
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
    this.#followsLeader = true;
    if (url === this.#url) return;
    this.#url = url;
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

  #subscribe(from: Address, call: Call): void {
    this.#lastSubscribe = { from, call };
    this.#stream?.destroy();
    const url = this.#url;
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
        refused: (status, text) =>
          // Following the leader in ZooKeeper, a master that no longer leads (307, or 503 with no
          // leader known) is not an answer to give up on: the detector points elsewhere soon.
          this.#followsLeader && (status === 307 || status === 503)
            ? this.#deliver(from, { channel: 'link', exited: this.#master })
            : this.#deliver(
                from,
                schedulerEvent({
                  type: 'ERROR',
                  error: { message: `SUBSCRIBE answered ${status}: ${text}` },
                }),
              ),
        closed: () => {
          if (this.#stream === req) {
            this.#stream = undefined;
            this.#streamId = undefined;
          }
          this.#deliver(from, { channel: 'link', exited: this.#master });
        },
        failed: (e) => {
          // A stream this client closed itself is no news.
          if (this.#stream !== req || this.#closed || e.message === this.#lastFailure) return;
          this.#lastFailure = e.message;
          this.#log(`cannot subscribe at ${url}: ${e.message}`);
        },
        log: this.#log,
      },
      { headers: this.#headers, ...(this.#tls === undefined ? {} : { tls: this.#tls }) },
    );
    this.#stream = req;
  }

  #call(call: Call): void {
    const streamId = this.#streamId;
    const url = this.#url;
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
      if (status !== 202)
        this.#log(`${call.type} ${status === 0 ? 'failed' : `answered ${status}`}: ${text}`);
    });
    this.#inFlight.add(answered);
    void answered.then(() => this.#inFlight.delete(answered));
  }
}
