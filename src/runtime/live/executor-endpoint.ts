/**
 * An agent's `/api/v1/executor` endpoint, the Mesos v1 executor API (docs/executor-http-api.md;
 * src/slave/http.cpp `Http::executor`): an executor's SUBSCRIBE is answered `200` with a
 * never-ending chunked stream of RecordIO-framed JSON events; its UPDATE and MESSAGE calls go on
 * other requests and are answered `202`. The executor API carries no stream id: calls name their
 * framework and executor, and a call from an executor that has no open stream is a `403`
 * ("Executor is not subscribed"). Bad requests get 400, 405, 413 and 415 as on the master. Calls
 * are JSON or protobuf, and a SUBSCRIBE's stream is JSON or protobuf records by its `Accept`
 * (406 when it allows neither), as on the master's scheduler endpoint.
 *
 * Authentication: with {@link ExecutorAuthentication} (a live agent always has it), every call
 * needs the `Authorization: Bearer` token the agent gave the executor at launch: 401 without a
 * valid one (checked before the body is read), 403 when it is another executor's or its
 * container is gone (executor-tokens.ts). So nobody else can subscribe as an executor, take its
 * event stream, or send updates for its tasks.
 *
 * Each subscription is a process address `executor/<uuid>` to the agent: calls arrive from it,
 * events sent to it go on its stream, and when the connection closes the agent hears a `link`
 * notice (the executor is gone or disconnected, as in the simulator).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeExecutorCall, type ExecutorEvent, encodeExecutorEvent } from '../../core/messages/executor.js';
import type { Address } from '../../core/process.js';
import { encodeRecord } from '../../core/recordio.js';
import { executorCall } from '../../core/wire.js';
import {
  claimsProblem,
  EXECUTOR_REALM,
  type ExecutorClaims,
  type ExecutorTokens,
} from './executor-tokens.js';
import { readV1Message, sendText } from './http-util.js';
import type { LiveNode } from './live-node.js';
import { answerFormat, type BodyFormat, encodeAs, mediaTypeFor } from './protobuf/content-types.js';
import { MAX_UNSENT_EVENT_BYTES } from './scheduler-endpoint.js';

const STREAM_PREFIX = 'executor/';

/** How an agent's executors prove who they are (executor-tokens.ts). */
export interface ExecutorAuthentication {
  readonly tokens: ExecutorTokens;
  /** Whether the container a token names runs now. */
  readonly running: (claims: ExecutorClaims) => boolean;
}

/** The executor endpoint of one agent (see the module comment). */
export class ExecutorEndpoint {
  readonly #node: LiveNode;
  readonly #agent: () => Address;
  readonly #authentication: ExecutorAuthentication | undefined;
  /** Each stream, and whether it carries JSON or protobuf records. */
  readonly #streams = new Map<string, { readonly res: ServerResponse; readonly format: BodyFormat }>();
  /** `<framework id>/<executor id>` → its stream's address. */
  readonly #executors = new Map<string, Address>();

  /**
   * @param agent the agent's address (known once its server listens)
   * @param authentication how executors prove who they are (none: anyone may call)
   */
  constructor(node: LiveNode, agent: () => Address, authentication?: ExecutorAuthentication) {
    this.#node = node;
    this.#agent = agent;
    this.#authentication = authentication;
  }

  /** Whether `address` is an executor's stream. */
  handles(address: Address): boolean {
    return address.startsWith(STREAM_PREFIX);
  }

  /** Writes an event the agent sent to executor stream `to`. */
  send(to: Address, event: ExecutorEvent): void {
    const stream = this.#streams.get(to);
    if (stream === undefined || stream.res.writableEnded || stream.res.destroyed) return;
    const res = stream.res;
    try {
      res.write(encodeRecord(encodeAs(stream.format, encodeExecutorEvent(event), 'mesos.v1.executor.Event')));
    } catch {
      // An event that does not fit Mesos's schema is Agora's bug: close rather than lose it.
      res.destroy();
      return;
    }
    // end() would wait behind the unread bytes forever: drop them with the socket.
    if (res.writableLength > MAX_UNSENT_EVENT_BYTES) res.destroy();
  }

  /** Closes every stream. */
  closeAll(): void {
    for (const stream of this.#streams.values()) stream.res.end();
  }

  /** Serves one request to `/api/v1/executor`. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = this.#authentication;
    const claims = auth?.tokens.fromRequest(req);
    if (typeof claims === 'string') {
      return sendText(res, 401, claims, { 'WWW-Authenticate': `Bearer realm="${EXECUTOR_REALM}"` });
    }
    const call = await readV1Message(
      req,
      res,
      decodeExecutorCall,
      'executor::Call',
      'mesos.v1.executor.Call',
    );
    if (call === undefined) return;
    if (auth !== undefined && claims !== undefined) {
      const problem = claimsProblem(claims, call.framework_id.value, call.executor_id.value, auth.running);
      if (problem !== undefined) return sendText(res, 403, problem);
    }
    const key = `${call.framework_id.value}/${call.executor_id.value}`;
    if (call.type === 'SUBSCRIBE') {
      const format = answerFormat(req.headers.accept);
      if (!format.ok) return sendText(res, format.error.status, format.error.message);
      const address = STREAM_PREFIX + randomUUID();
      this.#streams.set(address, { res, format: format.value });
      this.#executors.set(key, address);
      res.writeHead(200, { 'Content-Type': mediaTypeFor(format.value), 'Cache-Control': 'no-cache' });
      res.flushHeaders();
      res.on('close', () => {
        this.#streams.delete(address);
        if (this.#executors.get(key) === address) this.#executors.delete(key);
        this.#node.deliver(address, this.#agent(), { channel: 'link', exited: address });
      });
      this.#node.deliver(address, this.#agent(), executorCall(call));
      return;
    }
    const from = this.#executors.get(key);
    if (from === undefined) return sendText(res, 403, 'Executor is not subscribed');
    res.writeHead(202);
    res.end();
    this.#node.deliver(from, this.#agent(), executorCall(call));
  }
}
