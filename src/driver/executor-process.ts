/**
 * The executor driver's process (Mesos src/exec/exec.cpp `ExecutorProcess` for the v0 surface,
 * src/executor/executor.cpp for the v1 protocol): the world runs it at the executor's address
 * (chosen by the launcher); it subscribes to its agent, turns executor events into
 * {@link Executor} callbacks and the driver's calls into executor calls (mesos.md §3).
 *
 * - Subscription: SUBSCRIBE at start, repeated after a random delay in [0, backoff max] (2 s)
 *   until SUBSCRIBED arrives. The first SUBSCRIBED calls `registered`, later ones `reregistered`.
 * - Reliability: every update is kept, by uuid, until the agent's ACKNOWLEDGED for it arrives, and
 *   every launched task until an update of it is acknowledged; both lists go out again in the
 *   next SUBSCRIBE. An update sent while not subscribed is only kept, and goes out that way.
 * - Losing the agent (its connection closed): `disconnected`, then, for a checkpointing
 *   framework, resubscription until the recovery timeout (15 min), after which, or at once for
 *   any other framework, the executor is shut down (`shutdown` callback), as Mesos's executor
 *   library does.
 * - After SHUTDOWN no other event is delivered (Mesos's v0 driver marks itself aborted). The
 *   kill-after-grace-period of Mesos's v0 driver is left to the agent, which destroys an executor
 *   still there when the grace period ends.
 * - Calls are sent at once through the Env the process started with, from inside a callback or
 *   outside any handler alike (see scheduler-process.ts for why); `stop()` and `abort()` close the
 *   subscription (connection.ts).
 */
import { assertNever } from '../core/assert-never.js';
import { randomUuidBase64 } from '../core/messages/base64.js';
import type { AgentInfo } from '../core/messages/cluster-info.js';
import type { ExecutorEvent, ExecutorUpdate } from '../core/messages/executor.js';
import type { TaskInfo } from '../core/messages/task-info.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import type { Address, Env, Process, TimerId } from '../core/process.js';
import type { TimerKind } from '../core/timer-table.js';
import { executorCall, type Wire } from '../core/wire.js';
import type { Executor, ExecutorDriver } from './executor.js';
import {
  type ExecutorCaller,
  executorMessageCall,
  executorSubscribeCall,
  executorUpdateCall,
} from './executor-calls.js';
import type { ResolvedExecutorDriverOptions } from './executor-options.js';
import type { DriverLifecycle } from './status.js';
import { DriverSubscription, type SubscriptionTimer } from './subscription.js';

/** The executor process's own timer kinds, beside subscription.ts's `subscribe` and `deferred`. */
export const EXECUTOR_TIMERS = [
  /** A checkpointing framework's executor gives up on its lost agent (`recovery_timeout`). */
  'recovery-timeout',
] as const;

/** A kind of timer the executor process sets. */
export type ExecutorTimer = TimerKind<typeof EXECUTOR_TIMERS> | SubscriptionTimer;

/** What an {@link ExecutorProcess} is built from (the driver builds it). */
export interface ExecutorProcessParts {
  readonly driver: ExecutorDriver;
  readonly executor: Executor;
  readonly lifecycle: DriverLifecycle;
  readonly options: ResolvedExecutorDriverOptions;
}

/** The executor driver's process; see the module comment. */
export class ExecutorProcess implements Process<Wire> {
  readonly #driver: ExecutorDriver;
  readonly #executor: Executor;
  readonly #lifecycle: DriverLifecycle;
  readonly #options: ResolvedExecutorDriverOptions;
  readonly #caller: ExecutorCaller;
  readonly #link: DriverSubscription<TimerKind<typeof EXECUTOR_TIMERS>>;
  /** Updates not acknowledged yet, by uuid, oldest first. */
  readonly #updates = new Map<string, ExecutorUpdate>();
  /** Launched tasks with no acknowledged update yet, by task id, oldest first. */
  readonly #tasks = new Map<string, TaskInfo>();
  #registered = false;
  /** SHUTDOWN was delivered: no more events. */
  #shutDown = false;
  #checkpoint: boolean;
  #agentInfo: AgentInfo | undefined;
  #recoveryTimer: TimerId | undefined;

  constructor(parts: ExecutorProcessParts) {
    this.#driver = parts.driver;
    this.#executor = parts.executor;
    this.#lifecycle = parts.lifecycle;
    this.#options = parts.options;
    this.#caller = { executorId: parts.options.executorId, frameworkId: parts.options.frameworkId };
    this.#checkpoint = parts.options.checkpoint;
    // Mesos's executor library waits a uniform [0, max] before every resubscription.
    const maxMs = parts.options.subscriptionBackoffMaxMs;
    this.#link = new DriverSubscription({
      peer: parts.options.agent,
      scope: 'executor',
      lifecycle: parts.lifecycle,
      timers: EXECUTOR_TIMERS,
      runsOnce: 'an ExecutorProcess runs once: the launcher must build a new driver for a new executor',
      backoff: () => ({ factorMs: maxMs, maxMs }),
      subscribe: (attempt) => this.#sendSubscribe(attempt),
      mayAttempt: () => !this.#shutDown,
    });
  }

  /** Whether the driver is subscribed to its agent. */
  get connected(): boolean {
    return this.#link.connected;
  }

  /** The updates kept until acknowledged, oldest first. */
  get unacknowledgedUpdates(): readonly ExecutorUpdate[] {
    return [...this.#updates.values()];
  }

  /** The launched tasks with no acknowledged update yet, oldest first. */
  get unacknowledgedTasks(): readonly TaskInfo[] {
    return [...this.#tasks.values()];
  }

  onStart(env: Env<Wire>): void {
    this.#link.start(env);
    if (this.#lifecycle.running) this.#startSubscribing();
  }

  onMessage(_env: Env<Wire>, from: Address, msg: Wire): void {
    this.#link.route(
      from,
      msg,
      'executor-event',
      (m) => this.#receive(m.event),
      () => this.#agentExited(),
    );
  }

  onTimer(_env: Env<Wire>, _tag: string, id: TimerId): void {
    this.#link.fire(id);
  }

  /** The runtime stops the process: a RUNNING driver counts as aborted. */
  onStop(_env: Env<Wire>): void {
    this.#link.stop(() => this.#halt());
  }

  // ---- called by the driver

  /** `start()`: subscribe now, or as soon as the world starts the process. */
  begin(): void {
    if (this.#link.env !== undefined) this.#startSubscribing();
  }

  /** `stop()` / `abort()`: close the subscription; nothing else is sent. */
  end(why: 'stop' | 'abort'): void {
    this.#trace(why, { why });
    this.#halt();
    this.#link.close();
  }

  /** `sendStatusUpdate`: stamp, keep until acknowledged, send if subscribed. */
  update(status: TaskStatus): void {
    const env = this.#link.env;
    if (env === undefined) {
      this.#link.deferred.add(() => this.#lifecycle.running && this.update(status));
      return;
    }
    if (status.state === 'TASK_STAGING') {
      // Mesos exec.cpp `sendStatusUpdate`: abort, then `error`, from the driver's own process.
      this.#link.deferred.add(() => {
        if (!this.#lifecycle.running) return;
        this.#driver.abort();
        this.#executor.error(this.#driver, 'Attempted to send TASK_STAGING status update');
      });
      return;
    }
    const agentId = this.#agentInfo?.id;
    const update: ExecutorUpdate = {
      status: {
        ...status,
        source: 'SOURCE_EXECUTOR',
        executor_id: this.#options.executorId,
        ...(agentId === undefined ? {} : { agent_id: agentId }),
        timestamp: env.now() / 1000,
        uuid: randomUuidBase64(() => env.random()),
      },
    };
    const uuid = update.status.uuid as string;
    if (this.#updates.size < this.#options.limits.maxUnacknowledgedUpdates) {
      this.#updates.set(uuid, update);
    } else {
      this.#trace('update-not-kept', { task: status.task_id.value, state: status.state });
    }
    if (this.#link.connected) this.#send(executorUpdateCall(this.#caller, update));
  }

  /** `sendFrameworkMessage` (dropped while not subscribed: best effort). */
  message(data: string): void {
    if (this.#link.connected) this.#send(executorMessageCall(this.#caller, data));
    else this.#trace('call-dropped', { type: 'MESSAGE', why: 'not subscribed' });
  }

  // ---- events

  #receive(event: ExecutorEvent): void {
    if (!this.#lifecycle.running) {
      if (event.type !== 'HEARTBEAT')
        this.#trace('event-ignored', { type: event.type, why: 'driver not running' });
      return;
    }
    if (event.type === 'ERROR') {
      this.#trace('error', { message: event.error.message });
      this.#driver.abort();
      this.#executor.error(this.#driver, event.error.message);
      return;
    }
    if (this.#shutDown) {
      this.#trace('event-ignored', { type: event.type, why: 'shut down' });
      return;
    }
    if (event.type === 'SUBSCRIBED') {
      this.#subscribed(event.subscribed);
      return;
    }
    if (!this.#link.connected) {
      if (event.type !== 'HEARTBEAT')
        this.#trace('event-ignored', { type: event.type, why: 'not subscribed' });
      return;
    }
    this.#dispatch(event);
  }

  #dispatch(event: Exclude<ExecutorEvent, { type: 'ERROR' | 'SUBSCRIBED' }>): void {
    const driver = this.#driver;
    switch (event.type) {
      case 'LAUNCH':
        this.#launch(event.launch.task);
        return;
      case 'LAUNCH_GROUP':
        // The v0 API has no task groups: each task is launched on its own.
        for (const task of event.launch_group.task_group.tasks ?? []) {
          if (!this.#lifecycle.running || this.#shutDown) return;
          this.#launch(task);
        }
        return;
      case 'KILL':
        this.#executor.killTask(driver, event.kill.task_id);
        return;
      case 'ACKNOWLEDGED': {
        const { task_id, uuid } = event.acknowledged;
        this.#updates.delete(uuid);
        this.#tasks.delete(task_id.value);
        return;
      }
      case 'MESSAGE':
        this.#executor.frameworkMessage(driver, event.message.data);
        return;
      case 'SHUTDOWN':
        this.#shutdown('agent asked');
        return;
      case 'HEARTBEAT':
        return;
      default:
        assertNever(event, 'executor event type');
    }
  }

  #subscribed(subscribed: Extract<ExecutorEvent, { type: 'SUBSCRIBED' }>['subscribed']): void {
    if (this.#link.connected) {
      this.#trace('event-ignored', { type: 'SUBSCRIBED', why: 'already subscribed' });
      return;
    }
    this.#link.subscribed();
    this.#cancelRecoveryTimer();
    this.#agentInfo = subscribed.agent_info;
    this.#checkpoint = subscribed.framework_info.checkpoint ?? this.#checkpoint;
    if (!this.#registered) {
      this.#registered = true;
      this.#trace('registered', {
        agent: subscribed.agent_info.id?.value ?? null,
        attempts: this.#link.attempts,
      });
      this.#executor.registered(
        this.#driver,
        subscribed.executor_info,
        subscribed.framework_info,
        subscribed.agent_info,
      );
    } else {
      this.#trace('reregistered', {
        agent: subscribed.agent_info.id?.value ?? null,
        attempts: this.#link.attempts,
      });
      this.#executor.reregistered(this.#driver, subscribed.agent_info);
    }
  }

  #launch(task: TaskInfo): void {
    if (
      this.#tasks.size < this.#options.limits.maxUnacknowledgedTasks ||
      this.#tasks.has(task.task_id.value)
    ) {
      this.#tasks.set(task.task_id.value, task);
    } else {
      this.#trace('task-not-kept', { task: task.task_id.value });
    }
    this.#executor.launchTask(this.#driver, task);
  }

  /** Delivers SHUTDOWN (from the agent, or made up when the agent is lost for good). */
  #shutdown(why: string): void {
    this.#trace('shutdown', { why });
    this.#halt();
    this.#executor.shutdown(this.#driver);
    this.#shutDown = true;
  }

  #agentExited(): void {
    if (!this.#lifecycle.running || !this.#link.connected || this.#shutDown) return;
    this.#link.disconnected();
    this.#trace('disconnected', { checkpoint: this.#checkpoint });
    this.#executor.disconnected(this.#driver);
    if (!this.#lifecycle.running) return;
    if (!this.#checkpoint) {
      this.#shutdown('agent lost, framework not checkpointing');
      return;
    }
    this.#recoveryTimer = this.#link.setTimer(this.#options.recoveryTimeoutMs, 'recovery-timeout', () => {
      this.#recoveryTimer = undefined;
      this.#recoveryTimeout();
    });
    this.#link.retryLater();
  }

  #recoveryTimeout(): void {
    if (!this.#lifecycle.running || this.#link.connected || this.#shutDown) return;
    this.#shutdown('recovery timeout');
  }

  // ---- subscription

  #startSubscribing(): void {
    this.#link.startSubscribing();
  }

  /** One SUBSCRIBE, with the tasks and updates not acknowledged yet. */
  #sendSubscribe(attempt: number): void {
    this.#trace('subscribe', {
      attempt,
      unacknowledgedTasks: this.#tasks.size,
      unacknowledgedUpdates: this.#updates.size,
    });
    this.#send(executorSubscribeCall(this.#caller, [...this.#tasks.values()], [...this.#updates.values()]));
  }

  #cancelRecoveryTimer(): void {
    this.#link.cancelTimer(this.#recoveryTimer);
    this.#recoveryTimer = undefined;
  }

  /** Stops all activity: timers and deferred work (subscribed stays as it was). */
  #halt(): void {
    this.#link.cancelSubscribeTimer();
    this.#cancelRecoveryTimer();
    this.#link.deferred.clear();
  }

  #send(call: Parameters<typeof executorCall>[0]): void {
    this.#link.send(executorCall(call));
  }

  #trace(kind: string, fields: Readonly<Record<string, unknown>>): void {
    this.#link.trace(kind, fields);
  }
}
