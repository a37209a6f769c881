/**
 * Invariants of a cluster run, checked while the simulated world runs (a checking run watches
 * every send, delivery and event through a {@link WorldObserver}) and once faults have healed.
 *
 * Safety, at every event:
 * - **resources**: no agent, as the master sees it, has more offered plus used than its total,
 *   for any scalar resource;
 * - **acknowledged-resent**: an agent never sends a status update again after it received that
 *   update's acknowledgement (Mesos's status-update manager drops it on acknowledgement). A
 *   restarted agent may send it again only if the acknowledgement never reached its disk: its
 *   checkpoint still holds the update as unacknowledged (Mesos records an acknowledgement
 *   before acting on it, so a crash before that write means it was never received);
 * - **one-terminal-state**: no task is reported by agents in two different terminal states. (What
 *   a framework hears may differ: TASK_LOST is the master's inference for an agent it lost or a
 *   task it does not know, and may race with the agent's own TASK_FINISHED, as in Mesos.)
 * - **offer-accepted-once**: an offer the master still holds as outstanding when an ACCEPT or
 *   DECLINE naming it arrives was never named by an earlier one that found it outstanding (a
 *   duplicated ACCEPT must find the offer gone);
 * - **quota**: no offer takes a role beyond its quota limit of a resource, counting what it
 *   holds on every agent (a role already beyond it, by tasks an agent reported back, is offered
 *   none of that resource);
 * - **drf-order** (DRF policy only): every offer goes to a framework whose dominant share is the
 *   lowest among the frameworks of the role that could have taken it. Shares are recomputed here
 *   from the allocator's per-agent accounting, not read from its sorter, so a sorter whose
 *   incremental shares drift (an allocation not given back on agent removal, say) is caught.
 *
 * Convergence, after faults have healed and the cluster had time to settle:
 * - **views-agree**: on every registered agent, the tasks the master believes non-terminal there
 *   are exactly the tasks the agent runs;
 * - **framework-knows**: every task a scenario framework believes live is live on the master,
 *   and every live task of that framework on the master is one it believes live.
 *
 * The first violation is kept (with its simulated time); later ones are consequences.
 */

import type { Agent } from '../../agent/agent.js';
import { CHECKPOINT_KEY, checkpointedUpdateUuids, parseCheckpoint } from '../../agent/checkpoint.js';
import type { OfferDecision } from '../../allocator/allocator.js';
import { dominantShare } from '../../allocator/sorters/drf.js';
import { isTerminalState, type TaskState } from '../../core/messages/task-state.js';
import type { Address } from '../../core/process.js';
import type { Wire } from '../../core/wire.js';
import type { Master } from '../../master/master.js';
import { MASTER_ADDRESS } from '../../scenario/schema.js';
import type { ScenarioFramework } from '../../workload/scenario-framework.js';
import type { SimWorld, WorldObserver } from './world.js';

/** A broken invariant. */
export interface Violation {
  readonly invariant: string;
  readonly atMs: number;
  readonly detail: string;
}

/** Watches a world for the safety invariants (see the module comment). */
export class InvariantChecker implements WorldObserver<Wire> {
  #world: SimWorld<Wire> | undefined;
  #violation: Violation | undefined;
  /** Update uuids each agent has received the acknowledgement of, with the incarnation that did. */
  readonly #acked = new Map<Address, Map<string, { readonly by: unknown }>>();
  /** `<framework id> <task id>` → the first terminal state an agent reported. */
  readonly #terminal = new Map<string, TaskState>();
  /** Offer ids an ACCEPT or DECLINE found outstanding. */
  readonly #used = new Set<string>();
  /** Events checked. */
  checks = 0;
  /** Offer decisions checked against DRF order. */
  offerDecisions = 0;

  /** The world to read the master from (set once it exists). */
  attach(world: SimWorld<Wire>): void {
    this.#world = world;
  }

  /** The first violation, if any. */
  get violation(): Violation | undefined {
    return this.#violation;
  }

  sent(from: Address, _to: Address, msg: Wire, nowMs: number): void {
    if (msg.channel !== 'agent' || msg.message.type !== 'STATUS_UPDATE') return;
    const { uuid, status, framework_id } = msg.message.update;
    if (isTerminalState(status.state)) {
      const key = `${framework_id.value} ${status.task_id.value}`;
      const first = this.#terminal.get(key);
      if (first === undefined) this.#terminal.set(key, status.state);
      else if (first !== status.state) {
        this.#fail(
          'one-terminal-state',
          nowMs,
          `task ${status.task_id.value} was reported ${first}, then ${status.state} (by ${from})`,
        );
      }
    }
    const acked = this.#acked.get(from)?.get(uuid);
    if (acked !== undefined && !this.#ackNeverDurable(from, acked.by, uuid)) {
      this.#fail(
        'acknowledged-resent',
        nowMs,
        `${from} re-sent ${status.state} of task ${status.task_id.value} (update ${uuid}) after its acknowledgement`,
      );
    }
  }

  delivered(_from: Address, to: Address, msg: Wire, nowMs: number): void {
    if (msg.channel === 'scheduler-call' && to === MASTER_ADDRESS) {
      const { call } = msg;
      const ids =
        call.type === 'ACCEPT'
          ? call.accept.offer_ids
          : call.type === 'DECLINE'
            ? call.decline.offer_ids
            : undefined;
      const master = this.#world?.instance(MASTER_ADDRESS) as Master | undefined;
      for (const { value } of ids ?? []) {
        if (master?.offerOutstanding(value) !== true) continue;
        if (this.#used.has(value)) {
          this.#fail(
            'offer-accepted-once',
            nowMs,
            `offer ${value} was still outstanding at a second ${call.type}`,
          );
        }
        this.#used.add(value);
      }
      return;
    }
    if (msg.channel === 'agent' && msg.message.type === 'STATUS_UPDATE_ACKNOWLEDGEMENT') {
      const agent = this.#world?.instance(to) as Agent | undefined;
      // An agent that is not registered drops acknowledgements unread, as Mesos's does.
      if (agent !== undefined && agent.phase !== 'registered') return;
      let acked = this.#acked.get(to);
      if (acked === undefined) {
        acked = new Map();
        this.#acked.set(to, acked);
      }
      acked.set(msg.message.uuid, { by: agent });
    }
  }

  /**
   * Whether `agent`, restarted since the incarnation `ackedBy` received the acknowledgement of
   * `uuid`, recovered from a checkpoint that still holds the update unacknowledged.
   */
  #ackNeverDurable(agent: Address, ackedBy: unknown, uuid: string): boolean {
    const world = this.#world;
    if (world === undefined || world.instance(agent) === ackedBy) return false;
    const text = world.diskContents(agent).get(CHECKPOINT_KEY);
    return text !== undefined && checkpointedUpdateUuids(parseCheckpoint(text)).has(uuid);
  }

  afterEvent(nowMs: number): void {
    if (this.#violation !== undefined) return;
    const master = this.#world?.instance(MASTER_ADDRESS) as Master | undefined;
    if (master === undefined) return;
    this.checks++;
    for (const agent of master.agentUsage()) {
      // Scalars are fixed-point milli-units, so the comparison is exact.
      for (const [name, total] of agent.total.scalarQuantities()) {
        const used = agent.used.scalarMilli(name);
        const offered = agent.offered.scalarMilli(name);
        if (used + offered > total) {
          this.#fail(
            'resources',
            nowMs,
            `agent ${agent.id}: ${name} offered ${offered / 1000} + used ${used / 1000} > total ${total / 1000}`,
          );
          return;
        }
      }
    }
  }

  /**
   * quota: what the role holds on every agent (per-agent accounting, not the allocator's running
   * total) plus the offer about to be made stays within the role's limits.
   */
  #checkQuota(decision: OfferDecision): void {
    const { view, role } = decision;
    const limits = view.quota(role);
    if (limits === undefined) return;
    const held = new Map(decision.resources.scalarQuantities());
    for (const id of view.agentIds()) {
      for (const byRole of view.agent(id)?.allocated.values() ?? []) {
        for (const [name, milli] of byRole.get(role)?.scalarQuantities() ?? [])
          held.set(name, (held.get(name) ?? 0) + milli);
      }
    }
    for (const [name, limit] of limits) {
      const total = held.get(name) ?? 0;
      // A role may already hold more than its limit (tasks an agent reported back after a
      // failover are not killed for it, in Mesos either); then it must be offered none of it.
      if (total > limit && decision.resources.scalarMilli(name) > 0) {
        this.#fail(
          'quota',
          this.#world?.now ?? 0,
          `role ${role} would hold ${total / 1000} ${name} with the offer on ${decision.agentId}, over its limit of ${limit / 1000}`,
        );
        return;
      }
    }
  }

  /** Checks one offer decision of the allocator (wire it to the master's `allocationAudit`). */
  readonly auditAllocation = (decision: OfferDecision): void => {
    if (this.#violation !== undefined) return;
    this.#checkQuota(decision);
    if (decision.policy !== 'drf' || this.#violation !== undefined) return;
    this.offerDecisions++;
    const { view, role } = decision;
    const totals = new Map<string, number>();
    const held = new Map<string, Map<string, number>>();
    for (const framework of decision.eligible) held.set(framework, new Map());
    for (const id of view.agentIds()) {
      const agent = view.agent(id);
      if (agent === undefined) continue;
      for (const [name, milli] of agent.total.scalarQuantities())
        totals.set(name, (totals.get(name) ?? 0) + milli);
      for (const [framework, byRole] of agent.allocated) {
        const sum = held.get(framework);
        const resources = byRole.get(role);
        if (sum === undefined || resources === undefined) continue;
        for (const [name, milli] of resources.scalarQuantities()) sum.set(name, (sum.get(name) ?? 0) + milli);
      }
    }
    const shareOf = (framework: string) => dominantShare(held.get(framework) ?? new Map(), totals);
    const recipient = decision.frameworkId;
    if (!held.has(recipient)) {
      this.#fail(
        'drf-order',
        this.#world?.now ?? 0,
        `${decision.agentId} offered to ${recipient}, which was not eligible`,
      );
      return;
    }
    const share = shareOf(recipient);
    for (const other of decision.eligible) {
      const otherShare = shareOf(other);
      // Shares are ratios of exact milli-unit sums: equal shares compare equal, so no tolerance
      // beyond the last bit of the division is needed.
      if (otherShare < share - 1e-12) {
        this.#fail(
          'drf-order',
          this.#world?.now ?? 0,
          `${decision.agentId} (role ${role}) offered to ${recipient} at dominant share ${share.toFixed(4)} while ${other} was eligible at ${otherShare.toFixed(4)}`,
        );
        return;
      }
    }
  };

  #fail(invariant: string, atMs: number, detail: string): void {
    this.#violation ??= { invariant, atMs, detail };
  }
}

/** One task on which two views disagree. */
export interface Disagreement {
  readonly invariant: 'views-agree' | 'framework-knows';
  /** The agent's address, or the framework's name. */
  readonly subject: string;
  readonly task: string;
  /** `missing`: the master believes it live and the subject does not; `extra`: the other way. */
  readonly side: 'missing' | 'extra';
}

/**
 * Where the views disagree now (see the module comment). Messages in flight make views differ
 * for a moment, so a check should keep only what {@link persisting} finds twice.
 */
export function disagreements(
  world: SimWorld<Wire>,
  agents: readonly Address[],
  frameworks: ReadonlyMap<string, ScenarioFramework>,
): Disagreement[] {
  const master = world.instance(MASTER_ADDRESS) as Master | undefined;
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
    invariant: Disagreement['invariant'],
    subject: string,
    believed: Set<string>,
    actual: Set<string>,
  ) => {
    for (const task of believed)
      if (!actual.has(task)) found.push({ invariant, subject, task, side: 'missing' });
    for (const task of actual)
      if (!believed.has(task)) found.push({ invariant, subject, task, side: 'extra' });
  };
  for (const address of agents) {
    const agent = world.instance(address) as Agent | undefined;
    if (agent === undefined) continue;
    const s = agent.state();
    if (s.phase !== 'registered' || s.agentId === undefined) continue;
    const running = new Set<string>();
    for (const fw of s.frameworks)
      for (const e of fw.executors)
        for (const t of e.tasks) if (!isTerminalState(t.state)) running.add(`${fw.id}/${t.id}`);
    compare('views-agree', address, liveOnMaster.get(s.agentId) ?? new Set(), running);
  }
  for (const [name, framework] of frameworks) {
    const id = framework.frameworkId?.value;
    const onMaster = id === undefined ? undefined : liveOfFramework.get(id);
    if (onMaster === undefined) continue; // not registered, or torn down: nothing to agree on
    compare('framework-knows', name, onMaster, new Set(framework.liveTaskIds()));
  }
  return found;
}

/** The disagreements of `later` that `earlier` already had: what messages in flight do not explain. */
export function persisting(earlier: readonly Disagreement[], later: readonly Disagreement[]): Disagreement[] {
  const key = (d: Disagreement) => `${d.invariant} ${d.subject} ${d.task} ${d.side}`;
  const before = new Set(earlier.map(key));
  return later.filter((d) => before.has(key(d)));
}

/** One line per invariant and subject, naming up to three tasks. */
export function describeDisagreements(found: readonly Disagreement[]): string[] {
  const groups = new Map<string, Disagreement[]>();
  for (const d of found) {
    const k = `${d.invariant} ${d.subject}`;
    groups.set(k, [...(groups.get(k) ?? []), d]);
  }
  return [...groups.values()].map((ds) => {
    const first = ds[0] as Disagreement;
    const missing = ds.filter((d) => d.side === 'missing').map((d) => d.task);
    const extra = ds.filter((d) => d.side === 'extra').map((d) => d.task);
    const [notThere, notKnown] =
      first.invariant === 'views-agree'
        ? ['live on the master, not on the agent', 'on the agent, unknown to the master']
        : ['live on the master, not to the framework', 'live to the framework, not on the master'];
    return (
      `${first.invariant}: ${first.subject}` +
      `${missing.length > 0 ? `; ${notThere}: ${missing.slice(0, 3).join(', ')}` : ''}` +
      `${extra.length > 0 ? `; ${notKnown}: ${extra.slice(0, 3).join(', ')}` : ''}`
    );
  });
}
