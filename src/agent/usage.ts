/**
 * What an agent's tasks hold, as the agent itself sees it (a checking run compares it with the
 * agent's total: the master and allocator must never make an agent run more than it has).
 */

import type { ResourceJson } from '../core/messages/resources-json.js';
import { resourcesFromList } from '../core/messages/resources-json.js';
import { isTerminalState } from '../core/messages/task-state.js';
import { Resources } from '../core/resources.js';
import type { AgentBook } from './book.js';

/** An agent's total and what its live tasks and custom executors hold. */
export interface AgentUsage {
  readonly total: Resources;
  /**
   * Resources of tasks queued or launched and not terminal, and of custom executors not
   * terminated. A task being killed is left out: its resources were given back by whoever
   * killed it (the master kills tasks it wrote off, finding 5 of the chaos campaigns), and in
   * Mesos too the next task may start before the killed one's grace period is over.
   */
  readonly used: Resources;
}

/**
 * What `book`'s tasks hold on an agent of `total` (see {@link AgentUsage}), leaving out the
 * tasks `excluded` names (by framework id and task id).
 */
export function agentUsage(
  book: AgentBook,
  total: Resources,
  excluded: (frameworkId: string, taskId: string) => boolean = () => false,
): AgentUsage {
  let used = Resources.EMPTY;
  const add = (list: readonly ResourceJson[] | undefined): void => {
    const r = resourcesFromList(list ?? [], 'resources');
    // The master validated them before sending the task; one that does not parse holds nothing.
    if (r.ok) used = used.add(r.value);
  };
  for (const fw of book.frameworks.values()) {
    for (const e of fw.executors.values()) {
      if (e.phase === 'terminated') continue;
      if (e.kind !== 'command') add(e.info.resources);
      for (const t of e.queued.values()) if (!excluded(fw.id, t.task_id.value)) add(t.resources);
      if (e.command?.kill !== undefined) continue;
      for (const t of e.launched.values())
        if (!isTerminalState(t.state) && !excluded(fw.id, t.info.task_id.value)) add(t.info.resources);
    }
  }
  return { total, used };
}
