/**
 * The master's `/api/v1/scheduler` endpoint, as Apache Mesos serves it (src/master/http.cpp
 * `Master::Http::scheduler`; docs/scheduler-http-api.md):
 *
 * - SUBSCRIBE is answered `200` with a never-ending chunked stream of RecordIO-framed JSON events
 *   and a fresh `Mesos-Stream-Id` header; a SUBSCRIBE carrying that header is a `400`.
 * - Every other call goes on its own request with the header and is answered `202`, or `400`
 *   ("Framework cannot be found", missing or wrong stream id) or `403` ("Framework is not
 *   subscribed"); UPDATE_FRAMEWORK, which Mesos answers synchronously, is `200`, or `400` with
 *   the master's reason ("FrameworkInfo update is not valid: …"), the framework staying
 *   subscribed.
 * - Bodies are JSON or protobuf (`application/x-protobuf`), by `Content-Type`; a SUBSCRIBE's
 *   stream carries JSON records when its `Accept` allows JSON, else protobuf records (the
 *   RecordIO framing is the same, the records binary), as Mesos does (protobuf/content-types.ts).
 * - `405`, `400` (no content type, bad JSON or protobuf, invalid call), `415` (neither JSON nor
 *   protobuf), `406` (SUBSCRIBE whose Accept allows neither), `413` (body over the limit).
 *
 * Security (docs/authentication.md, docs/authorization.md):
 * - With framework authentication on, every request needs HTTP Basic credentials, checked from
 *   the headers before the body is read (`401` otherwise, see http-basic.ts).
 * - An authenticated SUBSCRIBE whose `FrameworkInfo.principal` differs from the authenticated
 *   principal is a `400` ("Authenticated principal 'a' does not match principal 'b' set in
 *   `FrameworkInfo`"), and one without a principal gets the authenticated one, as in Mesos; any
 *   other call from a principal other than its framework's is a `400` too.
 * - A SUBSCRIBE (or UPDATE_FRAMEWORK) in a role the `--acls` do not allow its principal is a
 *   `403` naming the role. Mesos answers such a SUBSCRIBE `200` and then sends an ERROR event
 *   ("Not authorized to use roles …") and closes the stream; a status before the stream is
 *   plainer for HTTP clients, and Agora's scheduler client turns either into the same ERROR.
 *   Without authentication the ACLs judge the principal the framework claims, as Mesos does.
 *
 * Limits: a subscriber that leaves more than `maxEventQueueBytes` of events unread (it stopped
 * reading, or reads slower than events come) has its stream closed at once and its buffer
 * dropped, so it cannot make the master hold unbounded memory; the master then sees the
 * framework disconnect, as on any broken stream, and it may resubscribe.
 *
 * Each subscription is a process address `scheduler/<stream id>` to the master: calls arrive
 * from it, events sent to it are written to the stream, and when the connection closes the
 * master hears a `link` notice, as it does of a broken connection in the simulator. An ERROR
 * event closes its stream after it is written (Mesos closes a framework's stream on error and on
 * failover).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FrameworkInfo } from '../../core/messages/framework-info.js';
import { type Call, decodeCall } from '../../core/messages/scheduler-call.js';
import { type Event, encodeEvent } from '../../core/messages/scheduler-event.js';
import type { Address } from '../../core/process.js';
import { encodeRecord } from '../../core/recordio.js';
import { schedulerCall } from '../../core/wire.js';
import type { CallAdmission } from '../../master/call-admission.js';
import { rolesOf } from '../../master/framework-registry.js';
import { type Acls, ALLOW_ALL, forbiddenRole } from './authorization.js';
import { authenticate, type EndpointAuthentication, SCHEDULER_REALM } from './http-basic.js';
import { type RequestLimits, readV1Message, sendText } from './http-util.js';
import type { LiveNode } from './live-node.js';
import { LiveCounters } from './master-metrics.js';
import { answerFormat, type BodyFormat, encodeAs, mediaTypeFor } from './protobuf/content-types.js';

/** The address prefix of subscription streams. */
const STREAM_PREFIX = 'scheduler/';

/** By default a subscriber that lets this many bytes pile up unread is cut off (it can resubscribe). */
export const MAX_UNSENT_EVENT_BYTES = 64 * 1024 * 1024;

/** How long a stream closed after an ERROR event may take to flush before it is dropped. */
const CLOSE_GRACE_MS = 5_000;

interface Subscription {
  readonly streamId: string;
  readonly res: ServerResponse;
  /** The framework's principal (`FrameworkInfo.principal`, or the authenticated one). */
  readonly principal: string | undefined;
  /** How its events are written: JSON or protobuf records, as its SUBSCRIBE's `Accept` asked. */
  readonly format: BodyFormat;
}

/** The security and limits of a scheduler endpoint; every field has an open default. */
export interface SchedulerEndpointOptions {
  /** Default: credentials ignored. */
  readonly authentication?: EndpointAuthentication;
  /** Default: everything allowed. */
  readonly acls?: Acls | undefined;
  readonly limits?: RequestLimits;
  /** Default {@link MAX_UNSENT_EVENT_BYTES}. */
  readonly maxEventQueueBytes?: number | undefined;
  readonly counters?: LiveCounters;
  readonly log?: (line: string) => void;
  /**
   * Why the master would refuse an UPDATE_FRAMEWORK (Master.updateFrameworkProblem), answered
   * 400 before the call is delivered. Default: none is refused here (the master then refuses
   * with an ERROR event).
   */
  readonly updateFrameworkProblem?: (call: Extract<Call, { type: 'UPDATE_FRAMEWORK' }>) => string | undefined;
}

const NO_AUTHENTICATION: EndpointAuthentication = {
  mode: 'ignored',
  realm: SCHEDULER_REALM,
  credentials: undefined,
};

/** The scheduler endpoint of one master (see the module comment). */
export class SchedulerEndpoint {
  readonly #node: LiveNode;
  readonly #master: Address;
  readonly #streams = new Map<string, Subscription>();
  readonly #admit: (id: string, from: Address | undefined) => CallAdmission;
  readonly #authentication: EndpointAuthentication;
  readonly #acls: Acls;
  readonly #limits: RequestLimits;
  readonly #maxEventQueueBytes: number;
  readonly #counters: LiveCounters;
  readonly #log: (line: string) => void;
  readonly #updateFrameworkProblem: NonNullable<SchedulerEndpointOptions['updateFrameworkProblem']>;

  /** @param admit the master's admission of a call for a framework from an address (Master.callAdmission) */
  constructor(
    node: LiveNode,
    master: Address,
    admit: (id: string, from: Address | undefined) => CallAdmission,
    options: SchedulerEndpointOptions = {},
  ) {
    this.#node = node;
    this.#master = master;
    this.#admit = admit;
    this.#authentication = options.authentication ?? NO_AUTHENTICATION;
    this.#acls = options.acls ?? ALLOW_ALL;
    this.#limits = options.limits ?? {};
    this.#maxEventQueueBytes = options.maxEventQueueBytes ?? MAX_UNSENT_EVENT_BYTES;
    this.#counters = options.counters ?? new LiveCounters();
    this.#log = options.log ?? (() => {});
    this.#updateFrameworkProblem = options.updateFrameworkProblem ?? (() => undefined);
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
    let record: Uint8Array;
    try {
      record = encodeRecord(encodeAs(sub.format, encodeEvent(event), 'mesos.v1.scheduler.Event'));
    } catch (e) {
      // An event that does not fit Mesos's schema is Agora's bug; a stream that silently lost an
      // event would mislead the framework, so it is closed (the framework may resubscribe).
      this.#log(`closing event stream ${sub.streamId}: ${e instanceof Error ? e.message : String(e)}`);
      sub.res.destroy();
      return;
    }
    sub.res.write(record);
    if (event.type === 'ERROR') {
      endStream(sub.res);
    } else if (sub.res.writableLength > this.#maxEventQueueBytes) {
      // end() would queue behind the unread bytes and never finish: drop them with the socket.
      this.#counters.eventStreamsOverflowed++;
      this.#log(
        `closing event stream ${sub.streamId}: ${sub.res.writableLength} bytes of events unread, over the limit of ${this.#maxEventQueueBytes} (--max-event-queue); the framework may resubscribe`,
      );
      sub.res.destroy();
    }
  }

  /** Closes every stream (the master is shutting down). */
  closeAll(): void {
    for (const sub of this.#streams.values()) sub.res.end();
  }

  /** Serves one request to `/api/v1/scheduler`. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const authenticated = authenticate(req, res, this.#authentication);
    if (!authenticated.ok) return;
    const principal = authenticated.principal;
    const call = await readV1Message(
      req,
      res,
      decodeCall,
      'scheduler::Call',
      'mesos.v1.scheduler.Call',
      this.#limits,
    );
    if (call === undefined) return;
    const streamHeader = req.headers['mesos-stream-id'];
    if (call.type === 'SUBSCRIBE') {
      const claimed = call.subscribe.framework_info.principal;
      if (principal !== undefined && claimed !== undefined && claimed !== principal) {
        return sendText(
          res,
          400,
          `Failed to validate scheduler::Call: ${principalMismatch(principal, claimed)}`,
        );
      }
      if (streamHeader !== undefined) {
        return sendText(res, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
      }
      // JSON when the client allows it, else protobuf (what mesos-go and Mesos's Java library ask).
      const format = answerFormat(req.headers.accept);
      if (!format.ok) {
        return sendText(res, 406, `${format.error.message}, received '${req.headers.accept}'`);
      }
      // Mesos: an authenticated framework that names no principal is given the authenticated one.
      const info: FrameworkInfo =
        claimed === undefined && principal !== undefined
          ? { ...call.subscribe.framework_info, principal }
          : call.subscribe.framework_info;
      if (!this.#authorized(res, info)) return;
      return this.#subscribe(
        res,
        { ...call, subscribe: { ...call.subscribe, framework_info: info } },
        format.value,
      );
    }
    // The master's own admission decision (call-admission.ts), answered in Mesos's HTTP order.
    const from = typeof streamHeader === 'string' ? STREAM_PREFIX + streamHeader : undefined;
    const admission = this.#admit(call.framework_id.value, from);
    if (admission.kind === 'unknown') return sendText(res, 400, 'Framework cannot be found');
    const current =
      admission.kind === 'disconnected'
        ? undefined
        : this.#streams.get(admission.address.slice(STREAM_PREFIX.length));
    if (principal !== undefined && current !== undefined && current.principal !== principal) {
      return sendText(res, 400, principalMismatch(principal, current.principal ?? ''));
    }
    if (admission.kind === 'disconnected') return sendText(res, 403, 'Framework is not subscribed');
    if (typeof streamHeader !== 'string') {
      return sendText(res, 400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    }
    if (admission.kind === 'foreign') {
      return sendText(
        res,
        400,
        `The stream ID '${streamHeader}' included in this request didn't match the stream ID currently associated with framework ID ${call.framework_id.value}`,
      );
    }
    if (call.type === 'UPDATE_FRAMEWORK') {
      if (!this.#authorized(res, call.update_framework.framework_info)) return;
      // Mesos answers UPDATE_FRAMEWORK synchronously: 200 once taken, 400 with why not (the
      // framework stays subscribed as it was).
      const problem = this.#updateFrameworkProblem(call);
      if (problem !== undefined) return sendText(res, 400, problem);
      res.writeHead(200);
    } else {
      res.writeHead(202);
    }
    res.end();
    this.#node.deliver(STREAM_PREFIX + streamHeader, this.#master, schedulerCall(call));
  }

  /** Whether `info`'s principal may use all its roles; if not, answers 403 naming the role. */
  #authorized(res: ServerResponse, info: FrameworkInfo): boolean {
    const role = forbiddenRole(this.#acls, info.principal, rolesOf(info));
    if (role === undefined) return true;
    this.#counters.authorizationFailures++;
    const who =
      info.principal === undefined ? 'a framework without a principal' : `principal '${info.principal}'`;
    sendText(
      res,
      403,
      `Not authorized to use role '${role}': the ACLs (register_frameworks) do not allow it to ${who}`,
    );
    return false;
  }

  #subscribe(res: ServerResponse, call: Extract<Call, { type: 'SUBSCRIBE' }>, format: BodyFormat): void {
    const streamId = randomUUID();
    const address = STREAM_PREFIX + streamId;
    const sub: Subscription = { streamId, res, principal: call.subscribe.framework_info.principal, format };
    this.#streams.set(streamId, sub);
    // Mesos labels the stream with the records' type (application/json or application/x-protobuf).
    res.writeHead(200, {
      'Content-Type': mediaTypeFor(format),
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

/** Mesos's words (src/master/validation.cpp, src/master/http.cpp). */
function principalMismatch(authenticated: string, framework: string): string {
  return `Authenticated principal '${authenticated}' does not match principal '${framework}' set in \`FrameworkInfo\``;
}

/**
 * Ends a stream after what is queued, and drops it if that does not flush in time: a client
 * that stopped reading would otherwise keep it open forever.
 */
function endStream(res: ServerResponse): void {
  res.end();
  setTimeout(() => res.destroy(), CLOSE_GRACE_MS).unref();
}
