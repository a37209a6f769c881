/**
 * The **drf-order** invariant (DRF policy only): Mesos's hierarchical allocator walks the roles
 * in weighted-DRF order and, within a role, the frameworks in DRF order, so every offer goes
 * - to a role whose weighted dominant share is the lowest among the roles that could have been
 *   offered that agent (a framework in it active, not suppressed, not filtered there, and
 *   leftovers within the role's quota), and
 * - within the role, to a framework whose dominant share is the lowest among the frameworks of
 *   the role that could have taken it.
 * Shares are recomputed here from the allocator's per-agent accounting, not read from its
 * sorters, so a sorter whose incremental shares drift (an allocation not given back on agent
 * removal, say) is caught. The counts say how much the check compared: a decision with one
 * candidate passes whatever the order.
 */
import type { OfferDecision } from '../../allocator/allocator.js';
import { dominantShare } from '../../allocator/sorters/drf.js';

/** Shares are ratios of exact milli-unit sums: equal shares compare equal up to the last bit. */
const EPSILON = 1e-12;

/** Checks offer decisions against DRF order and counts what it compared. */
export class DrfOrderCheck {
  /** Decisions checked. */
  decisions = 0;
  /** Decisions with at least two eligible frameworks in the recipient's role. */
  frameworkRivals = 0;
  /** Decisions with at least two eligible roles. */
  roleRivals = 0;

  /** Why `decision` breaks DRF order, or undefined if it keeps it. */
  check(decision: OfferDecision): string | undefined {
    this.decisions++;
    const { view, role, eligible, eligibleRoles } = decision;
    if (eligible.length >= 2) this.frameworkRivals++;
    if (eligibleRoles.size >= 2) this.roleRivals++;
    const totals = new Map<string, number>();
    const byFramework = new Map<string, Map<string, number>>();
    for (const framework of eligible) byFramework.set(framework, new Map());
    const byRole = new Map<string, Map<string, number>>();
    for (const name of eligibleRoles.keys()) byRole.set(name, new Map());
    for (const id of view.agentIds()) {
      const agent = view.agent(id);
      if (agent === undefined) continue;
      for (const [name, milli] of agent.total.scalarQuantities())
        totals.set(name, (totals.get(name) ?? 0) + milli);
      for (const [framework, roles] of agent.allocated) {
        for (const [name, resources] of roles) {
          addTo(byRole.get(name), resources.scalarQuantities());
          if (name === role) addTo(byFramework.get(framework), resources.scalarQuantities());
        }
      }
    }
    const recipient = decision.frameworkId;
    if (!byFramework.has(recipient))
      return `${decision.agentId} offered to ${recipient}, which was not eligible`;
    const roleShare = (name: string) =>
      dominantShare(byRole.get(name) ?? new Map(), totals) / (eligibleRoles.get(name) ?? 1);
    const ownRoleShare = roleShare(role);
    for (const other of eligibleRoles.keys()) {
      const share = roleShare(other);
      if (share < ownRoleShare - EPSILON) {
        return (
          `${decision.agentId} offered to role ${role} at weighted share ${ownRoleShare.toFixed(4)} ` +
          `while role ${other} was eligible at ${share.toFixed(4)}`
        );
      }
    }
    const frameworkShare = (framework: string) =>
      dominantShare(byFramework.get(framework) ?? new Map(), totals);
    const own = frameworkShare(recipient);
    for (const other of eligible) {
      const share = frameworkShare(other);
      if (share < own - EPSILON) {
        return (
          `${decision.agentId} (role ${role}) offered to ${recipient} at dominant share ${own.toFixed(4)} ` +
          `while ${other} was eligible at ${share.toFixed(4)}`
        );
      }
    }
    return undefined;
  }
}

function addTo(sum: Map<string, number> | undefined, quantities: ReadonlyMap<string, number>): void {
  if (sum === undefined) return;
  for (const [name, milli] of quantities) sum.set(name, (sum.get(name) ?? 0) + milli);
}
