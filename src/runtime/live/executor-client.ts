/**
 * An executor's side of the Mesos v1 executor HTTP API (docs/executor-http-api.md), as the live
 * transport of an {@link ExecutorProcess}: SUBSCRIBE opens a streaming POST to
 * `http://<MESOS_AGENT_ENDPOINT>/api/v1/executor` whose RecordIO-framed JSON events are
 * delivered to the process from the agent; UPDATE and MESSAGE are POSTs of their own, sent one
 * at a time in order. When the stream ends, is refused or cannot be opened the process hears that
 * the agent's connection closed (`link`) and the driver resubscribes or shuts down as Mesos's does.
 * A TLS agent (`https:` URL) is spoken to over TLS.
 */
import type { ClientRequest, Agent as HttpAgent } from 'node:http';
import { decodeExecutorEvent, type ExecutorCall, encodeExecutorCall } from '../../core/messages/executor.js';
import type { Address } from '../../core/process.js';
import { executorEvent, type Wire } from '../../core/wire.js';
import { openEventStream, postJson } from './event-stream.js';
import type { LiveNode } from './live-node.js';
import { type ClientTls, keepAliveAgent } from './tls.js';

const EXECUTOR_PATH = '/api/v1/executor';
const CALL_TIMEOUT_MS = 30_000;

/** The v1 executor API client of one executor process. */
export class ExecutorClient {
  readonly #node: LiveNode;
  readonly #url: string;
  readonly #agent: Address;
  readonly #log: (line: string) => void;
  readonly #calls: HttpAgent;
  readonly #tls: ClientTls | undefined;
  readonly #headers: Readonly<Record<string, string>>;
  #stream: ClientRequest | undefined;
  #closed = false;

  /**
   * @param agentUrl e.g. `http://127.0.0.1:5051`; @param agent the agent's address to the process;
   * @param tls the CAs trusted for an `https:` agent, instead of the system's;
   * @param token the executor's `MESOS_EXECUTOR_AUTHENTICATION_TOKEN`, sent as a Bearer token
   */
  constructor(
    node: LiveNode,
    agentUrl: string,
    agent: Address,
    log: (line: string) => void,
    tls?: ClientTls,
    token?: string,
  ) {
    this.#node = node;
    this.#url = `${agentUrl}${EXECUTOR_PATH}`;
    this.#agent = agent;
    this.#log = log;
    this.#tls = tls;
    this.#headers = token === undefined ? {} : { Authorization: `Bearer ${token}` };
    this.#calls = keepAliveAgent(this.#url, 1, tls);
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
    const broken = () => this.#deliver(from, { channel: 'link', exited: this.#agent });
    const body = JSON.stringify(encodeExecutorCall(call));
    this.#stream = openEventStream(
      this.#url,
      body,
      {
        opened: () => {},
        record: (json) => {
          const event = decodeExecutorEvent(json);
          if (event.ok) this.#deliver(from, executorEvent(event.value));
          else this.#log(`an event does not decode: ${event.error.path}: ${event.error.message}`);
        },
        refused: (status, text) => {
          this.#log(`SUBSCRIBE answered ${status}: ${text}`);
          broken();
        },
        closed: broken,
        failed: (e) => this.#log(`cannot subscribe at ${this.#url}: ${e.message}`),
        log: this.#log,
      },
      { headers: this.#headers, ...(this.#tls === undefined ? {} : { tls: this.#tls }) },
    );
  }

  #call(call: ExecutorCall): void {
    const body = JSON.stringify(encodeExecutorCall(call));
    void postJson(this.#url, this.#calls, body, this.#headers, CALL_TIMEOUT_MS, this.#tls).then(
      ({ status, text }) => {
        if (status !== 202)
          this.#log(`${call.type} ${status === 0 ? 'failed' : `answered ${status}`}: ${text}`);
      },
    );
  }
}
