/**
 * SUBSCRIBE and UPDATE_FRAMEWORK (src/master/master.cpp `subscribe`, `_subscribe`,
 * `failoverFramework`, `updateFramework`; mesos.md §2.1, §7.1):
 * - without an id, a new framework gets a FrameworkID, SUBSCRIBED, an immediate HEARTBEAT and then
 *   one every heartbeat interval, and an allocation is triggered;
 * - with the id of a registered framework it fails over: the old connection (if another) hears
 *   ERROR "Framework failed over", the old offers are discarded silently, the framework is
 *   reactivated and subscribed anew; with an id this master does not have it is admitted as
 *   after a master failover (Mesos `recoverFramework`) if its registry lists the id, or while
 *   the master recovers (unknown-frameworks.ts); with the id of a removed framework it is refused.
 *
 * Connections are addresses here, as libprocess pids are for Mesos's v0 schedulers, so the v0
 * rules apply where HTTP and v0 differ: a SUBSCRIBE without id from the address of a connected
 * framework is a retry and gets its SUBSCRIBED again (HTTP would register a second framework),
 * and an address serves one framework at a time.
 */
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import type { FrameworkID } from '../core/messages/ids.js';
import type { Call } from '../core/messages/scheduler-call.js';
import type { Address } from '../core/process.js';
import { addToAllocator, setRoles } from './allocator-roles.js';
import type { MasterContext } from './context.js';
import { errorEvent, subscribedEvent } from './events.js';
import {
  activateFramework,
  recoverFramework,
  sendFrameworkUpdates,
  startHeartbeats,
} from './framework-lifecycle.js';
import { type FrameworkRecord, rolesOf } from './framework-registry.js';
import {
  frameworkInfoProblem,
  resubscriptionInfo,
  suppressedRolesProblem,
  updateProblem,
} from './framework-validation.js';
import { discardOffer } from './offer-lifecycle.js';
import { unknownFrameworkProblem } from './unknown-frameworks.js';

type SubscribeCall = Extract<Call, { type: 'SUBSCRIBE' }>;
type UpdateFrameworkCall = Extract<Call, { type: 'UPDATE_FRAMEWORK' }>;

/** Handles SUBSCRIBE from `from`. */
export function handleSubscribe(ctx: MasterContext, from: Address, call: SubscribeCall): void {
  const info = call.subscribe.framework_info;
  const refuse = (message: string) => {
    ctx.sendEventTo(from, errorEvent(message));
    ctx.trace('subscribe-refused', { from, message });
  };
  const problem = frameworkInfoProblem(info);
  if (problem !== undefined) {
    refuse(problem);
    return;
  }
  const id = info.id?.value ?? '';
  if (id !== '' && ctx.frameworkRemoved(id)) {
    refuse('Framework has been removed');
    return;
  }
  const roles = rolesOf(info);
  const suppressed = call.subscribe.suppressed_roles ?? [];
  const suppressedProblem = suppressedRolesProblem(roles, suppressed);
  if (suppressedProblem !== undefined) {
    refuse(suppressedProblem);
    return;
  }
  if (id === '') subscribeNew(ctx, from, info, roles, suppressed, refuse);
  else resubscribe(ctx, from, { ...info, id: { value: id } }, roles, suppressed, refuse);
}

function subscribeNew(
  ctx: MasterContext,
  from: Address,
  info: FrameworkInfo,
  roles: readonly string[],
  suppressed: readonly string[],
  refuse: (message: string) => void,
): void {
  const existing = ctx.frameworks.connectedAt(from);
  if (existing !== undefined) {
    // Mesos (v0): "Framework already subscribed, resending acknowledgement".
    sendSubscribed(ctx, existing);
    ctx.trace('framework-subscribed', { framework: existing.id, from, retry: true });
    return;
  }
  if (ctx.frameworks.size >= ctx.options.limits.maxFrameworks) {
    refuse('Too many frameworks');
    return;
  }
  const frameworkId = ctx.ids.nextFramework();
  const framework: FrameworkRecord = {
    id: frameworkId.value,
    frameworkId,
    info: { ...info, id: frameworkId },
    roles,
    allocatorRoles: new Set(roles),
    suppressedRoles: new Set(suppressed),
    address: from,
    connected: true,
    active: true,
    recovered: false,
    registeredAtMs: ctx.now(),
    reregisteredAtMs: undefined,
    heartbeatTimer: undefined,
    failoverTimer: undefined,
    offersMade: 0,
    offersDeclined: 0,
  };
  ctx.frameworks.add(framework);
  // Not waited for: a master that restarts before the write lands takes the framework back
  // when it resubscribes with its id, as Mesos's masters take back frameworks they never saw.
  ctx.registrar.apply({ kind: 'admit-framework', id: framework.id });
  addToAllocator(ctx, framework);
  sendSubscribed(ctx, framework);
  ctx.allocation.trigger();
  ctx.trace('framework-subscribed', { framework: framework.id, from, name: info.name, roles });
}

function resubscribe(
  ctx: MasterContext,
  from: Address,
  info: FrameworkInfo & { readonly id: FrameworkID },
  roles: readonly string[],
  suppressed: readonly string[],
  refuse: (message: string) => void,
): void {
  const other = ctx.frameworks.connectedAt(from);
  if (other !== undefined && other.id !== info.id.value) {
    // Mesos (v0) drops it without an answer, which would go to the connected framework.
    ctx.trace('subscribe-dropped', { from, framework: info.id.value, connected: other.id });
    return;
  }
  let framework = ctx.frameworks.get(info.id.value);
  if (framework === undefined) {
    const problem = unknownFrameworkProblem(ctx, info.id.value);
    if (problem !== undefined) {
      refuse(problem);
      return;
    }
    if (!ctx.registrar.frameworkAdmitted(info.id.value)) ctx.unknownFrameworksAdmitted++;
    framework = recoverFramework(ctx, info);
  }
  const merged = resubscriptionInfo(framework.info, info);
  if (typeof merged === 'string') {
    refuse(merged);
    return;
  }
  framework.info = merged;
  if (framework.connected && framework.address !== undefined && framework.address !== from) {
    ctx.sendEventTo(framework.address, errorEvent('Framework failed over'));
  }
  ctx.timers.cancel(framework.failoverTimer);
  framework.failoverTimer = undefined;
  // Mesos `_failoverFramework`: the old offers are discarded; the new connection gets new ones.
  for (const offer of ctx.offers.ofFramework(framework.id)) discardOffer(ctx, offer);
  setRoles(ctx, framework, roles, new Set(suppressed));
  const now = ctx.now();
  if (framework.recovered) framework.registeredAtMs = now;
  framework.recovered = false;
  framework.reregisteredAtMs = now;
  ctx.frameworks.connect(framework, from);
  sendSubscribed(ctx, framework);
  activateFramework(ctx, framework);
  sendFrameworkUpdates(ctx, framework);
  ctx.trace('framework-resubscribed', { framework: framework.id, from });
}

/** SUBSCRIBED, then heartbeats starting with one right away. */
function sendSubscribed(ctx: MasterContext, framework: FrameworkRecord): void {
  ctx.sendEvent(
    framework,
    subscribedEvent(framework.frameworkId, ctx.options.heartbeatIntervalMs, ctx.masterInfo),
  );
  startHeartbeats(ctx, framework);
}

/**
 * Why Mesos's master would refuse this UPDATE_FRAMEWORK of `framework` (its 400 body, src/master/
 * master.cpp `updateFramework`), or undefined if it takes it. The live endpoint asks first and
 * answers 400 with it, so a refused update leaves the framework subscribed as it was.
 */
export function updateFrameworkProblem(
  framework: FrameworkRecord,
  call: UpdateFrameworkCall,
): string | undefined {
  const info = { ...call.update_framework.framework_info, id: framework.frameworkId };
  const invalid = frameworkInfoProblem(info);
  if (invalid !== undefined) return `Supplied FrameworkInfo is not valid: ${invalid}`;
  const change = updateProblem(framework.info, info);
  if (change !== undefined) return `FrameworkInfo update is not valid: ${change}`;
  const suppressed = suppressedRolesProblem(rolesOf(info), call.update_framework.suppressed_roles ?? []);
  if (suppressed !== undefined) return `'UpdateFramework' call is not valid: ${suppressed}`;
  return undefined;
}

/**
 * UPDATE_FRAMEWORK: new FrameworkInfo and suppressed roles without resubscribing. Offers of
 * roles the framework left are rescinded (Mesos `updateFramework`). A refusal reaches a
 * framework without an HTTP answer (the simulated world's, Mesos's v0 schedulers) as an ERROR
 * event with the message HTTP would answer 400 with, as Mesos sends it a FrameworkErrorMessage.
 */
export function handleUpdateFramework(
  ctx: MasterContext,
  framework: FrameworkRecord,
  call: UpdateFrameworkCall,
): void {
  const info = { ...call.update_framework.framework_info, id: framework.frameworkId };
  const roles = rolesOf(info);
  const suppressed = call.update_framework.suppressed_roles ?? [];
  const problem = updateFrameworkProblem(framework, call);
  if (problem !== undefined) {
    ctx.sendEvent(framework, errorEvent(problem));
    ctx.trace('update-framework-refused', { framework: framework.id, message: problem });
    return;
  }
  setRoles(ctx, framework, roles, new Set(suppressed));
  framework.info = info;
  sendFrameworkUpdates(ctx, framework);
  ctx.allocation.trigger();
}
