/**
 * The operator API's SUBSCRIBE events (master.proto `Event`), found by comparing two states in
 * the v1 shapes (operator-state.ts): a task not seen before is TASK_ADDED, a task whose state
 * changed is TASK_UPDATED (with its latest status, as Mesos sends it), an agent or framework not
 * seen before is AGENT_ADDED or FRAMEWORK_ADDED, one that is no longer there AGENT_REMOVED or
 * FRAMEWORK_REMOVED, and a framework whose connection, activity or registration changed is
 * FRAMEWORK_UPDATED (Mesos sends it when a framework reregisters, fails over or is deactivated).
 *
 * Mesos emits these from the master's code paths; comparing the state after each master step
 * gives the same events in the same order for every step that changes one thing, and keeps the
 * master's logic free of a subscriber list. A step that adds and ends a task at once yields
 * TASK_ADDED with the task already terminal.
 */
import type { Task } from '../../core/messages/task.js';
import type { V1Agent, V1Framework, V1State } from '../../master/operator-state.js';

/** One operator event in Mesos JSON. */
export type OperatorEvent = Readonly<Record<string, unknown>> & { readonly type: string };

interface Seen {
  readonly tasks: Map<string, string>;
  readonly agents: Set<string>;
  readonly frameworks: Map<string, { readonly signature: string; readonly framework: V1Framework }>;
}

/** Remembers the last state and turns each new one into the events between them. */
export class StateDiff {
  #seen: Seen;

  constructor(initial: V1State) {
    this.#seen = seen(initial);
  }

  /** The events from the last state to `state`, in Mesos's order; `state` becomes the last. */
  next(state: V1State): OperatorEvent[] {
    const before = this.#seen;
    const after = seen(state);
    const events: OperatorEvent[] = [];
    for (const f of state.get_frameworks.frameworks) {
      const id = frameworkId(f);
      const was = before.frameworks.get(id);
      if (was === undefined) events.push({ type: 'FRAMEWORK_ADDED', framework_added: { framework: f } });
    }
    for (const agent of state.get_agents.agents) {
      if (!before.agents.has(agentId(agent))) events.push({ type: 'AGENT_ADDED', agent_added: { agent } });
    }
    for (const task of allTasks(state)) {
      const key = taskKey(task);
      const was = before.tasks.get(key);
      if (was === undefined) events.push({ type: 'TASK_ADDED', task_added: { task } });
      else if (was !== task.state) events.push(taskUpdated(task));
    }
    for (const f of state.get_frameworks.frameworks) {
      const was = before.frameworks.get(frameworkId(f));
      if (was !== undefined && was.signature !== signature(f)) {
        events.push({ type: 'FRAMEWORK_UPDATED', framework_updated: { framework: f } });
      }
    }
    for (const id of before.agents) {
      if (!after.agents.has(id))
        events.push({ type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: id } } });
    }
    for (const [id, was] of before.frameworks) {
      if (!after.frameworks.has(id)) {
        events.push({
          type: 'FRAMEWORK_REMOVED',
          framework_removed: { framework_info: was.framework.framework_info },
        });
      }
    }
    this.#seen = after;
    return events;
  }
}

function seen(state: V1State): Seen {
  const tasks = new Map<string, string>();
  for (const t of allTasks(state)) tasks.set(taskKey(t), t.state);
  return {
    tasks,
    agents: new Set(state.get_agents.agents.map(agentId)),
    frameworks: new Map(
      state.get_frameworks.frameworks.map((f) => [frameworkId(f), { signature: signature(f), framework: f }]),
    ),
  };
}

function* allTasks(state: V1State): Iterable<Task> {
  yield* state.get_tasks.tasks;
  yield* state.get_tasks.unreachable_tasks;
  yield* state.get_tasks.completed_tasks;
}

function taskKey(t: Task): string {
  return `${t.framework_id.value}\u0000${t.task_id.value}`;
}

function agentId(a: V1Agent): string {
  return a.agent_info.id?.value ?? '';
}

function frameworkId(f: V1Framework): string {
  return f.framework_info.id?.value ?? '';
}

/** What a FRAMEWORK_UPDATED reports a change of. */
function signature(f: V1Framework): string {
  return JSON.stringify([
    f.active,
    f.connected,
    f.recovered,
    f.reregistered_time?.nanoseconds,
    f.framework_info.name,
    f.framework_info.roles,
    f.framework_info.role,
  ]);
}

/** TASK_UPDATED: the task's framework, its latest status and its state. */
function taskUpdated(task: Task): OperatorEvent {
  const status = task.statuses?.at(-1) ?? {
    task_id: task.task_id,
    state: task.state,
    agent_id: task.agent_id,
  };
  return {
    type: 'TASK_UPDATED',
    task_updated: { framework_id: task.framework_id, status, state: task.state },
  };
}
