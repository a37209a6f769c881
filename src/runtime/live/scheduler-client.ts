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
 */
import { type ClientRequest, Agent as HttpAgent, type IncomingMessage, request } from 'node:http';
import { type Call, encodeCall } from '../../core/messages/scheduler-call.js';
import { decodeEvent } from '../../core/messages/scheduler-event.js';
import type { Address } from '../../core/process.js';
import { RecordIoDecoder } from '../../core/recordio.js';
import { schedulerEvent, type Wire } from '../../core/wire.js';
import type { LiveNode } from './live-node.js';

/** The largest event record accepted (an OFFERS event for thousands of agents fits easily). */
export const MAX_EVENT_BYTES = 64 * 1024 * 1024;
/** How long a call may take to be answered. */
const CALL_TIMEOUT_MS = 30_000;
const SCHEDULER_PATH = '/api/v1/scheduler';

/** The v1 scheduler API client of one scheduler process (see the module comment). */
export class SchedulerClient {
  readonly #node: LiveNode;
  readonly #masterUrl: string;
  readonly #master: Address;
  readonly #log: (line: string) => void;
  readonly #calls = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  #stream: ClientRequest | undefined;
  #streamId: string | undefined;
  /** Calls sent and not yet answered, so closing can let them finish (a TEARDOWN, say). */
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;

  /**
   * @param masterUrl e.g. `http://127.0.0.1:5050`
   * @param master the master's address as the process knows it
   */
  constructor(node: LiveNode, masterUrl: string, master: Address, log: (line: string) => void) {
    this.#node = node;
    this.#masterUrl = masterUrl.replace(/\/+$/u, '');
    this.#master = master;
    this.#log = log;
  }

  /** Whether `to` is the master this client speaks to. */
  handles(to: Address): boolean {
    return to === this.#master;
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
    this.#stream?.destroy();
    const body = JSON.stringify(encodeCall(call));
    let ended = false;
    const closed = () => {
      if (ended) return;
      ended = true;
      if (this.#stream === req) {
        this.#stream = undefined;
        this.#streamId = undefined;
      }
      this.#deliver(from, { channel: 'link', exited: this.#master });
    };
    const req = request(`${this.#masterUrl}${SCHEDULER_PATH}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Content-Length': Buffer.byteLength(body),
      },
    });
    this.#stream = req;
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        readAll(res).then((text) => {
          if (ended) return;
          ended = true;
          this.#deliver(
            from,
            schedulerEvent({
              type: 'ERROR',
              error: { message: `SUBSCRIBE answered ${res.statusCode}: ${text}` },
            }),
          );
        });
        return;
      }
      const id = res.headers['mesos-stream-id'];
      this.#streamId = typeof id === 'string' ? id : undefined;
      const decoder = new RecordIoDecoder(MAX_EVENT_BYTES);
      const text = new TextDecoder();
      res.on('data', (chunk: Buffer) => {
        const decoded = decoder.push(chunk);
        if (!decoded.ok) {
          this.#log(`the master's event stream broke: ${decoded.error}`);
          req.destroy();
          return;
        }
        for (const record of decoded.records) {
          let json: unknown;
          try {
            json = JSON.parse(text.decode(record));
          } catch (e) {
            this.#log(`an event is not JSON: ${e instanceof Error ? e.message : String(e)}`);
            continue;
          }
          const event = decodeEvent(json);
          if (event.ok) this.#deliver(from, schedulerEvent(event.value));
          else this.#log(`an event does not decode: ${event.error.path}: ${event.error.message}`);
        }
      });
      res.on('end', closed);
      res.on('close', closed);
      res.on('error', closed);
    });
    req.on('error', closed);
    req.end(body);
  }

  #call(call: Call): void {
    const streamId = this.#streamId;
    if (streamId === undefined) {
      this.#log(`${call.type} dropped: not subscribed`);
      return;
    }
    const body = JSON.stringify(encodeCall(call));
    let settle = () => {};
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    this.#inFlight.add(done);
    void done.then(() => this.#inFlight.delete(done));
    const req = request(
      `${this.#masterUrl}${SCHEDULER_PATH}`,
      {
        method: 'POST',
        agent: this.#calls,
        timeout: CALL_TIMEOUT_MS,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          'Mesos-Stream-Id': streamId,
        },
      },
      (res) => {
        if (res.statusCode === 202) {
          res.resume();
          res.on('end', settle);
          res.on('close', settle);
          return;
        }
        readAll(res).then((text) => {
          this.#log(`${call.type} answered ${res.statusCode}: ${text}`);
          settle();
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => {
      this.#log(`${call.type} failed: ${e.message}`);
      settle();
    });
    req.end(body);
  }
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, 2000)));
    res.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
