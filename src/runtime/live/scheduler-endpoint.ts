/**
 * The master's `/api/v1/scheduler` endpoint, as Apache Mesos serves it (src/master/http.cpp
 * `Master::Http::scheduler`; docs/scheduler-http-api.md):
 *
 * - SUBSCRIBE is answered `200` with a never-ending chunked stream of RecordIO-framed JSON events
 *   and a fresh `Mesos-Stream-Id` header; a SUBSCRIBE carrying that header is a `400`.
 * - Every other call goes on its own request with the header and is answered `202`, or `400`
 *   ("Framework cannot be found", missing or wrong stream id) or `403` ("Framework is not
 *   subscribed").
 * - `405`, `400` (no content type, bad JSON, invalid call), `415` (not JSON), `406` (SUBSCRIBE
 *   whose Accept allows no JSON), `413` (body over the limit).
 *
 * Each subscription is a process address `scheduler/<stream id>` to the master: calls arrive
 * from it, events sent to it are written to the stream, and when the connection closes the
 * master hears a `link` notice, as it does of a broken connection in the simulator. An ERROR
 * event closes its stream after it is written (Mesos closes a framework's stream on error and on
 * failover).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeCall } from '../../core/messages/scheduler-call.js';
import { type Event, encodeEvent } from '../../core/messages/scheduler-event.js';
import type { Address } from '../../core/process.js';
import { encodeRecord } from '../../core/recordio.js';
import { schedulerCall } from '../../core/wire.js';
import type { FrameworkConnection } from '../../master/master.js';
import { acceptsJson, readJsonMessage, sendText } from './http-util.js';
import type { LiveNode } from './live-node.js';

/** The address prefix of subscription streams. */
const STREAM_PREFIX = 'scheduler/';

/** A subscriber that lets this many bytes pile up unread is cut off (it can resubscribe). */
export const MAX_UNSENT_EVENT_BYTES = 64 * 1024 * 1024;

interface Subscription {
  readonly streamId: string;
  readonly res: ServerResponse;
}

/** The scheduler endpoint of one master (see the module comment). */
export class SchedulerEndpoint {
  readonly #node: LiveNode;
  readonly #master: Address;
  readonly #streams = new Map<string, Subscription>();
  readonly #frameworks: (id: string) => FrameworkConnection;

  /** @param frameworks where a framework stands, asked of the master at each call */
  constructor(node: LiveNode, master: Address, frameworks: (id: string) => FrameworkConnection) {
    this.#node = node;
    this.#master = master;
    this.#frameworks = frameworks;
  }

  /** Whether `address` is a subscription stream. */
  handles(address: Address): boolean {
    return address.startsWith(STREAM_PREFIX);
  }

  /** Writes an event the master sent to stream `to`. */
  send(to: Address, event: Event): void {
    const sub = this.#streams.get(to.slice(STREAM_PREFIX.length));
    // The connection closed (the master has been told) or is closing after an ERROR.
    if (sub === undefined || sub.res.writableEnded || sub.res.destroyed) return;
    sub.res.write(encodeRecord(JSON.stringify(encodeEvent(event))));
    if (event.type === 'ERROR' || sub.res.writableLength > MAX_UNSENT_EVENT_BYTES) sub.res.end();
  }

  /** Closes every stream (the master is shutting down). */
  closeAll(): void {
    for (const sub of this.#streams.values()) sub.res.end();
  }

  /** Serves one request to `/api/v1/scheduler`. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const call = await readJsonMessage(req, res, decodeCall, 'scheduler::Call');
    if (call === undefined) return;
    const streamHeader = req.headers['mesos-stream-id'];
    if (call.type === 'SUBSCRIBE') {
      if (streamHeader !== undefined) {
        return sendText(res, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
      }
      if (!acceptsJson(req.headers.accept)) {
        return sendText(
          res,
          406,
          `Expecting 'Accept' to allow application/json, received '${req.headers.accept}'`,
        );
      }
      return this.#subscribe(res, call);
    }
    const framework = this.#frameworks(call.framework_id.value);
    if (framework.kind === 'unknown') return sendText(res, 400, 'Framework cannot be found');
    if (framework.kind === 'disconnected') return sendText(res, 403, 'Framework is not subscribed');
    if (typeof streamHeader !== 'string') {
      return sendText(res, 400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    }
    if (STREAM_PREFIX + streamHeader !== framework.address) {
      return sendText(
        res,
        400,
        `The stream ID '${streamHeader}' included in this request didn't match the stream ID currently associated with framework ID ${call.framework_id.value}`,
      );
    }
    res.writeHead(202);
    res.end();
    this.#node.deliver(STREAM_PREFIX + streamHeader, this.#master, schedulerCall(call));
  }

  #subscribe(res: ServerResponse, call: Parameters<typeof schedulerCall>[0]): void {
    const streamId = randomUUID();
    const address = STREAM_PREFIX + streamId;
    const sub: Subscription = { streamId, res };
    this.#streams.set(streamId, sub);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Mesos-Stream-Id': streamId,
      'Cache-Control': 'no-cache',
    });
    res.flushHeaders();
    res.on('close', () => {
      this.#streams.delete(streamId);
      this.#node.deliver(address, this.#master, { channel: 'link', exited: address });
    });
    this.#node.deliver(address, this.#master, schedulerCall(call));
  }
}
