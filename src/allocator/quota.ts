/**
 * Quota limits (Mesos ≥ 1.9, docs/quota.md; hierarchical.cpp `__generateOffers` stage 2): a role
 * with a quota limit is never allocated more than it, scalar by scalar. A role's consumed quota
 * is what it holds, offered or in use; an offer to it is cut down ("chopped", Mesos
 * `shrinkResources`) to the limit minus that, so a role at its limit is offered nothing.
 *
 * Quota covers scalar resources only, as in Mesos; unlimited names and non-scalars (ports) are
 * offered as usual. Every role is top-level here (a role path is a flat name), and Mesos applies
 * quota to top-level roles. Not reproduced: guarantees (deprecated since 1.9; Mesos's stage 1
 * and the headroom it holds back), and charging a role for reservations it has not been
 * allocated (Agora's roles hold reservations only as they are allocated).
 */
import { type Resource, Resources } from '../core/resources.js';
import { UNRESERVED_ROLE } from '../core/roles.js';
import type { Quantities } from './sorter.js';

/** Every role's limits and what it holds against them (milli-units of scalars). */
export class RoleQuotas {
  readonly #limits = new Map<string, Quantities>();
  readonly #consumed = new Map<string, Map<string, number>>();

  /** The role's limits, if it has any. */
  limits(role: string): Quantities | undefined {
    return this.#limits.get(role);
  }

  /**
   * Sets a role's limits; undefined or an empty map removes them (Mesos's default: no limit).
   * `holding` is what the role holds now: only limited roles are charged as they go.
   */
  set(role: string, limits: Quantities | undefined, holding: Quantities): void {
    if (limits === undefined || limits.size === 0) {
      this.#limits.delete(role);
      this.#consumed.delete(role);
      return;
    }
    this.#limits.set(role, new Map(limits));
    this.#consumed.set(role, new Map(holding));
  }

  /**
   * Adds (`sign` 1) or removes (-1) an allocation to a limited role; other roles are not
   * tracked. Returns whether the role has limits, so that the caller can forget what it
   * concluded from the old headroom.
   */
  charge(role: string, quantities: Quantities, sign: 1 | -1): boolean {
    const consumed = this.#consumed.get(role);
    if (consumed === undefined) return false;
    for (const [name, milli] of quantities) {
      const next = (consumed.get(name) ?? 0) + sign * milli;
      if (next === 0) consumed.delete(name);
      else consumed.set(name, next);
    }
    return true;
  }

  /**
   * `available` cut down to what the role may still be allocated: each limited unreserved scalar
   * to its limit minus what the role holds (dropped when nothing is left). The same object when
   * the role has no limits or `available` is within them.
   */
  shrink(role: string, available: Resources): Resources {
    const limits = this.#limits.get(role);
    if (limits === undefined) return available;
    const consumed = this.#consumed.get(role);
    let changed = false;
    const kept: Resource[] = [];
    for (const r of available.entries) {
      const limit = limits.get(r.name);
      if (limit === undefined || r.value.kind !== 'scalar' || r.role !== UNRESERVED_ROLE) {
        kept.push(r);
        continue;
      }
      const headroom = Math.max(0, limit - (consumed?.get(r.name) ?? 0));
      if (r.value.milli <= headroom) {
        kept.push(r);
        continue;
      }
      changed = true;
      if (headroom > 0) kept.push({ ...r, value: { kind: 'scalar', milli: headroom } });
    }
    return changed ? Resources.of(kept) : available;
  }
}
