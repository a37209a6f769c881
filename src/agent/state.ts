/** A JSON-safe snapshot of an agent, for tests and reports (a small part of Mesos's /state). */
import type { TaskState } from '../core/messages/task-state.js';
import type { ExecutorKind, ExecutorPhase } from './book.js';
import type { AgentContext } from './context.js';

/** One task the agent holds. */
export interface AgentTaskState {
  readonly id: string;
  readonly state: TaskState;
  /** Where the agent holds it: queued for an executor, launched, or terminated awaiting ack. */
  readonly where: 'queued' | 'launched' | 'terminated';
}

/** One executor. */
export interface AgentExecutorState {
  readonly id: string;
  readonly kind: ExecutorKind;
  readonly phase: ExecutorPhase;
  readonly tasks: readonly AgentTaskState[];
}

/** One framework. */
export interface AgentFrameworkState {
  readonly id: string;
  readonly terminating: boolean;
  readonly executors: readonly AgentExecutorState[];
}

/** The agent as a whole. */
export interface AgentState {
  readonly agentId: string | undefined;
  readonly phase: 'disconnected' | 'registered' | 'terminating';
  readonly frameworks: readonly AgentFrameworkState[];
  readonly statusUpdateStreams: number;
  readonly pendingStatusUpdates: number;
}

/** A snapshot of `ctx`. */
export function agentState(ctx: AgentContext): AgentState {
  let pending = 0;
  for (const _ of ctx.updates.allPending()) pending++;
  return {
    agentId: ctx.link.agentId?.value,
    phase: ctx.link.phase,
    frameworks: [...ctx.book.frameworks.values()].map((fw) => ({
      id: fw.id,
      terminating: fw.terminating,
      executors: [...fw.executors.values()].map((e) => ({
        id: e.id,
        kind: e.kind,
        phase: e.phase,
        tasks: [
          ...[...e.queued.values()].map((t) => ({
            id: t.task_id.value,
            state: 'TASK_STAGING' as const,
            where: 'queued' as const,
          })),
          ...[...e.launched.values()].map((t) => ({
            id: t.info.task_id.value,
            state: t.state,
            where: 'launched' as const,
          })),
          ...[...e.terminated.values()].map((t) => ({
            id: t.info.task_id.value,
            state: t.state,
            where: 'terminated' as const,
          })),
        ],
      })),
    })),
    statusUpdateStreams: ctx.updates.streamCount,
    pendingStatusUpdates: pending,
  };
}
