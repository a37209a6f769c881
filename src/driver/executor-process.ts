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
import { randomUuidBase64 } from '../core/messages/base64.js';
import type { AgentInfo } from '../core/messages/cluster-info.js';
import type { ExecutorEvent, ExecutorUpdate } from '../core/messages/executor.js';
import type { TaskInfo } from '../core/messages/task-info.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import type { Address, Env, Process, TimerId } from '../core/process.js';
import { executorCall, type Wire } from '../core/wire.js';
import { Backoff } from './backoff.js';
import { connectionClosed } from './connection.js';
import { DeferredWork } from './deferred.js';
import type { Executor, ExecutorDriver } from './executor.js';
import {
  type ExecutorCaller,
  executorMessageCall,
  executorSubscribeCall,
  executorUpdateCall,
} from './executor-calls.js';
import type { ResolvedExecutorDriverOptions } from './executor-options.js';
import type { DriverLifecycle } from './status.js';

const SUBSCRIBE_TAG = 'subscribe';
const RECOVERY_TAG = 'recovery-timeout';

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
  readonly #deferred = new DeferredWork();
  readonly #backoff: Backoff;
  /** Updates not acknowledged yet, by uuid, oldest first. */
  readonly #updates = new Map<string, ExecutorUpdate>();
  /** Launched tasks with no acknowledged update yet, by task id, oldest first. */
  readonly #tasks = new Map<string, TaskInfo>();
  #env: Env<Wire> | undefined;
  #started = false;
  #connected = false;
  #connectionOpen = false;
  #registered = false;
  /** SHUTDOWN was delivered: no more events. */
  #shutDown = false;
  #checkpoint: boolean;
  #agentInfo: AgentInfo | undefined;
  #subscribeTimer: TimerId | undefined;
  #recoveryTimer: TimerId | undefined;
  #attempts = 0;

  constructor(parts: ExecutorProcessParts) {
    this.#driver = parts.driver;
    this.#executor = parts.executor;
    this.#lifecycle = parts.lifecycle;
    this.#options = parts.options;
    this.#caller = { executorId: parts.options.executorId, frameworkId: parts.options.frameworkId };
    this.#checkpoint = parts.options.checkpoint;
    const maxMs = parts.options.subscriptionBackoffMaxMs;
    this.#backoff = new Backoff({ factorMs: maxMs, maxMs });
  }

  /** Whether the driver is subscribed to its agent. */
  get connected(): boolean {
    return this.#connected;
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
    if (this.#started) {
      throw new Error(
        'an ExecutorProcess runs once: the launcher must build a new driver for a new executor',
      );
    }
    this.#started = true;
    this.#env = env;
    this.#deferred.arm(env);
    if (this.#lifecycle.running) this.#startSubscribing();
  }

  onMessage(_env: Env<Wire>, from: Address, msg: Wire): void {
    if (msg.channel === 'executor-event' && from === this.#options.agent) {
      this.#receive(msg.event);
    } else if (msg.channel === 'link' && msg.exited === this.#options.agent) {
      this.#agentExited();
    } else if (msg.channel !== 'link') {
      this.#trace('message-ignored', { from, channel: msg.channel });
    }
  }

  onTimer(env: Env<Wire>, _tag: string, id: TimerId): void {
    if (this.#deferred.owns(id)) {
      this.#deferred.flush(env);
    } else if (id === this.#subscribeTimer) {
      this.#subscribeTimer = undefined;
      this.#attemptSubscribe();
    } else if (id === this.#recoveryTimer) {
      this.#recoveryTimer = undefined;
      this.#recoveryTimeout();
    }
  }

  /** The runtime stops the process: a RUNNING driver counts as aborted. */
  onStop(_env: Env<Wire>): void {
    if (this.#lifecycle.abort()) this.#trace('abort', { why: 'process stopped' });
    this.#halt();
    this.#connectionOpen = false;
    this.#env = undefined;
  }

  // ---- called by the driver

  /** `start()`: subscribe now, or as soon as the world starts the process. */
  begin(): void {
    if (this.#env !== undefined) this.#startSubscribing();
  }

  /** `stop()` / `abort()`: close the subscription; nothing else is sent. */
  end(why: 'stop' | 'abort'): void {
    this.#trace(why, { why });
    this.#halt();
    this.#close();
  }

  /** `sendStatusUpdate`: stamp, keep until acknowledged, send if subscribed. */
  update(status: TaskStatus): void {
    const env = this.#env;
    if (env === undefined) {
      this.#deferred.add(env, () => this.#lifecycle.running && this.update(status));
      return;
    }
    if (status.state === 'TASK_STAGING') {
      // Mesos exec.cpp `sendStatusUpdate`: abort, then `error`, from the driver's own process.
      this.#deferred.add(env, () => {
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
    if (this.#connected) this.#send(executorUpdateCall(this.#caller, update));
  }

  /** `sendFrameworkMessage` (dropped while not subscribed: best effort). */
  message(data: string): void {
    if (this.#connected) this.#send(executorMessageCall(this.#caller, data));
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
    if (!this.#connected) {
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
    }
  }

  #subscribed(subscribed: Extract<ExecutorEvent, { type: 'SUBSCRIBED' }>['subscribed']): void {
    if (this.#connected) {
      this.#trace('event-ignored', { type: 'SUBSCRIBED', why: 'already subscribed' });
      return;
    }
    this.#connected = true;
    this.#connectionOpen = true;
    this.#cancelTimer('subscribe');
    this.#cancelTimer('recovery');
    this.#agentInfo = subscribed.agent_info;
    this.#checkpoint = subscribed.framework_info.checkpoint ?? this.#checkpoint;
    if (!this.#registered) {
      this.#registered = true;
      this.#trace('registered', { agent: subscribed.agent_info.id?.value ?? null, attempts: this.#attempts });
      this.#executor.registered(
        this.#driver,
        subscribed.executor_info,
        subscribed.framework_info,
        subscribed.agent_info,
      );
    } else {
      this.#trace('reregistered', {
        agent: subscribed.agent_info.id?.value ?? null,
        attempts: this.#attempts,
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
    this.#connectionOpen = false;
    if (!this.#lifecycle.running || !this.#connected || this.#shutDown) return;
    this.#connected = false;
    this.#trace('disconnected', { checkpoint: this.#checkpoint });
    this.#executor.disconnected(this.#driver);
    if (!this.#lifecycle.running) return;
    if (!this.#checkpoint) {
      this.#shutdown('agent lost, framework not checkpointing');
      return;
    }
    const env = this.#env as Env<Wire>;
    this.#recoveryTimer = env.setTimer(this.#options.recoveryTimeoutMs, RECOVERY_TAG);
    this.#subscribeTimer = env.setTimer(
      this.#backoff.next(() => env.random()),
      SUBSCRIBE_TAG,
    );
  }

  #recoveryTimeout(): void {
    if (!this.#lifecycle.running || this.#connected || this.#shutDown) return;
    this.#shutdown('recovery timeout');
  }

  // ---- subscription

  #startSubscribing(): void {
    this.#cancelTimer('subscribe');
    this.#attempts = 0;
    this.#attemptSubscribe();
  }

  #attemptSubscribe(): void {
    const env = this.#env;
    if (env === undefined || !this.#lifecycle.running || this.#connected || this.#shutDown) return;
    this.#attempts++;
    this.#trace('subscribe', {
      attempt: this.#attempts,
      unacknowledgedTasks: this.#tasks.size,
      unacknowledgedUpdates: this.#updates.size,
    });
    this.#send(executorSubscribeCall(this.#caller, [...this.#tasks.values()], [...this.#updates.values()]));
    this.#connectionOpen = true;
    this.#subscribeTimer = env.setTimer(
      this.#backoff.next(() => env.random()),
      SUBSCRIBE_TAG,
    );
  }

  #cancelTimer(which: 'subscribe' | 'recovery'): void {
    const id = which === 'subscribe' ? this.#subscribeTimer : this.#recoveryTimer;
    if (id !== undefined) this.#env?.cancelTimer(id);
    if (which === 'subscribe') this.#subscribeTimer = undefined;
    else this.#recoveryTimer = undefined;
  }

  #halt(): void {
    this.#cancelTimer('subscribe');
    this.#cancelTimer('recovery');
    this.#deferred.clear(this.#env);
  }

  #close(): void {
    this.#connected = false;
    const env = this.#env;
    if (env === undefined || !this.#connectionOpen) return;
    this.#connectionOpen = false;
    env.send(this.#options.agent, connectionClosed(env.self));
  }

  #send(call: Parameters<typeof executorCall>[0]): void {
    this.#env?.send(this.#options.agent, executorCall(call));
  }

  #trace(kind: string, fields: Readonly<Record<string, unknown>>): void {
    this.#env?.trace({ kind: `executor.${kind}`, ...fields });
  }
}
