/**
 * The master's operator API v1 at `POST /api/v1` (docs/operator-http-api.md, master.proto).
 *
 * Read-only calls are answered from the master's snapshot (operator-state.ts), as Mesos answers
 * them from its own state. Calls that change the master (UPDATE_WEIGHTS, UPDATE_QUOTA,
 * MARK_AGENT_GONE) travel to the sans-IO master on the `operator-call` channel and are answered
 * when it answers, that is once the change is in its registry (operator-calls.ts). SUBSCRIBE
 * opens a RecordIO stream: SUBSCRIBED with the whole state, then TASK_ADDED, TASK_UPDATED,
 * AGENT_ADDED, AGENT_REMOVED, FRAMEWORK_ADDED, FRAMEWORK_UPDATED, FRAMEWORK_REMOVED as the state
 * changes, and HEARTBEAT every 15 s (Mesos's DEFAULT_HEARTBEAT_INTERVAL).
 *
 * The events are found by comparing the state after each step of the master with the state
 * before it ({@link StateDiff}), only while someone is subscribed: the master's logic stays as
 * it is (the simulator runs it unchanged) and the stream says what the state says.
 *
 * Bodies are read and answers written by operator-codec.ts only: JSON or protobuf calls, answers
 * and stream records in the encoding `Accept` asks for (protobuf records are binary RecordIO).
 * With `authentication` required, every call needs HTTP Basic credentials (Mesos's
 * `--authenticate_http_readwrite` covers `/api/v1`); the changes are authorised by the ACLs
 * `update_weights`, `update_quotas`, `mark_agents_gone`, `reserve_resources` and
 * `unreserve_resources` (authorization.ts), answered 403.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OperatorAnswer, OperatorChange } from '../../core/messages/operator-call.js';
import type { Address } from '../../core/process.js';
import { encodeRecord } from '../../core/recordio.js';
import type { Wire } from '../../core/wire.js';
import type { Master } from '../../master/master.js';
import type { V1State } from '../../master/operator-state.js';
import {
  type Acls,
  ALLOW_ALL,
  mayMarkAgentGone,
  mayReserve,
  mayUnreserve,
  mayUpdateQuota,
  mayUpdateWeight,
} from './authorization.js';
import { authenticate, type EndpointAuthentication } from './http-basic.js';
import { type RequestLimits, sendText } from './http-util.js';
import type { LiveNode } from './live-node.js';
import { decodeMasterCall, type MasterCall } from './operator-calls-decode.js';
import { encodeOperatorMessage, type OperatorEncoding, operatorMediaType } from './operator-codec.js';
import { StateDiff } from './operator-events.js';
import {
  type CommonSources,
  isCommonCall,
  type OperatorAnswering,
  readOperatorCall,
  sendCommonResponse,
  sendOperatorResponse,
} from './operator-http.js';
import { MAX_UNSENT_EVENT_BYTES } from './scheduler-endpoint.js';

/** Mesos's heartbeat interval for operator subscribers (DEFAULT_HEARTBEAT_INTERVAL, 15 s). */
export const OPERATOR_HEARTBEAT_MS = 15_000;

const CALLER_PREFIX = 'operator/';

/** What the endpoint reads from the live master beyond the master itself. */
export interface MasterOperatorOptions extends CommonSources {
  /** Mesos's `QuotaStatus` (GET_QUOTA's `status`, the same as `/quota`). */
  readonly quotaStatus: () => unknown;
  /** When the master started and was elected (ms since the epoch). */
  readonly startedAtMs: number;
  readonly authentication?: EndpointAuthentication | undefined;
  readonly acls?: Acls | undefined;
  readonly limits?: RequestLimits;
  readonly heartbeatIntervalMs?: number;
  /** Unread event bytes a subscriber may leave queued (default 64 MiB); then its stream is closed. */
  readonly maxEventQueueBytes?: number | undefined;
  /** Where closed streams are reported. */
  readonly log?: (line: string) => void;
  /** Called on each ACL refusal (for the metrics). */
  readonly unauthorized?: () => void;
}

interface Subscriber {
  readonly res: ServerResponse;
  readonly encoding: OperatorEncoding;
  readonly heartbeat: NodeJS.Timeout;
}

/** `/api/v1` on a live master. */
export class MasterOperatorApi {
  readonly #node: LiveNode;
  readonly #masterAddress: Address;
  readonly #master: Master;
  readonly #options: MasterOperatorOptions;
  readonly #pending = new Map<string, (answer: OperatorAnswer) => void>();
  readonly #subscribers = new Set<Subscriber>();
  #diff: StateDiff | undefined;
  #nextId = 1;

  constructor(node: LiveNode, masterAddress: Address, master: Master, options: MasterOperatorOptions) {
    this.#node = node;
    this.#masterAddress = masterAddress;
    this.#master = master;
    this.#options = options;
  }

  /** Whether `address` is a caller waiting for the master's answer. */
  handles(address: Address): boolean {
    return address.startsWith(CALLER_PREFIX);
  }

  /** The master's answer to a change (the `operator-answer` channel). */
  send(_to: Address, msg: Wire): void {
    if (msg.channel !== 'operator-answer') return;
    const resolve = this.#pending.get(msg.id);
    this.#pending.delete(msg.id);
    resolve?.(msg.answer);
  }

  /** The master took a step: tell subscribers what changed. */
  changed(): void {
    if (this.#subscribers.size === 0) {
      this.#diff = undefined;
      return;
    }
    const diff = this.#diff;
    if (diff === undefined) return;
    for (const event of diff.next(this.#master.operatorState())) this.#broadcast(event);
  }

  /** Ends every subscription and answers callers still waiting with 503. */
  closeAll(): void {
    for (const sub of this.#subscribers) {
      clearInterval(sub.heartbeat);
      sub.res.end();
    }
    this.#subscribers.clear();
    for (const resolve of this.#pending.values()) resolve({ status: 503, message: 'The master is stopping' });
    this.#pending.clear();
  }

  /** Serves one `/api/v1` request. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const authenticated =
      this.#options.authentication === undefined
        ? { ok: true as const, principal: undefined }
        : authenticate(req, res, this.#options.authentication);
    if (!authenticated.ok) return;
    const read = await readOperatorCall(req, res, decodeMasterCall, 'master', this.#options.limits);
    if (read === undefined) return;
    return this.#dispatch(res, read.call, read.answering, authenticated.principal);
  }

  async #dispatch(
    res: ServerResponse,
    call: MasterCall,
    answering: OperatorAnswering,
    principal: string | undefined,
  ): Promise<void> {
    const answer = (type: string, field: string, value: unknown) =>
      sendOperatorResponse(res, answering, type, field, value);
    if (isCommonCall(call)) return sendCommonResponse(res, answering, call.type, this.#options);
    switch (call.type) {
      case 'GET_LOGGING_LEVEL':
        // glog's verbosity; Agora has no verbose levels, so it is always Mesos's default, 0.
        return answer(call.type, 'get_logging_level', { level: 0 });
      case 'GET_STATE':
        return answer(call.type, 'get_state', this.#master.operatorState());
      case 'GET_AGENTS':
        return answer(call.type, 'get_agents', this.#master.operatorState().get_agents);
      case 'GET_FRAMEWORKS':
        return answer(call.type, 'get_frameworks', this.#master.operatorState().get_frameworks);
      case 'GET_EXECUTORS':
        return answer(call.type, 'get_executors', this.#master.operatorState().get_executors);
      case 'GET_TASKS':
        return answer(call.type, 'get_tasks', this.#master.operatorState().get_tasks);
      case 'GET_ROLES':
        return answer(call.type, 'get_roles', { roles: this.#master.operatorRoles() });
      case 'GET_WEIGHTS':
        return answer(call.type, 'get_weights', {
          weight_infos: Object.entries(this.#master.weights()).map(([role, weight]) => ({ role, weight })),
        });
      case 'GET_MASTER':
        return answer(call.type, 'get_master', {
          master_info: {
            ...this.#master.info,
            version: this.#options.version,
            address: { hostname: this.#master.info.hostname, port: this.#master.info.port },
          },
          start_time: this.#options.startedAtMs / 1000,
          elected_time: this.#options.startedAtMs / 1000,
        });
      case 'GET_QUOTA':
        return answer(call.type, 'get_quota', { status: this.#options.quotaStatus() });
      case 'GET_MAINTENANCE_STATUS':
        // Agora has no maintenance schedule: no machine is draining or down (Mesos omits empty lists).
        return answer(call.type, 'get_maintenance_status', { status: {} });
      case 'SUBSCRIBE':
        return this.#subscribe(res, answering.encoding);
      case 'CHANGE':
        return this.#change(res, call.change, principal);
      case 'UNSUPPORTED':
        // What Mesos answers a call it does not implement (NotImplemented).
        return sendText(res, 501, `${call.name} is not implemented by Agora's master`);
    }
  }

  async #change(res: ServerResponse, change: OperatorChange, principal: string | undefined): Promise<void> {
    const refusal = this.#refusal(change, principal);
    if (refusal !== undefined) {
      this.#options.unauthorized?.();
      return sendText(res, 403, refusal);
    }
    const id = String(this.#nextId++);
    const answered = new Promise<OperatorAnswer>((resolve) => this.#pending.set(id, resolve));
    this.#node.deliver(CALLER_PREFIX + id, this.#masterAddress, {
      channel: 'operator-call',
      id,
      call: change,
    });
    const answer = await answered;
    return sendText(res, answer.status, answer.message);
  }

  /** Why the ACLs refuse `change` to `principal`, or undefined if they allow it. */
  #refusal(change: OperatorChange, principal: string | undefined): string | undefined {
    const acls = this.#options.acls ?? ALLOW_ALL;
    const who = principal === undefined ? 'an unauthenticated operator' : `principal '${principal}'`;
    switch (change.type) {
      case 'UPDATE_WEIGHTS': {
        const role = change.weightInfos.find((w) => !mayUpdateWeight(acls, principal, w.role))?.role;
        return role === undefined
          ? undefined
          : `Not authorized to update the weight of role '${role}' (update_weights) for ${who}`;
      }
      case 'UPDATE_QUOTA': {
        const role = change.quotaConfigs.find((q) => !mayUpdateQuota(acls, principal, q.role))?.role;
        return role === undefined
          ? undefined
          : `Not authorized to update the quota of role '${role}' (update_quotas) for ${who}`;
      }
      case 'MARK_AGENT_GONE':
        return mayMarkAgentGone(acls, principal, change.agentId.value)
          ? undefined
          : `Not authorized to mark agents gone (mark_agents_gone) for ${who}`;
      case 'RESERVE_RESOURCES': {
        // The role reserved for is the last (most refined) reservation's (Mesos's reservation stack).
        const role = change.resources
          .map((r) => r.reservations?.at(-1)?.role ?? r.role)
          .find((role) => role !== undefined && !mayReserve(acls, principal, role));
        return role === undefined
          ? undefined
          : `Not authorized to reserve resources for role '${role}' (reserve_resources) for ${who}`;
      }
      case 'UNRESERVE_RESOURCES': {
        const refused = change.resources.find(
          (r) =>
            !mayUnreserve(acls, principal, r.reservations?.at(-1)?.principal ?? r.reservation?.principal),
        );
        return refused === undefined
          ? undefined
          : `Not authorized to unreserve resources (unreserve_resources) for ${who}`;
      }
    }
  }

  #subscribe(res: ServerResponse, encoding: OperatorEncoding): void {
    const state = this.#master.operatorState();
    if (this.#diff === undefined) this.#diff = new StateDiff(state);
    res.writeHead(200, {
      'Content-Type': operatorMediaType(encoding),
      'Cache-Control': 'no-cache',
    });
    const intervalMs = this.#options.heartbeatIntervalMs ?? OPERATOR_HEARTBEAT_MS;
    const sub: Subscriber = {
      res,
      encoding,
      heartbeat: setInterval(() => this.#write(sub, { type: 'HEARTBEAT' }), intervalMs),
    };
    sub.heartbeat.unref();
    this.#subscribers.add(sub);
    res.on('close', () => {
      clearInterval(sub.heartbeat);
      this.#subscribers.delete(sub);
    });
    this.#write(sub, subscribed(state, intervalMs));
  }

  #broadcast(event: unknown): void {
    for (const sub of this.#subscribers) this.#write(sub, event);
  }

  #write(sub: Subscriber, event: unknown): void {
    if (sub.res.writableEnded || sub.res.destroyed) return;
    let record: Uint8Array;
    try {
      record = encodeRecord(encodeOperatorMessage(event, sub.encoding, 'mesos.v1.master.Event').body);
    } catch (e) {
      // An event the schema cannot carry is Agora's bug: close the stream and say so, rather
      // than leave the subscriber silently missing an event (as the scheduler endpoint does).
      this.#options.log?.(
        `closing an operator SUBSCRIBE stream: ${e instanceof Error ? e.message : String(e)}`,
      );
      sub.res.destroy();
      return;
    }
    sub.res.write(record);
    const limit = this.#options.maxEventQueueBytes ?? MAX_UNSENT_EVENT_BYTES;
    if (sub.res.writableLength > limit) {
      // A subscriber that does not read must not hold the master's memory: drop it, as the
      // scheduler endpoint drops a framework's stream; it may subscribe again.
      this.#options.log?.(
        `closing an operator SUBSCRIBE stream: ${sub.res.writableLength} bytes of events unread, over the limit of ${limit}`,
      );
      sub.res.destroy();
    }
  }
}

function subscribed(state: V1State, heartbeatMs: number): unknown {
  return {
    type: 'SUBSCRIBED',
    subscribed: { get_state: state, heartbeat_interval_seconds: heartbeatMs / 1000 },
  };
}
