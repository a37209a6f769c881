/**
 * The agent's checkpoint (Mesos src/slave/state.hpp, src/slave/paths.hpp; docs/agent-recovery.md):
 * what a restarted agent needs to carry on with the work of checkpointing frameworks.
 *
 * What is kept: the AgentID; for every framework with `FrameworkInfo.checkpoint`, its info and
 * its command executors, each with its container, its command (what was started, when, and any
 * kill asked of it), its task and that task's unacknowledged status updates in stream order.
 * Nothing of other frameworks is kept: their executors exit when they lose the agent (mesos.md
 * §3), so there is nothing to come back to. Custom executors are not kept either (see below).
 *
 * How it is written: Mesos writes many small files, each synchronously, before it acts. Agora
 * writes one JSON document to `env.store` (key {@link CHECKPOINT_KEY}) after every event that
 * changed it, one write at a time, coalescing the changes made while a write is in flight (as
 * the master's registrar does). The rule that makes this safe is Mesos's: a checkpointing
 * framework's status update leaves the agent only once a write that holds it is durable
 * ({@link Checkpointer.isDurable}), so whatever the master has heard, a crash cannot unsay.
 * An acknowledgement is acted on at once; if the agent crashes before the write that records it
 * is durable, the restarted agent sends that update again, which at-least-once delivery allows
 * (the invariant checker checks exactly this: no re-send after a durably recorded
 * acknowledgement).
 *
 * Not kept (differences from Mesos): custom executors and their tasks (the restarted agent does
 * not know them, so the master's reconciliation ends them); resources and attributes (Mesos
 * refuses to recover when they changed incompatibly; a simulated agent restarts with the same).
 */
import type { StatusUpdate } from '../core/messages/agent-protocol.js';
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import type { FrameworkID } from '../core/messages/ids.js';
import type { ResourceJson } from '../core/messages/resources-json.js';
import type { ExecutorInfo, TaskInfo } from '../core/messages/task-info.js';
import type { TaskState } from '../core/messages/task-state.js';
import type { DurableStore, TimerId } from '../core/process.js';
import type { ExecutorPhase, ExecutorRecord, FrameworkRecord, PendingTermination } from './book.js';
import type { CommandKill, CommandLaunch } from './command-runner.js';
import type { AgentContext } from './context.js';

/** The store key of the agent's checkpoint. */
export const CHECKPOINT_KEY = 'agent';

/** The tag the store's write acknowledgements come back with. */
export const CHECKPOINT_WRITE_TAG = 'agent-checkpoint-write';

/** A task of a checkpointed command executor. */
export interface CheckpointedTask {
  readonly info: TaskInfo;
  readonly state: TaskState;
  /** `launched` (not terminal) or `terminated` (terminal, its last update not acknowledged). */
  readonly where: 'launched' | 'terminated';
  /**
   * Its stream's unacknowledged updates, head first. (What was last forwarded is not kept: it
   * is the head, as in Mesos, whose agent checkpoints streams and not forwards.)
   */
  readonly updates: readonly StatusUpdate[];
}

/** A checkpointed command executor. */
export interface CheckpointedExecutor {
  readonly info: ExecutorInfo;
  readonly containerId: string;
  readonly sandbox: string;
  readonly phase: ExecutorPhase;
  readonly termination?: PendingTermination;
  /** The running command, if it has not been reported ended. */
  readonly command?: {
    readonly launch: CommandLaunch;
    readonly startedAtMs: number;
    readonly kill?: CommandKill;
  };
  readonly tasks: readonly CheckpointedTask[];
}

/** A checkpointing framework. */
export interface CheckpointedFramework {
  readonly info: FrameworkInfo & { readonly id: FrameworkID };
  readonly executors: readonly CheckpointedExecutor[];
}

/** The whole checkpoint. */
export interface AgentCheckpoint {
  readonly version: 1;
  readonly agentId: string;
  readonly frameworks: readonly CheckpointedFramework[];
  /** Dynamic reservations and persistent volumes (absent when there are none, and in older checkpoints). */
  readonly resources?: readonly ResourceJson[];
}

/** Whether a framework's work on the agent is checkpointed. */
export function checkpoints(fw: FrameworkRecord | undefined): boolean {
  return fw?.info.checkpoint === true;
}

/** Whether an update must be durable before it leaves the agent (it is checkpointed). */
export function isCheckpointedUpdate(ctx: AgentContext, update: StatusUpdate): boolean {
  const frameworkId = update.framework_id.value;
  if (!checkpoints(ctx.book.frameworks.get(frameworkId))) return false;
  return ctx.book.executorOfTask(frameworkId, update.status.task_id.value)?.kind === 'command';
}

/** The checkpoint of the agent now; undefined before it has an AgentID (nothing to recover). */
export function takeCheckpoint(ctx: AgentContext): AgentCheckpoint | undefined {
  const agentId = ctx.link.agentId?.value;
  if (agentId === undefined) return undefined;
  const frameworks: CheckpointedFramework[] = [];
  for (const fw of ctx.book.frameworks.values()) {
    if (!checkpoints(fw)) continue;
    const executors = [...fw.executors.values()]
      .filter((e) => e.kind === 'command')
      .map((e) => checkpointExecutor(ctx, fw, e));
    frameworks.push({ info: { ...fw.info, id: fw.frameworkId }, executors });
  }
  const resources = ctx.checkpointedResources;
  return resources.length === 0
    ? { version: 1, agentId, frameworks }
    : { version: 1, agentId, frameworks, resources };
}

function checkpointExecutor(ctx: AgentContext, fw: FrameworkRecord, e: ExecutorRecord): CheckpointedExecutor {
  const tasks: CheckpointedTask[] = [];
  for (const [where, map] of [
    ['launched', e.launched],
    ['terminated', e.terminated],
  ] as const) {
    for (const t of map.values()) {
      tasks.push({
        info: t.info,
        state: t.state,
        where,
        updates: ctx.updates.pending(fw.id, t.info.task_id.value),
      });
    }
  }
  const c = e.command;
  return {
    info: e.info,
    containerId: e.containerId,
    sandbox: e.sandbox,
    phase: e.phase,
    ...(e.termination === undefined ? {} : { termination: e.termination }),
    ...(c === undefined
      ? {}
      : {
          command: {
            launch: c.launch,
            startedAtMs: c.startedAtMs,
            ...(c.kill === undefined ? {} : { kill: c.kill }),
          },
        }),
    tasks,
  };
}

/**
 * Reads a checkpoint written by {@link Checkpointer}. The agent wrote it itself and the store
 * never tears a write, so a bad one is a bug: it throws, naming what is wrong.
 */
export function parseCheckpoint(text: string): AgentCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`agent checkpoint: not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const doc = value as Partial<AgentCheckpoint> | null;
  if (doc === null || typeof doc !== 'object' || doc.version !== 1) {
    throw new Error('agent checkpoint: expected an object with version 1');
  }
  if (typeof doc.agentId !== 'string' || !Array.isArray(doc.frameworks)) {
    throw new Error('agent checkpoint: expected agentId (a string) and frameworks (an array)');
  }
  return doc as AgentCheckpoint;
}

/** The uuids of the unacknowledged updates a checkpoint holds. */
export function checkpointedUpdateUuids(checkpoint: AgentCheckpoint): Set<string> {
  const uuids = new Set<string>();
  for (const fw of checkpoint.frameworks)
    for (const e of fw.executors) for (const t of e.tasks) for (const u of t.updates) uuids.add(u.uuid);
  return uuids;
}

/** Whether a checkpoint holds anything beyond the AgentID. */
function hasWork(checkpoint: AgentCheckpoint): boolean {
  return checkpoint.frameworks.length > 0 || (checkpoint.resources?.length ?? 0) > 0;
}

/** Writes the agent's checkpoint as it changes, one write at a time (see the module comment). */
export class Checkpointer {
  readonly #ctx: AgentContext;
  readonly #store: DurableStore;
  /** The text last handed to the store (in flight or durable). */
  #written: string | undefined;
  #inFlight: { readonly id: TimerId; readonly uuids: Set<string> } | undefined;
  /** Uuids of the updates held by the last durable write. */
  #durable: Set<string>;
  /** The AgentID of the last write, and whether it held any framework. */
  #writtenAgentId: string | undefined;
  #writtenWork: boolean;
  /** Events came while a write was in flight (so the state may differ from it). */
  #eventsWhileInFlight = false;
  /** The write acknowledged in this event holds the current state. */
  #justDurable = false;

  /** `recovered`: the checkpoint the agent started from, which is durable already. */
  constructor(ctx: AgentContext, store: DurableStore, recovered: AgentCheckpoint | undefined) {
    this.#ctx = ctx;
    this.#store = store;
    this.#written = recovered === undefined ? undefined : JSON.stringify(recovered);
    this.#durable = recovered === undefined ? new Set() : checkpointedUpdateUuids(recovered);
    this.#writtenAgentId = recovered?.agentId;
    this.#writtenWork = recovered !== undefined && hasWork(recovered);
  }

  /** Whether an update may leave the agent: not checkpointed, or on disk. */
  isDurable(update: StatusUpdate): boolean {
    return !isCheckpointedUpdate(this.#ctx, update) || this.#durable.has(update.uuid);
  }

  /** After every event: writes the checkpoint if it changed and no write is in flight. */
  afterEvent(): void {
    if (this.#inFlight !== undefined) {
      this.#eventsWhileInFlight = true;
      return;
    }
    if (this.#justDurable) {
      // The write just acknowledged holds the state as it is: nothing happened since but the
      // acknowledgement, which only sends updates (and sends are not checkpointed).
      this.#justDurable = false;
      return;
    }
    // The common case, cheaply: no checkpointing framework now or in the last write, same id.
    const agentId = this.#ctx.link.agentId?.value;
    if (agentId === this.#writtenAgentId && !this.#writtenWork && !this.#hasCheckpointedWork()) return;
    const checkpoint = takeCheckpoint(this.#ctx);
    if (checkpoint === undefined) return;
    const text = JSON.stringify(checkpoint);
    if (text === this.#written) return;
    this.#written = text;
    this.#writtenAgentId = agentId;
    this.#writtenWork = hasWork(checkpoint);
    const id = this.#ctx.timers.save(this.#store, CHECKPOINT_KEY, text, CHECKPOINT_WRITE_TAG, () =>
      this.#durableNow(),
    );
    this.#inFlight = { id, uuids: checkpointedUpdateUuids(checkpoint) };
  }

  #hasCheckpointedWork(): boolean {
    if (this.#ctx.checkpointedResources.length > 0) return true;
    for (const fw of this.#ctx.book.frameworks.values()) if (checkpoints(fw)) return true;
    return false;
  }

  #durableNow(): void {
    const done = this.#inFlight;
    if (done === undefined) return;
    this.#inFlight = undefined;
    this.#justDurable = !this.#eventsWhileInFlight;
    this.#eventsWhileInFlight = false;
    this.#durable = done.uuids;
    this.#ctx.updates.durabilityAdvanced();
    // Changes made while that write was in flight go out now (the agent calls afterEvent once
    // this timer's event is handled).
  }
}
