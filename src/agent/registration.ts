/**
 * The agent's registration with the master and its health check of the master (Mesos
 * src/slave/slave.cpp `detected`, `doReliableRegistration`, `registered`, `reregistered`,
 * `ping`, `pingTimeout`; mesos.md §6.7, §7.2):
 * - On start, and whenever the master is re-detected, the agent becomes disconnected, pauses its
 *   status updates, waits a random time in [0, b) (b = the backoff factor, 1 s) and sends
 *   REGISTER_AGENT — or REREGISTER_AGENT with its tasks, executors and frameworks once it has an
 *   AgentID. Until the master answers it sends again after a random time in [0, min(b·2^n,
 *   1 min)] after the n-th attempt, as Mesos's `doReliableRegistration(maxBackoff * 2)` does.
 * - AGENT_REGISTERED / AGENT_REREGISTERED make it registered: it keeps its AgentID, resumes its
 *   status updates (every stream's head is sent again at once) and arms the ping timer with the
 *   master's `total_ping_timeout_seconds`, else 75 s.
 * - Every PING_AGENT is answered with PONG_AGENT (even while disconnected) and re-arms the timer.
 *   When the timer fires — no ping for that long — the agent re-detects the master and
 *   reregisters. A ping with `connected: false` while it thinks itself registered means the
 *   master lost it (a one-way partition): it reregisters at once.
 * - A broken connection to the master changes nothing by itself: Mesos's agent waits for its
 *   detector, and with a standalone master only the ping timeout tells it to reregister.
 * Mesos exits when the master answers with another AgentID; Agora's agent traces it and ignores
 * the answer (a simulated process cannot kill itself).
 */
import { assertNever } from '../core/assert-never.js';
import type { AgentMessage, MasterAgentConnection, ReconcileTasks } from '../core/messages/agent-protocol.js';
import type { ResourceJson } from '../core/messages/resources-json.js';
import type { Task } from '../core/messages/task.js';
import type { ExecutorInfo } from '../core/messages/task-info.js';
import type { Address } from '../core/process.js';
import type { FrameworkRecord, TaskRecord } from './book.js';
import { AGENT_CAPABILITIES, AGENT_VERSION, type AgentContext } from './context.js';
import { droppedOrLost, sendUnheldUpdate } from './status-updates.js';

/** Why the master is being (re-)detected. */
export type DetectionCause = 'start' | 'ping-timeout' | 'ping-disconnected' | 'detected';

/** Mesos `detected`: (re)starts registration after a random initial delay. */
export function detectMaster(ctx: AgentContext, cause: DetectionCause): void {
  const link = ctx.link;
  if (link.phase === 'terminating') return;
  link.phase = 'disconnected';
  ctx.updates.pause();
  ctx.timers.cancel(link.registrationTimer);
  const factor = ctx.options.registrationBackoffFactorMs;
  const delayMs = factor * ctx.env.random();
  ctx.trace('master-detected', { cause, master: ctx.options.masterAddress, delayMs });
  link.registrationTimer = ctx.timers.set(delayMs, 'registration', () => {
    link.registrationTimer = undefined;
    doReliableRegistration(ctx, factor * 2);
  });
}

/** Mesos `doReliableRegistration`: sends (RE)REGISTER_AGENT and schedules the next attempt. */
function doReliableRegistration(ctx: AgentContext, maxBackoffMs: number): void {
  const link = ctx.link;
  if (link.phase !== 'disconnected') return;
  const reregister = link.agentId !== undefined;
  ctx.sendMaster(reregister ? reregistration(ctx) : registration(ctx));
  const boundMs = Math.min(maxBackoffMs, ctx.options.registrationBackoffMaxMs);
  const delayMs = boundMs * ctx.env.random();
  ctx.trace('register-sent', { reregister, retryInMs: delayMs });
  link.registrationTimer = ctx.timers.set(delayMs, 'registration', () => {
    link.registrationTimer = undefined;
    doReliableRegistration(ctx, boundMs * 2);
  });
}

function registration(ctx: AgentContext): AgentMessage {
  return {
    type: 'REGISTER_AGENT',
    agent: ctx.agentInfo(),
    ...checkpointedResources(ctx),
    version: AGENT_VERSION,
    agent_capabilities: AGENT_CAPABILITIES.map((type) => ({ type })),
  };
}

/** The agent's reservations and volumes for its (re)registration (Mesos sends them in both). */
function checkpointedResources(ctx: AgentContext): { checkpointed_resources?: readonly ResourceJson[] } {
  const resources = ctx.checkpointedResources;
  return resources.length === 0 ? {} : { checkpointed_resources: resources };
}

/** REREGISTER_AGENT with everything the agent holds (Mesos `doReliableRegistration`). */
function reregistration(ctx: AgentContext): AgentMessage {
  const tasks: Task[] = [];
  const executors: ExecutorInfo[] = [];
  const frameworks = [];
  for (const fw of ctx.book.frameworks.values()) {
    frameworks.push(fw.info);
    for (const e of fw.executors.values()) {
      // Command executors are not reported, and their tasks carry no executor id: the master
      // knows command tasks by the absence of one (Mesos does the same).
      const executorId = e.kind === 'command' ? undefined : e.executorId;
      for (const t of e.queued.values())
        tasks.push(taskOf(ctx, fw, { info: t, state: 'TASK_STAGING' }, executorId));
      for (const t of e.launched.values()) tasks.push(taskOf(ctx, fw, t, executorId));
      for (const t of e.terminated.values()) tasks.push(taskOf(ctx, fw, t, executorId));
      if (e.kind !== 'command' && e.phase !== 'terminated') executors.push(e.info);
    }
  }
  return {
    type: 'REREGISTER_AGENT',
    agent: ctx.agentInfo(),
    ...checkpointedResources(ctx),
    ...(executors.length === 0 ? {} : { executor_infos: executors }),
    ...(tasks.length === 0 ? {} : { tasks }),
    ...(frameworks.length === 0 ? {} : { frameworks }),
    version: AGENT_VERSION,
    agent_capabilities: AGENT_CAPABILITIES.map((type) => ({ type })),
  };
}

/** A task as reported to the master (Mesos `protobuf::createTask` plus the update state). */
function taskOf(
  ctx: AgentContext,
  fw: FrameworkRecord,
  t: Pick<TaskRecord, 'info' | 'state'> & Partial<TaskRecord>,
  executorId: ExecutorInfo['executor_id'] | undefined,
): Task {
  const agentId = ctx.link.agentId ?? t.info.agent_id;
  return {
    name: t.info.name,
    task_id: t.info.task_id,
    framework_id: fw.frameworkId,
    ...(executorId === undefined ? {} : { executor_id: executorId }),
    agent_id: agentId,
    state: t.state,
    ...(t.info.resources === undefined ? {} : { resources: t.info.resources }),
    ...(t.statusUpdateState === undefined || t.statusUpdateUuid === undefined
      ? {}
      : { status_update_state: t.statusUpdateState, status_update_uuid: t.statusUpdateUuid }),
    ...(t.info.labels === undefined ? {} : { labels: t.info.labels }),
    ...(t.info.kill_policy === undefined ? {} : { kill_policy: t.info.kill_policy }),
    user: t.info.command?.user ?? fw.info.user,
  };
}

type Registered = Extract<AgentMessage, { type: 'AGENT_REGISTERED' }>;
type Reregistered = Extract<AgentMessage, { type: 'AGENT_REREGISTERED' }>;

/** AGENT_REGISTERED (Mesos `registered`). */
export function handleRegistered(ctx: AgentContext, msg: Registered): void {
  const link = ctx.link;
  switch (link.phase) {
    case 'disconnected':
      link.agentId = msg.agent_id;
      becomeRegistered(ctx, msg.connection);
      ctx.trace('registered', { agent: msg.agent_id.value });
      return;
    case 'registered':
      ctx.trace('registration-ignored', {
        agent: msg.agent_id.value,
        why: link.agentId?.value === msg.agent_id.value ? 'already registered' : 'registered with another id',
      });
      return;
    case 'terminating':
      ctx.trace('registration-ignored', { agent: msg.agent_id.value, why: 'terminating' });
      return;
    default:
      assertNever(link.phase, 'agent link phase');
  }
}

/** AGENT_REREGISTERED (Mesos `reregistered`), with the master's reconciliation requests. */
export function handleReregistered(ctx: AgentContext, msg: Reregistered): void {
  const link = ctx.link;
  if (link.agentId?.value !== msg.agent_id.value || link.phase === 'terminating') {
    ctx.trace('registration-ignored', {
      agent: msg.agent_id.value,
      why: link.phase === 'terminating' ? 'terminating' : 'reregistered with another id',
    });
    return;
  }
  if (link.phase === 'disconnected') {
    becomeRegistered(ctx, msg.connection);
    ctx.trace('reregistered', { agent: msg.agent_id.value });
  } else {
    ctx.trace('registration-ignored', { agent: msg.agent_id.value, why: 'already reregistered' });
  }
  for (const r of msg.reconciliations ?? []) reconcileTasks(ctx, r);
}

function becomeRegistered(ctx: AgentContext, connection: MasterAgentConnection | undefined): void {
  const link = ctx.link;
  link.phase = 'registered';
  ctx.timers.cancel(link.registrationTimer);
  link.registrationTimer = undefined;
  const seconds = connection?.total_ping_timeout_seconds;
  link.pingTimeoutMs = seconds === undefined ? ctx.options.masterPingTimeoutMs : seconds * 1000;
  ctx.updates.resume();
  armPingTimer(ctx);
}

/**
 * The master's list of tasks it believes are here: each one the agent does not hold is answered
 * TASK_LOST (TASK_DROPPED if partition-aware), REASON_RECONCILIATION, so the master cleans it up.
 * Known tasks need no answer: their own updates will reach the master.
 */
export function reconcileTasks(ctx: AgentContext, r: ReconcileTasks): void {
  const frameworkId = r.framework_id.value;
  for (const status of r.statuses ?? []) {
    if (ctx.book.executorOfTask(frameworkId, status.task_id.value) !== undefined) continue;
    ctx.trace('reconcile-unknown-task', { framework: frameworkId, task: status.task_id.value });
    sendUnheldUpdate(ctx, {
      frameworkId: r.framework_id,
      taskId: status.task_id,
      state: droppedOrLost(r.framework),
      source: 'SOURCE_AGENT',
      reason: 'REASON_RECONCILIATION',
      message: 'Reconciliation: task unknown to the agent',
    });
  }
}

/** PING_AGENT (Mesos `ping`): pong, re-arm the timer, reregister if the master lost us. */
export function handlePing(ctx: AgentContext, from: Address, connected: boolean): void {
  if (!connected && ctx.link.phase === 'registered') {
    ctx.trace('master-lost', { why: 'the master considers this agent disconnected' });
    detectMaster(ctx, 'ping-disconnected');
  }
  armPingTimer(ctx);
  ctx.env.send(from, { channel: 'agent', message: { type: 'PONG_AGENT' } });
}

/**
 * Pushes the master-ping deadline to `pingTimeoutMs` from now. Pings come every 15 s and the
 * deadline is 75 s, so rather than cancel and set a timer per ping, one timer runs to the
 * earliest deadline it may have to enforce and, when it fires early, re-arms for what is left:
 * the same detection time, at one timer per timeout instead of two timer operations per ping.
 */
function armPingTimer(ctx: AgentContext): void {
  const link = ctx.link;
  link.pingDeadlineMs = ctx.env.now() + link.pingTimeoutMs;
  // A running timer that fires at or before the new deadline will re-check it then.
  if (link.pingTimer !== undefined && link.pingTimerAtMs <= link.pingDeadlineMs) return;
  ctx.timers.cancel(link.pingTimer);
  schedulePingTimer(ctx, link.pingTimeoutMs);
}

function schedulePingTimer(ctx: AgentContext, delayMs: number): void {
  const link = ctx.link;
  const now = ctx.env.now();
  // Elided pings (core/process.ts HealthElision) keep coming until the next scheduled fault:
  // the deadline cannot pass before then, so there is nothing to look at until then.
  const health = ctx.env.health;
  const safeUntilMs = health?.pingDeadlineSafeUntilMs(ctx.options.masterAddress, link.pingTimeoutMs);
  const delay = safeUntilMs !== undefined && safeUntilMs - now > delayMs ? safeUntilMs - now : delayMs;
  if (delay === Number.POSITIVE_INFINITY) {
    link.pingTimer = undefined;
    link.pingTimerAtMs = Number.POSITIVE_INFINITY;
    return;
  }
  link.pingTimerAtMs = now + delay;
  link.pingTimer = ctx.timers.set(delay, 'master-ping-timeout', () => {
    link.pingTimer = undefined;
    countElidedPings(ctx);
    const leftMs = link.pingDeadlineMs - ctx.env.now();
    if (leftMs > 0) {
      schedulePingTimer(ctx, leftMs);
      return;
    }
    ctx.trace('master-lost', { why: `no ping for ${link.pingTimeoutMs} ms` });
    detectMaster(ctx, 'ping-timeout');
  });
}

/** Moves the ping deadline past the latest elided ping, as if it had arrived as a message. */
function countElidedPings(ctx: AgentContext): void {
  const link = ctx.link;
  const arrivedMs = ctx.env.health?.lastElidedPingMs(ctx.options.masterAddress);
  if (arrivedMs !== undefined && arrivedMs + link.pingTimeoutMs > link.pingDeadlineMs) {
    link.pingDeadlineMs = arrivedMs + link.pingTimeoutMs;
  }
}

/**
 * The world says elided pings stopped (the master removed this agent): the ping deadline,
 * which was left unwatched while they were sure to come, is watched again from now.
 */
export function reviewPingDeadline(ctx: AgentContext): void {
  const link = ctx.link;
  if (link.phase === 'terminating') return;
  if (link.pingTimer === undefined && link.pingTimerAtMs !== Number.POSITIVE_INFINITY) return;
  ctx.timers.cancel(link.pingTimer);
  link.pingTimer = undefined;
  countElidedPings(ctx);
  schedulePingTimer(ctx, Math.max(0, link.pingDeadlineMs - ctx.env.now()));
}

/** Stops registering and pinging (SHUTDOWN_AGENT or an orderly stop). */
export function stopRegistration(ctx: AgentContext): void {
  const link = ctx.link;
  link.phase = 'terminating';
  ctx.timers.cancel(link.registrationTimer);
  ctx.timers.cancel(link.pingTimer);
  link.registrationTimer = undefined;
  link.pingTimer = undefined;
}
