/**
 * The tasks the live benches' frameworks launch on an offer: as many of 0.1 cpus and 16 MB as
 * the offer holds, up to a bound, each a shell command.
 */
import type { Offer } from '../src/core/messages/offer.js';
import type { TaskInfo } from '../src/core/messages/task-info.js';

/** What one task asks for. */
export const CPUS_PER_TASK = 0.1;
export const MEM_PER_TASK = 16;

/**
 * Up to `max` tasks that fit in `offer` (none if it has no room), each with the id `nextId()`
 * gives and running `command`.
 */
export function offerTasks(offer: Offer, max: number, nextId: () => string, command: string): TaskInfo[] {
  const scalar = (name: string) =>
    (offer.resources ?? []).filter((r) => r.name === name).reduce((n, r) => n + (r.scalar?.value ?? 0), 0);
  const fit = Math.min(
    Math.floor(scalar('cpus') / CPUS_PER_TASK + 1e-9),
    Math.floor(scalar('mem') / MEM_PER_TASK),
  );
  return Array.from({ length: Math.max(0, Math.min(fit, max)) }, () => {
    const id = nextId();
    return {
      name: id,
      task_id: { value: id },
      agent_id: offer.agent_id,
      resources: [
        { name: 'cpus', type: 'SCALAR' as const, scalar: { value: CPUS_PER_TASK } },
        { name: 'mem', type: 'SCALAR' as const, scalar: { value: MEM_PER_TASK } },
      ],
      command: { value: command },
    };
  });
}
