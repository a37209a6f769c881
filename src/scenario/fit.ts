/**
 * Whether one task of a job can ever run: some agent must hold, among what may be offered to the
 * framework's role, at least the task's amount of every scalar resource. A task bigger than every
 * agent waits forever, and is nearly always a typo (`mem:40960` for `mem:4096`), so validation
 * reports it. The check is a necessary condition only, so it never refuses a workable file:
 * quantities are summed over the roles the framework may use, without asking whether a reserved
 * demand matches a reservation (how a scheduler maps its demand onto reserved resources is the
 * workload's business), and ranges and sets (ports) are not checked, as which ports are free is
 * a run-time matter.
 */
import { formatMilli } from '../core/fixed-point.js';
import type { Resources } from '../core/resources.js';

/** Answers "does this task fit on some agent?" for many jobs, with few distinct agent shapes. */
export class FitCheck {
  /** One agent's resources per distinct shape. */
  private readonly shapes: readonly Resources[];
  private readonly cache = new Map<string, string | undefined>();

  constructor(agents: readonly { readonly resources: Resources }[]) {
    const byKey = new Map<string, Resources>();
    for (const a of agents) byKey.set(a.resources.key(), a.resources);
    this.shapes = [...byKey.values()];
  }

  /** Why one task needing `task` cannot run in `role` on any agent, or undefined if it can. */
  problem(task: Resources, role: string): string | undefined {
    const key = `${JSON.stringify(role)}${task.key()}`;
    if (this.cache.has(key)) return this.cache.get(key);
    const answer = this.compute(task, role);
    this.cache.set(key, answer);
    return answer;
  }

  private compute(task: Resources, role: string): string | undefined {
    const need = task.scalarQuantities();
    const most = new Map<string, number>();
    for (const shape of this.shapes) {
      const have = shape.allocatableTo(role).scalarQuantities();
      let fits = true;
      for (const [name, milli] of need) {
        const h = have.get(name) ?? 0;
        most.set(name, Math.max(most.get(name) ?? 0, h));
        if (h < milli) fits = false;
      }
      if (fits) return undefined;
    }
    for (const [name, milli] of need) {
      const m = most.get(name) ?? 0;
      if (m < milli) {
        return `one task needs ${name}:${formatMilli(milli)}, more than any agent offers to role "${role}" (at most ${name}:${formatMilli(m)})`;
      }
    }
    return `no single agent has all that one task needs in role "${role}"`;
  }
}
