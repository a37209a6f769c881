/**
 * What an allocation policy gives users who run identical tasks on one pool: discrete
 * progressive filling, the DRF paper's Algorithm 1 (Ghodsi et al., NSDI 2011, §4) generalised to
 * any sorter. Repeatedly, the sorter's order is walked and the first user whose next task still
 * fits in the free pool (and who is below its task cap) gets that task; the loop ends when no
 * user's next task fits.
 *
 * The ordering comes from the policy's own {@link Sorter} (one client per user, the pool as the
 * sorter's total, one `allocated` call per task), so `fair-share` and the real allocator share
 * their ordering logic: lowest (weighted) share first, ties by fewer tasks, then by name.
 */
import { Resources } from '../core/resources.js';
import { err, ok, type Result } from '../core/result.js';
import type { Quantities, Sorter, SorterPolicy } from './sorter.js';
import { dominantShare } from './sorters/drf.js';

/**
 * Default cap on the tasks one computation may place. It bounds the work (every task costs a
 * sorter update and a resource subtraction) so that absurd input, such as a pool of `cpus:1e9`
 * and tasks of `cpus:0.001` (10^12 tasks), fails fast with a clear error instead of hanging.
 * 100 000 tasks take well under a second.
 */
export const DEFAULT_TASK_LIMIT = 100_000;

/** One user: a name and the demand vector of each of its (identical) tasks. */
export interface FairShareUser {
  readonly name: string;
  /** What one task needs; must not be empty. */
  readonly demand: Resources;
  /** Weight (Mesos role weight): shares are divided by it. Default 1. */
  readonly weight?: number;
  /** The most tasks the user wants (its whole job); default: unbounded. 0 excludes the user. */
  readonly maxTasks?: number;
}

/** Input to {@link fairShare}. */
export interface FairShareInput {
  /** The pool being shared. */
  readonly capacity: Resources;
  /** The users, in the order results are reported. Names must be distinct. */
  readonly users: readonly FairShareUser[];
  /** The policy whose sorter orders the users. */
  readonly policy: SorterPolicy;
  /**
   * Seeded uniform stream in [0, 1) for policies that draw (the random sorter). Policies that do
   * not draw ignore it; a drawing policy without one is a caller bug and throws.
   */
  readonly random?: () => number;
  /** Most tasks the computation may place before giving up; default {@link DEFAULT_TASK_LIMIT}. */
  readonly taskLimit?: number;
}

/** Why a user stopped receiving tasks. */
export type StopReason = 'does-not-fit' | 'max-tasks';

/** What one user ends with. */
export interface UserShare {
  readonly name: string;
  readonly weight: number;
  readonly demand: Resources;
  readonly tasks: number;
  /** `demand` times `tasks`. */
  readonly allocated: Resources;
  /**
   * The unweighted DRF dominant share of `allocated` over the pool's scalar totals, whatever the
   * policy: the common yardstick the DRF paper compares policies with. In [0, 1].
   */
  readonly dominantShare: number;
  /** `max-tasks` when the user reached its cap, else `does-not-fit`: its next task does not fit. */
  readonly stoppedBy: StopReason;
}

/** The outcome of {@link fairShare}: plain data. */
export interface FairShareResult {
  readonly policy: string;
  /** In input order. */
  readonly users: readonly UserShare[];
  /** What is left of the pool. */
  readonly free: Resources;
  /** The user given each task, in order (step k of Algorithm 1 is `steps[k - 1]`). */
  readonly steps: readonly string[];
}

/** Why {@link fairShare} refused: invalid input, or more tasks than the work limit allows. */
export interface FairShareError {
  readonly kind: 'invalid' | 'task-limit';
  /** The user concerned, when the problem is one user's. */
  readonly user?: string;
  readonly message: string;
}

interface UserState {
  readonly name: string;
  readonly weight: number;
  readonly demand: Resources;
  readonly quantities: Quantities;
  readonly maxTasks: number;
  tasks: number;
  allocated: Resources;
}

function validate(input: FairShareInput): FairShareError | undefined {
  const seen = new Set<string>();
  for (const u of input.users) {
    const who = `user "${u.name}"`;
    if (u.name === '') return { kind: 'invalid', message: 'a user has an empty name' };
    if (seen.has(u.name)) return { kind: 'invalid', user: u.name, message: `${who} is given twice` };
    seen.add(u.name);
    if (u.demand.isEmpty()) {
      // An empty task fits forever: the filling would never end.
      return { kind: 'invalid', user: u.name, message: `${who}: the demand is empty` };
    }
    const w = u.weight ?? 1;
    if (!(Number.isFinite(w) && w > 0)) {
      return { kind: 'invalid', user: u.name, message: `${who}: weight must be a positive number` };
    }
    const m = u.maxTasks;
    if (m !== undefined && !(Number.isSafeInteger(m) && m >= 0)) {
      return { kind: 'invalid', user: u.name, message: `${who}: max tasks must be a whole number >= 0` };
    }
  }
  const limit = input.taskLimit ?? DEFAULT_TASK_LIMIT;
  if (!(Number.isSafeInteger(limit) && limit >= 0)) {
    return { kind: 'invalid', message: 'the task limit must be a whole number >= 0' };
  }
  return undefined;
}

function noRandom(): number {
  throw new Error('assertion failed: this policy draws random numbers: pass a seeded `random` stream');
}

/**
 * Runs discrete progressive filling under `input.policy` and reports each user's tasks,
 * allocation and dominant share, and the free pool.
 *
 * A user whose task can never fit (it asks for more than the pool, or for a resource the pool
 * lacks) gets 0 tasks. Fit is {@link Resources.contains}: exact per name, role and kind.
 *
 * Cost: O(T · (log n + k)) for T tasks, n users and k resource entries, plus O(n log n) for the
 * users that stop fitting; T is bounded by `taskLimit`, and reaching it while a task still fits
 * is an error (`task-limit`) rather than a silently truncated answer.
 */
export function fairShare(input: FairShareInput): Result<FairShareResult, FairShareError> {
  const problem = validate(input);
  if (problem !== undefined) return err(problem);
  const limit = input.taskLimit ?? DEFAULT_TASK_LIMIT;
  const totals = input.capacity.scalarQuantities();

  const sorter: Sorter = input.policy.create(input.random ?? noRandom);
  const states = new Map<string, UserState>();
  const byIndex: UserState[] = [];
  for (const u of input.users) {
    const s: UserState = {
      name: u.name,
      weight: u.weight ?? 1,
      demand: u.demand,
      quantities: u.demand.scalarQuantities(),
      maxTasks: u.maxTasks ?? Number.POSITIVE_INFINITY,
      tasks: 0,
      allocated: Resources.EMPTY,
    };
    states.set(u.name, s);
    // The tag is the user's index: walking the sorter's tags avoids building name arrays.
    sorter.add(u.name, s.weight, byIndex.length);
    byIndex.push(s);
    if (s.maxTasks === 0) sorter.deactivate(u.name);
  }
  sorter.addTotal(totals);

  let free = input.capacity;
  const steps: string[] = [];
  // Users whose next task stopped fitting. The free pool only shrinks, so they never fit again:
  // they are taken out of the sorter's order (deactivated, as Mesos suppresses a framework) and
  // cost nothing in later walks. They are collected first because the order must not change
  // while it is being walked.
  const stopped: string[] = [];
  for (;;) {
    let chosen: UserState | undefined;
    for (const index of sorter.sortTags()) {
      const s = byIndex[index] as UserState;
      if (free.contains(s.demand)) {
        chosen = s;
        break;
      }
      stopped.push(s.name);
    }
    for (const name of stopped) sorter.deactivate(name);
    stopped.length = 0;
    if (chosen === undefined) break;
    if (steps.length >= limit) {
      return err({
        kind: 'task-limit',
        message: `more than ${limit} tasks fit in the pool (the work limit); cap the users' tasks or use larger demands`,
      });
    }
    free = free.subtract(chosen.demand);
    chosen.allocated = chosen.allocated.add(chosen.demand);
    chosen.tasks++;
    steps.push(chosen.name);
    sorter.allocated(chosen.name, chosen.quantities);
    // Capped users leave the order too; no more tasks will be asked for them.
    if (chosen.tasks >= chosen.maxTasks) sorter.deactivate(chosen.name);
  }

  const users = input.users.map((u): UserShare => {
    const s = states.get(u.name) as UserState;
    return {
      name: s.name,
      weight: s.weight,
      demand: s.demand,
      tasks: s.tasks,
      allocated: s.allocated,
      dominantShare: dominantShare(s.allocated.scalarQuantities(), totals),
      stoppedBy: s.tasks >= s.maxTasks ? 'max-tasks' : 'does-not-fit',
    };
  });
  return ok({ policy: input.policy.name, users, free, steps });
}
