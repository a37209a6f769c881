/**
 * The checks Mesos makes on a FrameworkInfo before subscribing it (src/master/validation.cpp
 * `framework::validate`, `validateSuppressedRoles`, `validateUpdate`), each answering a refusal
 * message or undefined.
 */
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import { roleProblem } from '../core/roles.js';
import { hasCapability } from './framework-registry.js';

/** Why a FrameworkInfo cannot subscribe, or undefined. */
export function frameworkInfoProblem(info: FrameworkInfo): string | undefined {
  const multiRole = hasCapability(info, 'MULTI_ROLE');
  if (multiRole && info.role !== undefined) {
    return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
  }
  if (!multiRole && info.roles !== undefined && info.roles.length > 0) {
    return "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable";
  }
  if (multiRole) {
    const roles = info.roles ?? [];
    if (new Set(roles).size !== roles.length) return "'FrameworkInfo.roles' contains duplicate items";
    for (const role of roles) {
      const problem = roleProblem(role);
      if (problem !== undefined) return `'FrameworkInfo.roles' contains invalid role: ${problem}`;
    }
    // Agora: the allocator needs a role to track a framework in (Mesos accepts an empty list).
    if (roles.length === 0) return "'FrameworkInfo.roles' must not be empty in Agora";
  } else {
    const problem = roleProblem(info.role ?? '*');
    if (problem !== undefined) return `'FrameworkInfo.role' is not a valid role: ${problem}`;
  }
  const failover = info.failover_timeout;
  if (failover !== undefined && !Number.isFinite(failover)) {
    return `The framework failover_timeout (${failover}) is invalid`;
  }
  return undefined;
}

/** Why the suppressed roles are not acceptable for these roles, or undefined. */
export function suppressedRolesProblem(
  roles: readonly string[],
  suppressed: readonly string[],
): string | undefined {
  for (const role of suppressed) {
    if (!roles.includes(role)) return `Suppressed role '${role}' is not contained in the list of roles`;
  }
  return undefined;
}

/**
 * A resubscription keeps `user` and `checkpoint` (Mesos `preserveImmutableFields`) and may not
 * change `principal` (ChangePrincipalOnReRegistrationFails).
 */
export function resubscriptionInfo(old: FrameworkInfo, next: FrameworkInfo): FrameworkInfo | string {
  if ((old.principal ?? '') !== (next.principal ?? ''))
    return "Changing framework's principal is not allowed";
  const { checkpoint: _checkpoint, ...rest } = next;
  return { ...rest, user: old.user, ...(old.checkpoint === undefined ? {} : { checkpoint: old.checkpoint }) };
}

/** UPDATE_FRAMEWORK may change neither `user`, `checkpoint` nor `principal`. */
export function updateProblem(old: FrameworkInfo, next: FrameworkInfo): string | undefined {
  if ((old.principal ?? '') !== (next.principal ?? ''))
    return "Changing framework's principal is not allowed";
  if (old.user !== next.user) return "Updating 'FrameworkInfo.user' is unsupported";
  if ((old.checkpoint ?? false) !== (next.checkpoint ?? false)) {
    return "Updating 'FrameworkInfo.checkpoint' is unsupported";
  }
  return undefined;
}
