/**
 * A framework's connection and removal (src/master/master.cpp `_exited`, `disconnect`,
 * `deactivate`, `frameworkFailoverTimeout`, `removeFramework`; mesos.md §7.1):
 * - when its subscription breaks it is disconnected and deactivated (the allocator stops offering
 *   to it and clears its filters; its offers are rescinded) and has `failover_timeout` seconds
 *   (default 0) to resubscribe;
 * - if it does not, or on TEARDOWN, it is removed: agents shut its executors down, its tasks end
 *   as TASK_KILLED (REASON_FRAMEWORK_REMOVED, not sent: nobody listens), and its id may never
 *   subscribe again.
 */
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import type { FrameworkID } from '../core/messages/ids.js';
import { UNRESERVED_ROLE } from '../core/roles.js';
import { addToAllocator, usedResourcesOf } from './allocator-roles.js';
import type { MasterContext } from './context.js';
import { HEARTBEAT_EVENT, masterStatus } from './events.js';
import { removeExecutors } from './executors.js';
import { type FrameworkRecord, rolesOf } from './framework-registry.js';
import { discardOffer, rescindOffer } from './offer-lifecycle.js';
import type { TaskRecord } from './task-book.js';
import { endTask } from './task-lifecycle.js';

/** Sends HEARTBEAT now and every heartbeat interval while the framework stays connected. */
export function startHeartbeats(ctx: MasterContext, framework: FrameworkRecord): void {
  stopHeartbeats(ctx, framework);
  const beat = () => {
    framework.heartbeatTimer = undefined;
    if (ctx.frameworks.get(framework.id) !== framework || !framework.connected) return;
    ctx.sendEvent(framework, HEARTBEAT_EVENT);
    framework.heartbeatTimer = ctx.timers.set(ctx.options.heartbeatIntervalMs, 'heartbeat', beat);
  };
  beat();
}

/** Stops the heartbeats. */
export function stopHeartbeats(ctx: MasterContext, framework: FrameworkRecord): void {
  ctx.timers.cancel(framework.heartbeatTimer);
  framework.heartbeatTimer = undefined;
}

/** Stops offers to a framework; its offers are rescinded, or discarded when it is going away. */
export function deactivateFramework(ctx: MasterContext, framework: FrameworkRecord, rescind: boolean): void {
  framework.active = false;
  ctx.allocator.deactivateFramework(framework.id);
  for (const offer of ctx.offers.ofFramework(framework.id)) {
    if (rescind) rescindOffer(ctx, offer, 'framework deactivated');
    else discardOffer(ctx, offer);
  }
}

/** Offers to a framework again and asks for an allocation, as Mesos's `activateFramework` does. */
export function activateFramework(ctx: MasterContext, framework: FrameworkRecord): void {
  if (framework.active) return;
  framework.active = true;
  ctx.allocator.activateFramework(framework.id);
  ctx.allocation.trigger();
}

/**
 * The framework's subscription broke (Mesos `_exited`): disconnect, deactivate, and give it
 * `failover_timeout` seconds to come back (a 0 timeout removes it at the next instant).
 */
export function disconnectFramework(ctx: MasterContext, framework: FrameworkRecord): void {
  if (!framework.connected) return;
  ctx.frameworks.disconnect(framework);
  stopHeartbeats(ctx, framework);
  if (framework.active) deactivateFramework(ctx, framework, true);
  const timeoutMs = Math.max(0, (framework.info.failover_timeout ?? 0) * 1000);
  const reregisteredAtMs = framework.reregisteredAtMs;
  ctx.timers.cancel(framework.failoverTimer);
  framework.failoverTimer = ctx.timers.set(timeoutMs, 'framework-failover', () => {
    framework.failoverTimer = undefined;
    // Mesos compares the re-registration time: a framework that came back and left again
    // has a newer timer of its own.
    if (ctx.frameworks.get(framework.id) !== framework || framework.connected) return;
    if (framework.reregisteredAtMs !== reregisteredAtMs) return;
    removeFramework(ctx, framework, 'failover timeout');
  });
  ctx.trace('framework-disconnected', { framework: framework.id, failoverTimeoutMs: timeoutMs });
}

/** Removes a framework for good (teardown, failover timeout). */
export function removeFramework(ctx: MasterContext, framework: FrameworkRecord, why: string): void {
  ctx.registrar.apply({ kind: 'remove-framework', id: framework.id });
  if (framework.active) deactivateFramework(ctx, framework, false);
  for (const offer of ctx.offers.ofFramework(framework.id)) discardOffer(ctx, offer);
  for (const agent of ctx.agents.all()) {
    ctx.sendAgent(agent, { type: 'SHUTDOWN_FRAMEWORK', framework_id: framework.frameworkId });
  }
  const message = `Framework ${framework.id} removed`;
  for (const task of ctx.tasks.ofFramework(framework.id)) {
    endTask(
      ctx,
      task,
      { state: 'TASK_KILLED', reason: 'REASON_FRAMEWORK_REMOVED', message },
      { notify: false },
    );
  }
  for (const agent of ctx.agents.all()) removeExecutors(ctx, agent, framework.id);
  const archive = ctx.tasks.archiveFramework(framework.id);
  const killedUnreachable = archive.unreachable.map((task) => killUnreachable(ctx, task, message));
  stopHeartbeats(ctx, framework);
  ctx.timers.cancel(framework.failoverTimer);
  framework.failoverTimer = undefined;
  framework.active = false;
  const completedTasks = [...archive.completed, ...killedUnreachable].slice(
    -ctx.options.limits.maxCompletedTasksPerFramework,
  );
  ctx.frameworks.complete(framework, { record: framework, unregisteredAtMs: ctx.now(), completedTasks });
  ctx.allocator.removeFramework(framework.id);
  ctx.trace('framework-removed', { framework: framework.id, why });
}

/** An unreachable task of a removed framework is recorded as killed (Mesos MESOS-6608 TODO). */
function killUnreachable(ctx: MasterContext, task: TaskRecord, message: string): TaskRecord {
  const status = masterStatus({
    taskId: task.taskId,
    state: 'TASK_KILLED',
    reason: 'REASON_FRAMEWORK_REMOVED',
    message,
    nowMs: ctx.now(),
    agentId: task.agentId,
    executorId: task.executorId,
  });
  task.state = 'TASK_KILLED';
  task.statuses.push(status);
  ctx.counters.transition('TASK_KILLED');
  return task;
}

/**
 * Admits a framework this master never saw, known from an agent's report or a resubscription
 * after a master failover (Mesos `recoverFramework`): inactive and disconnected until it
 * subscribes.
 */
export function recoverFramework(
  ctx: MasterContext,
  info: FrameworkInfo & { readonly id: FrameworkID },
): FrameworkRecord {
  const roles = rolesOf(info);
  const framework: FrameworkRecord = {
    id: info.id.value,
    frameworkId: info.id,
    info,
    roles: roles.length > 0 ? roles : [UNRESERVED_ROLE],
    allocatorRoles: new Set(roles.length > 0 ? roles : [UNRESERVED_ROLE]),
    suppressedRoles: new Set(),
    address: undefined,
    connected: false,
    active: false,
    recovered: true,
    registeredAtMs: undefined,
    reregisteredAtMs: undefined,
    heartbeatTimer: undefined,
    failoverTimer: undefined,
    offersMade: 0,
    offersDeclined: 0,
  };
  ctx.frameworks.add(framework);
  ctx.registrar.apply({ kind: 'admit-framework', id: framework.id });
  addToAllocator(ctx, framework, usedResourcesOf(ctx, framework.id));
  ctx.trace('framework-recovered', { framework: framework.id });
  return framework;
}

/** Tells every registered agent the framework's current FrameworkInfo (Mesos `sendFrameworkUpdates`). */
export function sendFrameworkUpdates(ctx: MasterContext, framework: FrameworkRecord): void {
  for (const agent of ctx.agents.all()) {
    ctx.sendAgent(agent, {
      type: 'UPDATE_FRAMEWORK',
      framework_id: framework.frameworkId,
      framework_info: framework.info,
    });
  }
}
