/**
 * The agent's status-update manager (Mesos src/slave/task_status_update_manager.cpp; mesos.md
 * §5.2): it makes every task status update reach the scheduler at least once, in order.
 *
 * - One stream per (framework, task): a FIFO of updates not yet acknowledged.
 * - Only the head of a stream is in flight. It is forwarded, then re-forwarded after 10 s, 20 s,
 *   40 s … (doubling, capped at 10 min, no retry limit) until the acknowledgement carrying its
 *   uuid arrives; then the next update is forwarded at once, with the interval back at 10 s.
 * - An update whose uuid the stream already received (or had acknowledged) is a duplicate and is
 *   ignored; the caller still acknowledges it to its executor, as Mesos does.
 * - An acknowledgement for no stream, for a stream with nothing in flight, for a uuid already
 *   acknowledged, or for a uuid other than the head's is ignored and traced (Mesos logs it as an
 *   error; the retried update's second acknowledgement is the common case).
 * - Acknowledging a terminal update closes the stream, even if updates follow it (Mesos warns
 *   and does the same).
 * - Paused (while the agent is not registered), updates queue but nothing is sent and retry
 *   timers stop; `resume` forwards the head of every stream at once with the interval reset
 *   (Mesos `pause`/`resume`).
 *
 * The class is pure: it sends and sets timers only through the {@link StatusUpdatePort} it is
 * given. Its bounds (`maxStreams`, `maxUpdatesPerStream`) refuse what would exceed them; Mesos
 * has none. Checkpointing is the agent's (checkpoint.ts): the port says whether an update is
 * durable yet, a head that is not waits for {@link StatusUpdateManager.durabilityAdvanced}, and
 * a restarted agent puts its checkpointed streams back with {@link StatusUpdateManager.restore}.
 */
import type { StatusUpdate } from '../core/messages/agent-protocol.js';
import { isTerminalState } from '../core/messages/task-state.js';
import type { TimerId } from '../core/process.js';

/** What the manager needs from the agent. */
export interface StatusUpdatePort {
  /** Sends an update to the master (the agent adds `latest_state`). */
  forward(update: StatusUpdate): void;
  /** Runs `action` after `delayMs`. */
  setTimer(delayMs: number, kind: typeof STATUS_UPDATE_RETRY_TAG, action: () => void): TimerId;
  /** Cancels a timer set with `setTimer`; undefined is a no-op. */
  cancelTimer(id: TimerId | undefined): void;
  /** Records a trace line (`kind` without the process prefix). */
  trace(kind: string, fields: Readonly<Record<string, unknown>>): void;
  /** False when trace lines are discarded, so the manager need not build them. Absent: kept. */
  readonly tracing?: boolean;
  /**
   * Whether the update may leave the agent: false while a checkpointing framework's update is
   * not yet on disk (Mesos checkpoints an update before it forwards it). Absent: always.
   */
  isDurable?(update: StatusUpdate): boolean;
}

/** Retry intervals and bounds. */
export interface StatusUpdateManagerOptions {
  /** Mesos `STATUS_UPDATE_RETRY_INTERVAL_MIN` (10 s). */
  readonly retryMinMs: number;
  /** Mesos `STATUS_UPDATE_RETRY_INTERVAL_MAX` (10 min). */
  readonly retryMaxMs: number;
  /** Streams held at once; an update that would open one more is refused. */
  readonly maxStreams: number;
  /** Updates a stream takes before it closes; more are refused. */
  readonly maxUpdatesPerStream: number;
}

/** What {@link StatusUpdateManager.update} did with an update. */
export type UpdateOutcome =
  | { readonly kind: 'queued'; readonly forwarded: boolean }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'refused'; readonly why: string };

/** What {@link StatusUpdateManager.acknowledge} did with an acknowledgement. */
export type AckOutcome =
  | {
      readonly kind: 'acknowledged';
      readonly update: StatusUpdate;
      /** The update was terminal: the stream is closed. */
      readonly terminal: boolean;
    }
  | { readonly kind: 'ignored'; readonly why: AckIgnoredWhy };

/** Why an acknowledgement was ignored. */
export type AckIgnoredWhy = 'unknown stream' | 'nothing in flight' | 'duplicate' | 'not the head';

/** The timer tag of a retry. */
export const STATUS_UPDATE_RETRY_TAG = 'status-update-retry';

// The outcomes that carry nothing particular, made once (an update is taken per status update).
const DUPLICATE: UpdateOutcome = Object.freeze({ kind: 'duplicate' });
const QUEUED_FORWARDED: UpdateOutcome = Object.freeze({ kind: 'queued', forwarded: true });
const QUEUED_HELD: UpdateOutcome = Object.freeze({ kind: 'queued', forwarded: false });

/** Uuids a stream indexes in a map once it has received more than this many. */
const UUID_INDEX_AFTER = 16;

/**
 * One task's updates. Updates are acknowledged head first, so the uuids a stream has received,
 * in order, are those acknowledged followed by those pending: one list and a count say both,
 * where two sets per task would cost far more (a stream usually takes three updates). Past a few
 * uuids (an executor that keeps sending) a map indexes them.
 */
class Stream {
  readonly frameworkId: string;
  readonly taskId: string;
  readonly pending: StatusUpdate[] = [];
  /** Every uuid received, in order: the first `acknowledgedCount` were acknowledged. */
  readonly #uuids: string[] = [];
  #acknowledgedCount = 0;
  #index: Map<string, number> | undefined;
  timer: TimerId | undefined;
  /** The interval the pending retry timer was set for (meaningful while `timer` is set). */
  retryIntervalMs = 0;
  /** What the retry timer runs: made once per stream (a stream holds one timer at a time). */
  retry: (() => void) | undefined;
  /** Forwards of the head so far (1 = first send), for the trace. */
  attempts = 0;

  constructor(frameworkId: string, taskId: string) {
    this.frameworkId = frameworkId;
    this.taskId = taskId;
  }

  /** How many updates it has received. */
  get receivedCount(): number {
    return this.#uuids.length;
  }

  /** Whether it received an update with this uuid (acknowledged or not). */
  received(uuid: string): boolean {
    return this.#position(uuid) >= 0;
  }

  /** Whether the update with this uuid was acknowledged. */
  acknowledged(uuid: string): boolean {
    const at = this.#position(uuid);
    return at >= 0 && at < this.#acknowledgedCount;
  }

  /** Takes an update in, at the end of the pending ones. */
  receive(update: StatusUpdate): void {
    this.#index?.set(update.uuid, this.#uuids.length);
    this.#uuids.push(update.uuid);
    this.pending.push(update);
    if (this.#index === undefined && this.#uuids.length > UUID_INDEX_AFTER) {
      this.#index = new Map(this.#uuids.map((uuid, at) => [uuid, at]));
    }
  }

  /** The head was acknowledged: it leaves the pending ones. */
  acknowledgeHead(): void {
    this.pending.shift();
    this.#acknowledgedCount++;
  }

  /** Where `uuid` was first received, or -1. */
  #position(uuid: string): number {
    if (this.#index !== undefined) return this.#index.get(uuid) ?? -1;
    return this.#uuids.indexOf(uuid);
  }
}

/** The reliable status-update sender (see the module comment). */
export class StatusUpdateManager {
  readonly #port: StatusUpdatePort;
  readonly #options: StatusUpdateManagerOptions;
  /** framework id → task id → stream. */
  readonly #streams = new Map<string, Map<string, Stream>>();
  #streamCount = 0;
  #paused = true;
  readonly #tracing: boolean;

  /** A manager that starts paused (the agent is not registered yet). */
  constructor(port: StatusUpdatePort, options: StatusUpdateManagerOptions) {
    this.#port = port;
    this.#options = options;
    this.#tracing = port.tracing !== false;
  }

  /** Whether sending is paused. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Streams open. */
  get streamCount(): number {
    return this.#streamCount;
  }

  /** The unacknowledged updates of a task, head first. */
  pending(frameworkId: string, taskId: string): readonly StatusUpdate[] {
    return this.#streams.get(frameworkId)?.get(taskId)?.pending ?? [];
  }

  /** Every unacknowledged update, stream by stream in opening order, heads first. */
  *allPending(): Iterable<StatusUpdate> {
    for (const tasks of this.#streams.values()) for (const s of tasks.values()) yield* s.pending;
  }

  /** Takes an update into its task's stream, forwarding it at once if it is the head. */
  update(update: StatusUpdate): UpdateOutcome {
    const frameworkId = update.framework_id.value;
    const taskId = update.status.task_id.value;
    let stream = this.#streams.get(frameworkId)?.get(taskId);
    if (stream?.received(update.uuid)) {
      this.#trace('status-update-duplicate', stream, update);
      return DUPLICATE;
    }
    if (stream === undefined) {
      if (this.#streamCount >= this.#options.maxStreams) {
        return this.#refuse(update, `${this.#options.maxStreams} streams are open`);
      }
      stream = this.#open(frameworkId, taskId);
    } else if (stream.receivedCount >= this.#options.maxUpdatesPerStream) {
      return this.#refuse(update, `the stream already took ${this.#options.maxUpdatesPerStream} updates`);
    }
    stream.receive(update);
    const forwarded = stream.pending.length === 1 && this.#mayForward(update);
    if (forwarded) this.#forward(stream, this.#options.retryMinMs);
    return forwarded ? QUEUED_FORWARDED : QUEUED_HELD;
  }

  /**
   * Puts back a task's checkpointed updates, head first, as a restarted agent found them on
   * disk; they go out when the manager resumes.
   */
  restore(updates: readonly StatusUpdate[]): void {
    for (const update of updates) {
      const frameworkId = update.framework_id.value;
      const taskId = update.status.task_id.value;
      const stream = this.#streams.get(frameworkId)?.get(taskId) ?? this.#open(frameworkId, taskId);
      stream.receive(update);
    }
  }

  /** More updates are durable: forwards every head that was waiting for its checkpoint. */
  durabilityAdvanced(): void {
    for (const stream of this.#eachStream()) {
      const head = stream.pending[0];
      if (head !== undefined && stream.timer === undefined && this.#mayForward(head))
        this.#forward(stream, this.#options.retryMinMs);
    }
  }

  /** The scheduler acknowledged the update `uuid` of a task (relayed by the master). */
  acknowledge(frameworkId: string, taskId: string, uuid: string): AckOutcome {
    const stream = this.#streams.get(frameworkId)?.get(taskId);
    const head = stream?.pending[0];
    const why: AckIgnoredWhy | undefined =
      stream === undefined
        ? 'unknown stream'
        : stream.acknowledged(uuid)
          ? 'duplicate'
          : head === undefined
            ? 'nothing in flight'
            : head.uuid !== uuid
              ? 'not the head'
              : undefined;
    if (why !== undefined || stream === undefined || head === undefined) {
      this.#port.trace('status-update-ack-ignored', { framework: frameworkId, task: taskId, uuid, why });
      return { kind: 'ignored', why: why ?? 'unknown stream' };
    }
    stream.acknowledgeHead();
    this.#port.cancelTimer(stream.timer);
    stream.timer = undefined;
    stream.attempts = 0;
    const terminal = isTerminalState(head.status.state);
    this.#trace('status-update-acknowledged', stream, head);
    if (terminal) {
      if (stream.pending.length > 0) {
        this.#port.trace('status-update-stream-closed', {
          framework: frameworkId,
          task: taskId,
          dropped: stream.pending.length,
        });
      }
      this.#close(stream);
    } else if (stream.pending[0] !== undefined && this.#mayForward(stream.pending[0])) {
      this.#forward(stream, this.#options.retryMinMs);
    }
    return { kind: 'acknowledged', update: head, terminal };
  }

  /** Stops sending (the agent lost its master); updates keep queueing. */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    for (const stream of this.#eachStream()) {
      this.#port.cancelTimer(stream.timer);
      stream.timer = undefined;
    }
  }

  /** Sends again: forwards every stream's head now, with the retry interval reset. */
  resume(): void {
    this.#paused = false;
    for (const stream of this.#eachStream()) {
      this.#port.cancelTimer(stream.timer);
      stream.timer = undefined;
      const head = stream.pending[0];
      if (head !== undefined && this.#mayForward(head)) this.#forward(stream, this.#options.retryMinMs);
    }
  }

  /** Drops every stream of a framework (Mesos `cleanup`, when the agent removes the framework). */
  cleanup(frameworkId: string): void {
    const tasks = this.#streams.get(frameworkId);
    if (tasks === undefined) return;
    for (const stream of [...tasks.values()]) this.#close(stream);
  }

  #mayForward(update: StatusUpdate): boolean {
    return !this.#paused && this.#port.isDurable?.(update) !== false;
  }

  #open(frameworkId: string, taskId: string): Stream {
    let tasks = this.#streams.get(frameworkId);
    if (tasks === undefined) {
      tasks = new Map();
      this.#streams.set(frameworkId, tasks);
    }
    const stream = new Stream(frameworkId, taskId);
    tasks.set(taskId, stream);
    this.#streamCount++;
    return stream;
  }

  #close(stream: Stream): void {
    this.#port.cancelTimer(stream.timer);
    stream.timer = undefined;
    const tasks = this.#streams.get(stream.frameworkId);
    if (tasks?.get(stream.taskId) !== stream) return;
    tasks.delete(stream.taskId);
    this.#streamCount--;
    if (tasks.size === 0) this.#streams.delete(stream.frameworkId);
  }

  #forward(stream: Stream, intervalMs: number): void {
    const head = stream.pending[0];
    if (head === undefined) return;
    stream.attempts++;
    if (this.#tracing) {
      this.#port.trace('status-update-forwarded', {
        framework: stream.frameworkId,
        task: stream.taskId,
        state: head.status.state,
        uuid: head.uuid,
        attempt: stream.attempts,
        retryInMs: intervalMs,
      });
    }
    this.#port.forward(head);
    stream.retryIntervalMs = intervalMs;
    stream.retry ??= () => this.#retry(stream);
    stream.timer = this.#port.setTimer(intervalMs, STATUS_UPDATE_RETRY_TAG, stream.retry);
  }

  /** The head's retry timer fired (Mesos `timeout`): resend it, doubling the interval up to the maximum. */
  #retry(stream: Stream): void {
    stream.timer = undefined;
    if (!this.#paused) this.#forward(stream, Math.min(stream.retryIntervalMs * 2, this.#options.retryMaxMs));
  }

  #refuse(update: StatusUpdate, why: string): UpdateOutcome {
    this.#port.trace('status-update-refused', {
      framework: update.framework_id.value,
      task: update.status.task_id.value,
      state: update.status.state,
      why,
    });
    return { kind: 'refused', why };
  }

  #trace(kind: string, stream: Stream, update: StatusUpdate): void {
    if (!this.#tracing) return;
    this.#port.trace(kind, {
      framework: stream.frameworkId,
      task: stream.taskId,
      state: update.status.state,
      uuid: update.uuid,
    });
  }

  *#eachStream(): Iterable<Stream> {
    for (const tasks of this.#streams.values()) yield* tasks.values();
  }
}
