/**
 * What must hold once faults have healed and the cluster had time to settle (the liveness phase
 * of a chaos run). Views are compared twice, a minute apart, and only what both looks find
 * counts ({@link persisting}): messages in flight make views differ for a moment.
 *
 * - **views-agree**: on every registered agent, the tasks the master believes non-terminal there
 *   are exactly the tasks the agent runs;
 * - **framework-knows**: every task a scenario framework believes live is live on the master,
 *   and every live task of that framework on the master is one it believes live;
 * - **framework-gone**: a framework the master removed (torn down, or failed over too late) has
 *   no task left on any agent;
 * - **no-leaked-task**: every task an agent runs is one its framework believes live (a task
 *   the framework wrote off after TASK_LOST that came back, say);
 * - **no-stuck-staging**: no task has been TASK_STAGING on the master for longer than
 *   {@link STAGING_LIMIT_MS} (a RUN_TASK lost without anyone noticing);
 * - **progress**: a framework with work waiting, while an active agent has room for its next
 *   task (and its role quota room), is offered something within a minute.
 */
import type { Agent } from '../../agent/agent.js';
import type { Quantities } from '../../allocator/sorter.js';
import { isTerminalState } from '../../core/messages/task-state.js';
import type { Address } from '../../core/process.js';
import type { Wire } from '../../core/wire.js';
import type { Master } from '../../master/master.js';
import type { MasterState } from '../../master/state.js';
import { MASTER_ADDRESS } from '../../scenario/schema.js';
import type { ScenarioFramework } from '../../workload/scenario-framework.js';
import type { SimWorld } from './world.js';

/**
 * The longest a task may stay TASK_STAGING on the master once faults are over. A launched
 * task's first update may be retried with backoff up to 10 minutes (Mesos's status-update
 * manager), so 15 minutes leaves room for that; a RUN_TASK that was lost and never noticed
 * keeps the task STAGING for ever.
 */
export const STAGING_LIMIT_MS = 15 * 60_000;

/** The names of the convergence checks. */
export type ConvergenceInvariant =
  | 'views-agree'
  | 'framework-knows'
  | 'framework-gone'
  | 'no-leaked-task'
  | 'no-stuck-staging'
  | 'progress';

/** One task (or framework, for progress) on which two views disagree. */
export interface Disagreement {
  readonly invariant: ConvergenceInvariant;
  /** The agent's address, or the framework's name. */
  readonly subject: string;
  readonly task: string;
  /** `missing`: the master believes it live and the subject does not; `extra`: the other way. */
  readonly side: 'missing' | 'extra';
}

/** Where the views disagree now (see the module comment); keep only what {@link persisting} finds twice. */
export function disagreements(
  world: SimWorld<Wire>,
  agents: readonly Address[],
  frameworks: ReadonlyMap<string, ScenarioFramework>,
  /** The master whose view counts (default: the one at the master's address; with several, the leader). */
  master: Master | undefined = world.instance(MASTER_ADDRESS) as Master | undefined,
): Disagreement[] {
  if (master === undefined) return [];
  const state = master.state();
  const found: Disagreement[] = [];
  const liveOnMaster = new Map<string, Set<string>>(); // agent id → `framework/task`
  const liveOfFramework = new Map<string, Set<string>>(); // framework id → task ids
  for (const f of state.frameworks) {
    const ids = new Set<string>();
    for (const t of f.tasks) {
      if (isTerminalState(t.state)) continue;
      ids.add(t.id);
      let onAgent = liveOnMaster.get(t.slave_id);
      if (onAgent === undefined) {
        onAgent = new Set();
        liveOnMaster.set(t.slave_id, onAgent);
      }
      onAgent.add(`${f.id}/${t.id}`);
    }
    liveOfFramework.set(f.id, ids);
  }
  const compare = (
    invariant: ConvergenceInvariant,
    subject: string,
    believed: Set<string>,
    actual: Set<string>,
  ) => {
    for (const task of believed)
      if (!actual.has(task)) found.push({ invariant, subject, task, side: 'missing' });
    for (const task of actual)
      if (!believed.has(task)) found.push({ invariant, subject, task, side: 'extra' });
  };
  const byId = new Map<string, { readonly name: string; readonly framework: ScenarioFramework }>();
  for (const [name, framework] of frameworks) {
    const id = framework.frameworkId?.value;
    if (id !== undefined) byId.set(id, { name, framework });
  }
  for (const address of agents) {
    if (world.status(address) !== 'running') continue;
    const s = (world.instance(address) as Agent).state();
    if (s.phase === 'terminating') continue;
    const running = new Set<string>();
    for (const fw of s.frameworks) {
      for (const e of fw.executors) {
        for (const t of e.tasks) {
          if (isTerminalState(t.state)) continue;
          running.add(`${fw.id}/${t.id}`);
          const owner = byId.get(fw.id);
          if (owner === undefined) continue;
          if (!liveOfFramework.has(fw.id)) {
            found.push({
              invariant: 'framework-gone',
              subject: owner.name,
              task: `${address}/${t.id}`,
              side: 'extra',
            });
          } else if (!owner.framework.believesLive(t.id)) {
            found.push({
              invariant: 'no-leaked-task',
              subject: owner.name,
              task: `${address}/${t.id}`,
              side: 'extra',
            });
          }
        }
      }
    }
    if (s.phase === 'registered' && s.agentId !== undefined)
      compare('views-agree', address, liveOnMaster.get(s.agentId) ?? new Set(), running);
  }
  for (const [id, { name, framework }] of byId) {
    const onMaster = liveOfFramework.get(id);
    // Not registered: removed (framework-gone above looks at the agents), or never admitted.
    if (onMaster !== undefined) compare('framework-knows', name, onMaster, new Set(framework.liveTaskIds()));
  }
  return found;
}

/**
 * Tasks TASK_STAGING on the master for longer than `limitMs`, by when the master sent their
 * RUN_TASK (`launchedAtMs`, keyed `framework/task`; a task with no record counts from 0).
 */
export function stuckStaging(
  state: MasterState,
  launchedAtMs: ReadonlyMap<string, number>,
  nowMs: number,
  limitMs: number = STAGING_LIMIT_MS,
): Disagreement[] {
  const found: Disagreement[] = [];
  for (const f of state.frameworks) {
    for (const t of f.tasks) {
      if (t.state !== 'TASK_STAGING') continue;
      const key = `${f.id}/${t.id}`;
      if (nowMs - (launchedAtMs.get(key) ?? 0) > limitMs)
        found.push({ invariant: 'no-stuck-staging', subject: t.slave_id, task: key, side: 'missing' });
    }
  }
  return found;
}

/** What {@link starvedFrameworks} compares: one look at a framework. */
export interface ProgressLook {
  /** Offers the framework had received by then. */
  readonly offersReceived: number;
  /** Whether it had work waiting that a connected agent had room for (see {@link roomFor}). */
  readonly waitingWithRoom: boolean;
}

/**
 * Whether `framework` (registered as `frameworkId` with `role`) has work waiting that some
 * active agent has room for, counting the role's quota limits: with free capacity and no
 * faults, it must be offered something (the **progress** check).
 */
export function waitingWithRoom(master: Master, framework: ScenarioFramework): boolean {
  const id = framework.frameworkId?.value;
  const demand = framework.nextPendingDemand();
  if (id === undefined || demand === undefined) return false;
  if (master.frameworkConnection(id).kind !== 'connected') return false;
  const state = master.state();
  const record = state.frameworks.find((f) => f.id === id);
  if (record === undefined || !record.active) return false;
  return roomFor(master, state, record.roles, demand);
}

/** Whether an active agent has `demand` free, within the quota of one of `roles`. */
function roomFor(master: Master, state: MasterState, roles: readonly string[], demand: Quantities): boolean {
  const quotas = master.quotas();
  const withinQuota = roles.some((role) => {
    const limits = quotas[role];
    if (limits === undefined) return true;
    const held = new Map<string, number>();
    for (const f of state.frameworks) {
      if (!f.roles.includes(role)) continue;
      for (const model of [f.used_resources, f.offered_resources]) {
        for (const [name, amount] of Object.entries(model))
          if (typeof amount === 'number') held.set(name, (held.get(name) ?? 0) + Math.round(amount * 1000));
      }
    }
    return [...demand].every(([name, milli]) => {
      const limit = limits[name];
      return limit === undefined || (held.get(name) ?? 0) + milli <= Math.round(limit * 1000);
    });
  });
  if (!withinQuota) return false;
  const active = new Set(state.slaves.filter((a) => a.active).map((a) => a.id));
  return master
    .agentUsage()
    .some(
      (agent) =>
        active.has(agent.id) &&
        [...demand].every(
          ([name, milli]) =>
            agent.total.scalarMilli(name) - agent.used.scalarMilli(name) - agent.offered.scalarMilli(name) >=
            milli,
        ),
    );
}

/**
 * The **progress** check: frameworks that had work waiting with room for it at both looks and
 * were offered nothing in between.
 */
export function starvedFrameworks(
  earlier: ReadonlyMap<string, ProgressLook>,
  later: ReadonlyMap<string, ProgressLook>,
): Disagreement[] {
  const found: Disagreement[] = [];
  for (const [name, before] of earlier) {
    const after = later.get(name);
    if (after === undefined || !before.waitingWithRoom || !after.waitingWithRoom) continue;
    if (after.offersReceived === before.offersReceived)
      found.push({ invariant: 'progress', subject: name, task: '', side: 'missing' });
  }
  return found;
}

/** The disagreements of `later` that `earlier` already had: what messages in flight do not explain. */
export function persisting(earlier: readonly Disagreement[], later: readonly Disagreement[]): Disagreement[] {
  const key = (d: Disagreement) => `${d.invariant} ${d.subject} ${d.task} ${d.side}`;
  const before = new Set(earlier.map(key));
  return later.filter((d) => before.has(key(d)));
}

const WORDING: Readonly<Record<ConvergenceInvariant, readonly [string, string]>> = {
  'views-agree': ['live on the master, not on the agent', 'on the agent, unknown to the master'],
  'framework-knows': ['live on the master, not to the framework', 'live to the framework, not on the master'],
  'framework-gone': ['', 'removed by the master, still running on'],
  'no-leaked-task': ['', 'written off by the framework, still running on'],
  'no-stuck-staging': [`TASK_STAGING on the master for over ${STAGING_LIMIT_MS / 60_000} min`, ''],
  progress: ['work waiting with room for it on an agent, yet offered nothing for a minute', ''],
};

/** One line per invariant and subject, naming up to three tasks. */
export function describeDisagreements(found: readonly Disagreement[]): string[] {
  const groups = new Map<string, Disagreement[]>();
  for (const d of found) {
    const k = `${d.invariant} ${d.subject}`;
    groups.set(k, [...(groups.get(k) ?? []), d]);
  }
  return [...groups.values()].map((ds) => {
    const first = ds[0] as Disagreement;
    const list = (side: Disagreement['side']) =>
      ds
        .filter((d) => d.side === side)
        .map((d) => d.task)
        .filter((task) => task !== '');
    const missing = list('missing');
    const extra = list('extra');
    const [notThere, notKnown] = WORDING[first.invariant];
    const anyMissing = ds.some((d) => d.side === 'missing');
    const anyExtra = ds.some((d) => d.side === 'extra');
    return (
      `${first.invariant}: ${first.subject}` +
      `${anyMissing ? `; ${notThere}${missing.length > 0 ? `: ${missing.slice(0, 3).join(', ')}` : ''}` : ''}` +
      `${anyExtra ? `; ${notKnown}${extra.length > 0 ? `: ${extra.slice(0, 3).join(', ')}` : ''}` : ''}`
    );
  });
}
