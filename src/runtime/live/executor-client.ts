/**
 * An executor's side of the Mesos v1 executor HTTP API (docs/executor-http-api.md), as the live
 * transport of an {@link ExecutorProcess}: SUBSCRIBE opens a streaming POST to
 * `http://<MESOS_AGENT_ENDPOINT>/api/v1/executor` whose RecordIO-framed JSON events are
 * delivered to the process from the agent; UPDATE and MESSAGE are POSTs of their own, sent one
 * at a time in order. When the stream ends or cannot be opened the process hears that the
 * agent's connection closed (`link`) and the driver resubscribes or shuts down as Mesos's does.
 */
import { type ClientRequest, Agent as HttpAgent, request } from 'node:http';
import { decodeExecutorEvent, type ExecutorCall, encodeExecutorCall } from '../../core/messages/executor.js';
import type { Address } from '../../core/process.js';
import { RecordIoDecoder } from '../../core/recordio.js';
import { executorEvent, type Wire } from '../../core/wire.js';
import type { LiveNode } from './live-node.js';
import { MAX_EVENT_BYTES } from './scheduler-client.js';

const EXECUTOR_PATH = '/api/v1/executor';

/** The v1 executor API client of one executor process. */
export class ExecutorClient {
  readonly #node: LiveNode;
  readonly #agentUrl: string;
  readonly #agent: Address;
  readonly #log: (line: string) => void;
  readonly #calls = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  #stream: ClientRequest | undefined;
  #closed = false;

  /** @param agentUrl e.g. `http://127.0.0.1:5051`; @param agent the agent's address to the process */
  constructor(node: LiveNode, agentUrl: string, agent: Address, log: (line: string) => void) {
    this.#node = node;
    this.#agentUrl = agentUrl;
    this.#agent = agent;
    this.#log = log;
  }

  /** Whether `to` is the agent. */
  handles(to: Address): boolean {
    return to === this.#agent;
  }

  /** Sends a process's message to the agent. */
  send(from: Address, _to: Address, msg: Wire): void {
    if (msg.channel !== 'executor-call') return;
    if (msg.call.type === 'SUBSCRIBE') this.#subscribe(from, msg.call);
    else this.#call(msg.call);
  }

  /** Closes the stream and connections; the process hears nothing more. */
  close(): void {
    this.#closed = true;
    this.#stream?.destroy();
    this.#calls.destroy();
  }

  #deliver(from: Address, msg: Wire): void {
    if (!this.#closed) this.#node.deliver(this.#agent, from, msg);
  }

  #subscribe(from: Address, call: ExecutorCall): void {
    this.#stream?.destroy();
    const body = JSON.stringify(encodeExecutorCall(call));
    let ended = false;
    const closed = () => {
      if (ended) return;
      ended = true;
      this.#deliver(from, { channel: 'link', exited: this.#agent });
    };
    const req = request(`${this.#agentUrl}${EXECUTOR_PATH}`, {
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
        this.#log(`SUBSCRIBE answered ${res.statusCode}`);
        res.resume();
        closed();
        return;
      }
      const decoder = new RecordIoDecoder(MAX_EVENT_BYTES);
      const text = new TextDecoder();
      res.on('data', (chunk: Buffer) => {
        const decoded = decoder.push(chunk);
        if (!decoded.ok) {
          this.#log(`the agent's event stream broke: ${decoded.error}`);
          req.destroy();
          return;
        }
        for (const record of decoded.records) {
          try {
            const event = decodeExecutorEvent(JSON.parse(text.decode(record)));
            if (event.ok) this.#deliver(from, executorEvent(event.value));
            else this.#log(`an event does not decode: ${event.error.path}: ${event.error.message}`);
          } catch (e) {
            this.#log(`an event is not JSON: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      });
      res.on('end', closed);
      res.on('close', closed);
    });
    req.on('error', closed);
    req.end(body);
  }

  #call(call: ExecutorCall): void {
    const body = JSON.stringify(encodeExecutorCall(call));
    const req = request(
      `${this.#agentUrl}${EXECUTOR_PATH}`,
      {
        method: 'POST',
        agent: this.#calls,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        if (res.statusCode !== 202) this.#log(`${call.type} answered ${res.statusCode}`);
      },
    );
    req.on('error', (e) => this.#log(`${call.type} failed: ${e.message}`));
    req.end(body);
  }
}
