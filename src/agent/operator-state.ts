/**
 * The agent's state in the operator API v1's shapes (include/mesos/v1/agent/agent.proto
 * `Response.GetState`, `GetFrameworks`, `GetExecutors`, `GetTasks`, `GetContainers`,
 * `GetAgent`), built on demand from its book. Tasks are sorted as Mesos's agent sorts them:
 * queued (accepted, waiting for their executor), launched (given to the executor, not yet
 * terminal) and terminated (terminal, with updates not yet acknowledged). The agent forgets
 * finished frameworks and executors, so the `completed_*` lists are empty.
 */
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import type { Task } from '../core/messages/task.js';
import type { ExecutorInfo, TaskInfo } from '../core/messages/task-info.js';
import type { TaskState } from '../core/messages/task-state.js';
import type { TaskRecord } from './book.js';
import type { AgentContext } from './context.js';

/** `Response.GetTasks` of the agent. */
export interface AgentV1Tasks {
  readonly pending_tasks: readonly Task[];
  readonly queued_tasks: readonly Task[];
  readonly launched_tasks: readonly Task[];
  readonly terminated_tasks: readonly Task[];
  readonly completed_tasks: readonly Task[];
}

/** `Response.GetState` of the agent. */
export interface AgentV1State {
  readonly get_tasks: AgentV1Tasks;
  readonly get_executors: {
    readonly executors: readonly { readonly executor_info: ExecutorInfo }[];
    readonly completed_executors: readonly { readonly executor_info: ExecutorInfo }[];
  };
  readonly get_frameworks: {
    readonly frameworks: readonly { readonly framework_info: FrameworkInfo }[];
    readonly completed_frameworks: readonly { readonly framework_info: FrameworkInfo }[];
  };
}

/** One of `Response.GetContainers.containers`. */
export interface AgentV1Container {
  readonly framework_id: { readonly value: string };
  readonly executor_id: { readonly value: string };
  readonly executor_name?: string;
  readonly container_id: { readonly value: string };
}

/** GET_STATE. */
export function agentOperatorState(ctx: AgentContext): AgentV1State {
  const queued: Task[] = [];
  const launched: Task[] = [];
  const terminated: Task[] = [];
  const executors: { executor_info: ExecutorInfo }[] = [];
  const frameworks: { framework_info: FrameworkInfo }[] = [];
  for (const fw of ctx.book.frameworks.values()) {
    frameworks.push({ framework_info: { ...fw.info, id: fw.frameworkId } });
    for (const e of fw.executors.values()) {
      executors.push({ executor_info: { ...e.info, framework_id: fw.frameworkId } });
      const task = (info: TaskInfo, state: TaskState, record?: TaskRecord): Task => ({
        name: info.name,
        task_id: info.task_id,
        framework_id: fw.frameworkId,
        executor_id: e.executorId,
        agent_id: ctx.link.agentId ?? info.agent_id,
        state,
        ...(info.resources === undefined ? {} : { resources: info.resources }),
        ...(record?.statusUpdateState === undefined ? {} : { status_update_state: record.statusUpdateState }),
        ...(record?.statusUpdateUuid === undefined ? {} : { status_update_uuid: record.statusUpdateUuid }),
        ...(info.labels === undefined ? {} : { labels: info.labels }),
      });
      for (const info of e.queued.values()) queued.push(task(info, 'TASK_STAGING'));
      for (const r of e.launched.values()) launched.push(task(r.info, r.state, r));
      for (const r of e.terminated.values()) terminated.push(task(r.info, r.state, r));
    }
  }
  return {
    get_tasks: {
      pending_tasks: [],
      queued_tasks: queued,
      launched_tasks: launched,
      terminated_tasks: terminated,
      completed_tasks: [],
    },
    get_executors: { executors, completed_executors: [] },
    get_frameworks: { frameworks, completed_frameworks: [] },
  };
}

/** GET_CONTAINERS: one container per executor (Agora runs each executor in one). */
export function agentContainers(ctx: AgentContext): AgentV1Container[] {
  const out: AgentV1Container[] = [];
  for (const fw of ctx.book.frameworks.values()) {
    for (const e of fw.executors.values()) {
      out.push({
        framework_id: fw.frameworkId,
        executor_id: e.executorId,
        ...(e.info.name === undefined ? {} : { executor_name: e.info.name }),
        container_id: { value: e.containerId },
      });
    }
  }
  return out;
}
