/**
 * Keeping the allocator's view of a framework's roles in step with the master's. Mesos's
 * allocator has `updateFramework`; ours does not, so a change of roles re-adds the framework
 * with the resources it holds and is offered. A role the framework left but still holds resources in stays
 * tracked, suppressed, as Mesos keeps tracking a role while allocations remain in it.
 */
import type { UsedResources } from '../allocator/allocator.js';
import type { Resources } from '../core/resources.js';
import type { MasterContext } from './context.js';
import { type FrameworkRecord, hasCapability } from './framework-registry.js';
import { rescindOffer } from './offer-lifecycle.js';
import { getOrCreate } from './task-book.js';
import { isTerminalOrUnreachable } from './task-lifecycle.js';

/** The roles the allocator should not offer the framework: suppressed, or left. */
function allocatorSuppressed(
  allocatorRoles: ReadonlySet<string>,
  roles: readonly string[],
  suppressed: ReadonlySet<string>,
): Set<string> {
  return new Set([...allocatorRoles].filter((r) => suppressed.has(r) || !roles.includes(r)));
}

/** Adds a framework to the allocator, with the resources it already holds. */
export function addToAllocator(
  ctx: MasterContext,
  framework: FrameworkRecord,
  used: readonly UsedResources[] = [],
): void {
  const roles = [...framework.allocatorRoles];
  const suppressed = allocatorSuppressed(
    framework.allocatorRoles,
    framework.roles,
    framework.suppressedRoles,
  );
  ctx.allocator.addFramework(
    framework.id,
    {
      roles,
      suppressedRoles: [...suppressed],
      gpuResources: hasCapability(framework.info, 'GPU_RESOURCES'),
    },
    used,
    framework.active,
  );
}

/** What a framework holds on registered agents (live tasks and executors), by agent and role. */
export function usedResourcesOf(ctx: MasterContext, frameworkId: string): UsedResources[] {
  const sums = new Map<string, Map<string, Resources>>();
  const add = (agentId: string, role: string, r: Resources) => {
    const byRole = getOrCreate(sums, agentId, () => new Map<string, Resources>());
    const held = byRole.get(role);
    byRole.set(role, held === undefined ? r : held.add(r));
  };
  for (const task of ctx.tasks.ofFramework(frameworkId)) {
    if (!isTerminalOrUnreachable(task.state)) add(task.agentId, task.role, task.resources);
  }
  for (const agent of ctx.agents.all()) {
    for (const executor of agent.executors.get(frameworkId)?.values() ?? []) {
      add(agent.id, executor.role, executor.resources);
    }
  }
  const used: UsedResources[] = [];
  for (const [agentId, byRole] of sums) {
    for (const [role, resources] of byRole) used.push({ frameworkId, agentId, role, resources });
  }
  return used;
}

/**
 * Sets the framework's roles and suppressed roles, in the master and in the allocator. Roles
 * leaving the suppressed set are revived (their filters cleared), as Mesos does on resubscription
 * and UPDATE_FRAMEWORK (mesos.md §6.4); offers in roles the framework leaves are rescinded.
 */
export function setRoles(
  ctx: MasterContext,
  framework: FrameworkRecord,
  roles: readonly string[],
  suppressed: ReadonlySet<string>,
): void {
  for (const offer of ctx.offers.ofFramework(framework.id)) {
    if (!roles.includes(offer.role)) rescindOffer(ctx, offer, 'role removed');
  }
  const used = usedResourcesOf(ctx, framework.id);
  const needed = new Set([...roles, ...used.map((u) => u.role)]);
  const before = allocatorSuppressed(framework.allocatorRoles, framework.roles, framework.suppressedRoles);
  framework.roles = [...roles];
  framework.suppressedRoles = new Set(suppressed);
  if (!sameSet(needed, framework.allocatorRoles)) {
    readd(ctx, framework, needed, used);
    return;
  }
  const after = allocatorSuppressed(needed, roles, suppressed);
  const toSuppress = [...after].filter((r) => !before.has(r));
  const toRevive = [...before].filter((r) => !after.has(r));
  if (toSuppress.length > 0) ctx.allocator.suppressOffers(framework.id, toSuppress);
  if (toRevive.length > 0) ctx.allocator.reviveOffers(framework.id, toRevive);
}

/** Makes sure the allocator tracks the framework in `role` (a task of that role came back). */
export function ensureRole(ctx: MasterContext, framework: FrameworkRecord, role: string): void {
  if (framework.allocatorRoles.has(role)) return;
  readd(ctx, framework, new Set([...framework.allocatorRoles, role]), usedResourcesOf(ctx, framework.id));
}

/**
 * Re-adds the framework to the allocator in `allocatorRoles`, with what it holds: its tasks and
 * executors, and its outstanding offers, which stay valid. Its refusal filters are lost (Mesos's
 * `updateFramework` would keep those of the roles that stay).
 */
function readd(
  ctx: MasterContext,
  framework: FrameworkRecord,
  allocatorRoles: ReadonlySet<string>,
  used: readonly UsedResources[],
): void {
  const offered = ctx.offers.ofFramework(framework.id).map((o) => ({
    frameworkId: framework.id,
    agentId: o.agentId,
    role: o.role,
    resources: o.resources,
  }));
  ctx.allocator.removeFramework(framework.id);
  framework.allocatorRoles = allocatorRoles;
  addToAllocator(ctx, framework, [...used, ...offered]);
}

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
