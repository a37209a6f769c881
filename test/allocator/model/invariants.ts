/**
 * The invariants of the allocator model test, as pure functions that return a list of
 * violations (empty = fine), so that they can also be tested against hand-built bad states.
 * Every message starts with a tag naming the rule:
 *
 * - `[inv1]` nothing offered beyond what is free: each offer is within the agent's free
 *   resources allocatable to its role, the offers of one run on an agent fit together, and
 *   offers + tasks on an agent never exceed its total;
 * - `[inv2]` no offers to a deactivated framework, or to a framework in a role it suppressed;
 * - `[inv3]` no offer that a live filter covers (refused ⊇ offer, now < expiresAt);
 * - `[inv4]` free + offered + used = total, exactly, on every agent; the allocator's
 *   per-framework allocation equals the master's offers + tasks;
 * - `[offer]` an offer is well formed: known framework, agent and role, allocatable, active agent;
 * - `[coarse]` an offer takes everything allocatable to its role on the agent (Mesos CoarseGrained);
 * - `[live]` after a run, no eligible, unfiltered framework is left without an offer while the
 *   agent has allocatable resources for it in one of its roles.
 */
import type { AgentView, Offer } from '../../../src/allocator/allocator.js';
import { formatResources } from '../../../src/core/resource-text.js';
import { Resources } from '../../../src/core/resources.js';
import {
  allocatableUnder,
  blockingFilter,
  describeHolding,
  freeOn,
  type Holding,
  holdingsOn,
  type Model,
  minFor,
  sortedIds,
  sumOf,
} from './model.js';

/** The part of the allocator the checks read. */
export interface AllocatorView {
  agent(agentId: string): AgentView | undefined;
  agentIds(): readonly string[];
}

const fmt = (r: Resources): string => `{${formatResources(r)}}`;

function describeOffer(o: Offer): string {
  return describeHolding(o);
}

/**
 * Checks the offers of one `allocate()` call against the master's model as it was just before
 * the call (its free resources are total − offers − tasks, which the accounting check after
 * the previous command proved equal to the allocator's `available`), and, when given, against
 * the allocator's own `available` snapshotted just before the call. `candidates` are the
 * agents the call covered (undefined = all).
 */
export function checkNewOffers(
  m: Model,
  offers: readonly Offer[],
  candidates: ReadonlySet<string> | undefined,
  availableBefore?: ReadonlyMap<string, Resources>,
): string[] {
  const out: string[] = [];
  if (availableBefore !== undefined) {
    const taken = new Map<string, Resources>();
    for (const o of offers) {
      const before = availableBefore.get(o.agentId) ?? Resources.EMPTY;
      if (!before.allocatableTo(o.role).contains(o.resources)) {
        out.push(
          `[inv1] offer ${describeOffer(o)}: not within the allocator's available ${fmt(before)} before the run`,
        );
      }
      taken.set(o.agentId, (taken.get(o.agentId) ?? Resources.EMPTY).add(o.resources));
    }
    for (const [agentId, sum] of taken) {
      const before = availableBefore.get(agentId) ?? Resources.EMPTY;
      if (!before.contains(sum)) {
        out.push(
          `[inv1] offers on ${agentId} add up to ${fmt(sum)}, beyond the allocator's available ${fmt(before)}`,
        );
      }
    }
  }
  const byAgent = new Map<string, Offer[]>();
  for (const o of offers) {
    const at = `offer ${describeOffer(o)} at t=${m.now}`;
    const agent = m.agents.get(o.agentId);
    const fw = m.frameworks.get(o.frameworkId);
    if (agent === undefined) {
      out.push(`[offer] ${at}: unknown agent`);
      continue;
    }
    if (!agent.active) out.push(`[offer] ${at}: agent is deactivated`);
    if (candidates !== undefined && !candidates.has(o.agentId)) {
      out.push(`[offer] ${at}: agent was not among the candidates of this run`);
    }
    if (fw === undefined) {
      out.push(`[offer] ${at}: unknown framework`);
      continue;
    }
    if (!fw.roles.includes(o.role)) out.push(`[offer] ${at}: framework is not in role ${o.role}`);
    if (!fw.active) out.push(`[inv2] ${at}: framework is deactivated`);
    if (fw.suppressed.has(o.role)) out.push(`[inv2] ${at}: framework suppressed role ${o.role}`);
    if (!allocatableUnder(o.resources, minFor(m, fw, o.role))) {
      out.push(`[offer] ${at}: resources are not allocatable (empty or below the minimum)`);
    }
    const free = freeOn(m, o.agentId);
    if (free === undefined) {
      out.push(`[inv1] ${at}: agent's offers and tasks already exceed its total`);
    } else if (!free.allocatableTo(o.role).contains(o.resources)) {
      out.push(
        `[inv1] ${at}: not within what is free for role ${o.role}: ${fmt(free.allocatableTo(o.role))}`,
      );
    }
    const filter = blockingFilter(m, o.frameworkId, o.role, o.agentId, o.resources);
    if (filter !== undefined) {
      out.push(
        `[inv3] ${at}: covered by the filter of ${filter.cause} ` +
          `(refused ${fmt(filter.refused)}, installed t=${filter.installedAt}, expires t=${filter.expiresAt})`,
      );
    }
    byAgent.set(o.agentId, [...(byAgent.get(o.agentId) ?? []), o]);
  }
  for (const [agentId, onAgent] of byAgent) {
    const free = freeOn(m, agentId);
    if (free === undefined) continue;
    const sum = sumOf(onAgent);
    if (!free.contains(sum)) {
      out.push(
        `[inv1] offers on ${agentId} at t=${m.now} add up to ${fmt(sum)}, beyond its free ${fmt(free)}`,
      );
      continue;
    }
    const left = free.subtract(sum);
    const roles = new Set<string>();
    for (const o of onAgent) {
      if (roles.has(o.role)) out.push(`[coarse] two offers on ${agentId} in role ${o.role} in one run`);
      roles.add(o.role);
      const leftForRole = left.allocatableTo(o.role);
      if (!leftForRole.isEmpty()) {
        out.push(
          `[coarse] offer ${describeOffer(o)} left ${fmt(leftForRole)} allocatable to its role unoffered`,
        );
      }
    }
  }
  return out;
}

/** The master's offers and tasks on an agent, by framework and role. */
function heldByFrameworkRole(holdings: readonly Holding[]): Map<string, Map<string, Resources>> {
  const out = new Map<string, Map<string, Resources>>();
  for (const h of holdings) {
    let byRole = out.get(h.frameworkId);
    if (byRole === undefined) {
      byRole = new Map();
      out.set(h.frameworkId, byRole);
    }
    byRole.set(h.role, (byRole.get(h.role) ?? Resources.EMPTY).add(h.resources));
  }
  return out;
}

/** Invariants 1 (totals) and 4 (conservation, allocation views), after any command. */
export function checkAccounting(m: Model, allocator: AllocatorView): string[] {
  const out: string[] = [];
  const expectedIds = sortedIds(m.agents);
  const actualIds = [...allocator.agentIds()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (expectedIds.join(',') !== actualIds.join(',')) {
    out.push(`[inv4] allocator knows agents [${actualIds}], the master [${expectedIds}]`);
  }
  for (const agentId of expectedIds) {
    const agent = m.agents.get(agentId);
    const view = allocator.agent(agentId);
    if (agent === undefined) continue;
    if (view === undefined) {
      out.push(`[inv4] allocator has no view of agent ${agentId}`);
      continue;
    }
    if (!view.total.equals(agent.total)) {
      out.push(`[inv4] ${agentId}: allocator total ${fmt(view.total)} != ${fmt(agent.total)}`);
    }
    if (view.active !== agent.active) {
      out.push(`[inv4] ${agentId}: allocator says active=${view.active}, master ${agent.active}`);
    }
    const holdings = holdingsOn(m, agentId);
    const offered = sumOf([...m.offers.values()].filter((h) => h.agentId === agentId));
    const used = sumOf([...m.tasks.values()].filter((h) => h.agentId === agentId));
    const held = offered.add(used);
    if (!agent.total.contains(held)) {
      out.push(`[inv1] ${agentId}: offers + tasks ${fmt(held)} exceed the total ${fmt(agent.total)}`);
    }
    const accounted = view.available.add(held);
    if (!accounted.equals(agent.total)) {
      out.push(
        `[inv4] ${agentId}: available ${fmt(view.available)} + offered ${fmt(offered)} + used ` +
          `${fmt(used)} = ${fmt(accounted)} != total ${fmt(agent.total)}`,
      );
    }
    const expected = heldByFrameworkRole(holdings);
    const seen = new Set<string>();
    for (const [fwId, byRole] of view.allocated) {
      for (const [role, res] of byRole) {
        seen.add(`${fwId}\u0000${role}`);
        const want = expected.get(fwId)?.get(role) ?? Resources.EMPTY;
        if (!res.equals(want)) {
          out.push(
            `[inv4] ${agentId}: allocator has ${fmt(res)} allocated to ${fwId}/${role}, the master ${fmt(want)}`,
          );
        }
      }
    }
    for (const [fwId, byRole] of expected) {
      for (const [role, res] of byRole) {
        if (!seen.has(`${fwId}\u0000${role}`) && !res.isEmpty()) {
          out.push(
            `[inv4] ${agentId}: allocator has nothing allocated to ${fwId}/${role}, the master ${fmt(res)}`,
          );
        }
      }
    }
  }
  return out;
}

/**
 * Work conservation after an `allocate()` call, with the run's offers already registered:
 * for every covered, active agent, every active framework, and every role it has not
 * suppressed, if what is free on the agent for that role is allocatable for the framework and
 * no live filter of the framework covers it, the run should have offered it to someone.
 *
 * Why this is exactly what Mesos guarantees: the run visits each role on the agent once; when
 * it visits role r, the candidate is the agent's available resources allocatable to r, and it
 * goes to the first eligible framework for which it is allocatable and unfiltered. What is left
 * for r at the end is contained in that candidate (later roles only take), and both
 * "allocatable" and "not covered by a filter" are inherited by supersets; so a framework
 * eligible for the leftovers now was eligible for the candidate then, and r would have been
 * offered everything, leaving nothing allocatable to r.
 */
export function checkWorkConserving(m: Model, candidates: ReadonlySet<string> | undefined): string[] {
  const out: string[] = [];
  for (const agentId of sortedIds(m.agents)) {
    const agent = m.agents.get(agentId);
    if (agent === undefined || !agent.active) continue;
    if (candidates !== undefined && !candidates.has(agentId)) continue;
    const free = freeOn(m, agentId);
    if (free === undefined) continue; // reported by the accounting check
    for (const fwId of sortedIds(m.frameworks)) {
      const fw = m.frameworks.get(fwId);
      if (fw === undefined || !fw.active) continue;
      for (const role of fw.roles) {
        if (fw.suppressed.has(role)) continue;
        const candidate = free.allocatableTo(role);
        if (!allocatableUnder(candidate, minFor(m, fw, role))) continue;
        if (blockingFilter(m, fwId, role, agentId, candidate) !== undefined) continue;
        out.push(
          `[live] after allocate at t=${m.now}: ${agentId} has ${fmt(candidate)} free for role ${role}, ` +
            `and ${fwId} (active, not suppressed, not filtered) was offered nothing of it`,
        );
      }
    }
  }
  return out;
}
