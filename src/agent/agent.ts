/**
 * The Mesos agent as a sans-IO process (ARCHITECTURE.md §1; Mesos src/slave/slave.cpp). It
 * registers with the master and keeps registered (registration.ts), runs the tasks the master
 * sends — command tasks on a built-in command executor (command-executor.ts), others on custom
 * executors it launches and talks to over the v1 executor API (executor-link.ts) — and delivers
 * every task status update reliably, in order, through its status-update manager
 * (status-update-manager.ts, status-updates.ts). This class only dispatches.
 *
 * It touches the world only through its env and two injected capabilities:
 * - a {@link CommandRunner} runs command tasks' commands; the composition root chooses it (the
 *   simulated world's runner, src/runtime/sim/sim-command-runner.ts, makes `sleep 5` run 5 s of
 *   virtual time; the live agent's runs child processes), and there is no default;
 * - an {@link ExecutorLauncher} starts and destroys custom executors (none by default; the
 *   simulated world's harness supplies one that spawns executor processes).
 * Both report back only through timers they set on the agent's env (timer-report.ts), so every
 * input reaches the agent in the world's event order.
 *
 * The built-in command executor is modelled inside the agent: there is no `mesos-executor`
 * process, no registration round trip and no executor overhead (see command-executor.ts).
 *
 * Not enforced or not modelled — the agent only accounts:
 * - no isolation: no cgroups, no CPU shares or memory limits, no disk quotas, no network or PID
 *   namespaces, no container images; a task may use more than it was given (`limits` are
 *   ignored), and nothing kills it for exceeding its resources;
 * - no fetcher (`CommandInfo.uris` are not downloaded), no secrets, no health or other checks,
 *   no `max_completion_time`, no sandbox garbage collection, no oversubscription;
 * - no authentication with the master, no operator endpoints;
 * - task groups (RUN_TASK_GROUP) run on the default executor (default-executor.ts); a group for a
 *   custom executor is refused with TASK_FAILED.
 *
 * Crash semantics: with a durable store (`env.store`: the simulated world's disks) the agent
 * checkpoints its AgentID and its checkpointing frameworks' command tasks, commands and
 * unacknowledged updates (checkpoint.ts); restarted with `recover: 'reconnect'` (the default, as
 * in Mesos) it recovers them, reattaches to the commands and reregisters under its AgentID
 * (recovery.ts). Without a checkpoint (no store, a reboot that wiped it, `recover: 'cleanup'`)
 * a crash loses its memory and it registers again as a new agent with a new AgentID, as Mesos
 * does after a reboot (mesos.md §7.2). Custom executors of the old incarnation are not
 * reconnected; their calls are refused. An orderly stop shuts executors down and tells the
 * master (UNREGISTER_AGENT), as Mesos's `shutdown`.
 */

import { assertNever } from '../core/assert-never.js';
import type { AgentInfo } from '../core/messages/cluster-info.js';
import { type Address, type Env, HEALTH_WAKE_TAG, type Process, type TimerId } from '../core/process.js';
import type { Wire } from '../core/wire.js';
import type { FrameworkRecord } from './book.js';
import { CHECKPOINT_KEY, Checkpointer, parseCheckpoint } from './checkpoint.js';
import { commandExited } from './command-executor.js';
import type { CommandRunner } from './command-runner.js';
import { AgentContext } from './context.js';
import { type ExecutorLauncher, NoExecutorLauncher } from './executor-launcher.js';
import { executorLinkExited, handleExecutorCall, launcherExited } from './executor-link.js';
import { handleMasterMessage } from './master-messages.js';
import {
  type AgentV1Container,
  type AgentV1State,
  agentContainers,
  agentOperatorState,
} from './operator-state.js';
import { type AgentOptions, type ResolvedAgentOptions, resolveAgentOptions } from './options.js';
import { recoverCheckpoint } from './recovery.js';
import { detectMaster, reviewPingDeadline, stopRegistration } from './registration.js';
import { type AgentState, agentState } from './state.js';
import { STATUS_UPDATE_RETRY_TAG, StatusUpdateManager } from './status-update-manager.js';
import { forwardUpdate } from './status-updates.js';
import type { AgentTimer } from './timers.js';
import { type AgentUsage, agentUsage } from './usage.js';

/**
 * Events that never change what is checkpointed (pings, registration attempts, status-update
 * retries, which re-forward an update already recorded): the agent skips re-serialising its
 * checkpoint after them, most of its events in a quiet cluster. Missing a change here would
 * only delay its write to the next event; no update leaves before it is durable either way.
 */
const CHECKPOINT_NEUTRAL_TIMERS: ReadonlySet<string> = new Set<AgentTimer | typeof HEALTH_WAKE_TAG>([
  'registration',
  'master-ping-timeout',
  HEALTH_WAKE_TAG,
  STATUS_UPDATE_RETRY_TAG,
]);

/** The agent process. */
export class Agent implements Process<Wire> {
  readonly options: ResolvedAgentOptions;
  readonly #runner: CommandRunner;
  readonly #launcher: ExecutorLauncher;
  #ctx: AgentContext | undefined;

  constructor(options: AgentOptions) {
    this.options = resolveAgentOptions(options);
    this.#runner = options.commandRunner;
    this.#launcher = options.executorLauncher ?? new NoExecutorLauncher();
  }

  onStart(env: Env<Wire>): void {
    const o = this.options;
    const ctx = new AgentContext(env, o, this.#runner, this.#launcher, (c) => {
      return new StatusUpdateManager(
        {
          forward: (update) => forwardUpdate(c, update),
          setTimer: (delayMs, tag, action) => c.timers.set(delayMs, tag, action),
          cancelTimer: (id) => c.timers.cancel(id),
          trace: (kind, fields) => c.trace(kind, fields),
          tracing: c.tracing,
          isDurable: (update) => c.checkpointer?.isDurable(update) ?? true,
        },
        {
          retryMinMs: o.statusUpdateRetryMinMs,
          retryMaxMs: o.statusUpdateRetryMaxMs,
          maxStreams: o.limits.maxStatusUpdateStreams,
          maxUpdatesPerStream: o.limits.maxUpdatesPerStream,
        },
      );
    });
    this.#ctx = ctx;
    ctx.trace('started', { hostname: ctx.agentInfo().hostname, master: o.masterAddress });
    const store = env.store;
    if (store !== undefined) {
      const text = o.recover === 'reconnect' ? store.load(CHECKPOINT_KEY) : undefined;
      const checkpoint = text === undefined ? undefined : parseCheckpoint(text);
      if (checkpoint !== undefined) recoverCheckpoint(ctx, checkpoint);
      ctx.checkpointer = new Checkpointer(ctx, store, checkpoint);
    }
    detectMaster(ctx, 'start');
    ctx.checkpointer?.afterEvent();
  }

  onMessage(_env: Env<Wire>, from: Address, msg: Wire): void {
    const ctx = this.#context();
    this.#message(ctx, from, msg);
    if (!(msg.channel === 'agent' && msg.message.type === 'PING_AGENT')) ctx.checkpointer?.afterEvent();
  }

  #message(ctx: AgentContext, from: Address, msg: Wire): void {
    switch (msg.channel) {
      case 'agent':
        handleMasterMessage(ctx, from, msg.message);
        return;
      case 'executor-call':
        handleExecutorCall(ctx, from, msg.call);
        return;
      case 'link':
        this.#exited(ctx, msg.exited);
        return;
      case 'scheduler-call':
      case 'scheduler-event':
      case 'executor-event':
      case 'operator-call':
      case 'operator-answer':
        ctx.trace('message-ignored', { from, channel: msg.channel });
        return;
      default:
        assertNever(msg, 'wire channel');
    }
  }

  onTimer(env: Env<Wire>, tag: string, id: TimerId): void {
    const ctx = this.#context();
    this.#timer(ctx, env, tag, id);
    if (!CHECKPOINT_NEUTRAL_TIMERS.has(tag)) ctx.checkpointer?.afterEvent();
  }

  #timer(ctx: AgentContext, env: Env<Wire>, tag: string, id: TimerId): void {
    if (ctx.timers.fire(id)) return;
    if (tag === HEALTH_WAKE_TAG) {
      reviewPingDeadline(ctx);
      return;
    }
    const command = this.#runner.onTimer(env, tag, id);
    if (command.kind === 'report') commandExited(ctx, command.value);
    if (command.kind !== 'not-mine') return;
    const executor = this.#launcher.onTimer(env, tag, id);
    if (executor.kind === 'report') launcherExited(ctx, executor.value);
  }

  /** Mesos `Slave::shutdown` without a master asking: executors are told, then the master. */
  onStop(_env: Env<Wire>): void {
    const ctx = this.#context();
    const agentId = ctx.link.agentId;
    ctx.trace('stopping', { agent: agentId?.value });
    stopRegistration(ctx);
    for (const fw of ctx.book.frameworks.values()) {
      for (const e of fw.executors.values()) {
        if (e.command !== undefined)
          ctx.runner.kill(ctx.env, e.command.handle, ctx.options.executorShutdownGracePeriodMs);
        for (const run of e.group?.values() ?? [])
          ctx.runner.kill(ctx.env, run.handle, ctx.options.executorShutdownGracePeriodMs);
        ctx.sendExecutor(e, { type: 'SHUTDOWN' });
        if (e.launch !== undefined) ctx.launcher.kill(ctx.env, e.launch);
      }
    }
    if (agentId !== undefined) ctx.sendMaster({ type: 'UNREGISTER_AGENT', agent_id: agentId });
  }

  /** The AgentID the master gave, once registered. */
  get agentId(): string | undefined {
    return this.#context().link.agentId?.value;
  }

  /** Where the agent is with its master (acknowledgements count only while `registered`). */
  get phase(): AgentState['phase'] {
    return this.#context().link.phase;
  }

  /** A snapshot of what the agent holds. */
  state(): AgentState {
    return agentState(this.#context());
  }

  /**
   * The agent's frameworks as it holds them, for the live agent's Mesos-shaped `/state`
   * (src/runtime/live/agent-endpoints.ts), which reads them at once and keeps nothing. Not to
   * be changed by the caller.
   */
  frameworks(): readonly FrameworkRecord[] {
    return [...this.#context().book.frameworks.values()];
  }

  /**
   * A leading master was detected (Mesos `Slave::detected` from its ZooKeeper detector): the agent
   * registers anew, or reregisters with its id and tasks once it has one. Only the live root's
   * ZooKeeper detector calls it; a standalone master is re-detected by the ping timeout.
   */
  masterDetected(): void {
    if (this.#ctx !== undefined) detectMaster(this.#ctx, 'detected');
  }

  /** The state in the operator API v1's shapes (operator-state.ts). */
  operatorState(): AgentV1State {
    return agentOperatorState(this.#context());
  }

  /** Its containers as the operator API's GET_CONTAINERS lists them. */
  containers(): AgentV1Container[] {
    return agentContainers(this.#context());
  }

  /** Its AgentInfo (GET_AGENT). */
  info(): AgentInfo {
    return this.#context().agentInfo();
  }

  /** Its total and what its live tasks hold, but those `excluded` names (see {@link AgentUsage}). */
  usage(excluded?: (frameworkId: string, taskId: string) => boolean): AgentUsage {
    return agentUsage(this.#context().book, this.options.resources, excluded);
  }

  /** A peer's connection closed: an executor's (it is gone) or the master's (nothing to do). */
  #exited(ctx: AgentContext, address: Address): void {
    if (executorLinkExited(ctx, address)) return;
    if (address === ctx.options.masterAddress) {
      // Mesos `Slave::exited`: "Master disconnected! Waiting for a new master to be elected";
      // the ping timeout will make it reregister.
      ctx.trace('master-disconnected', { master: address });
    }
  }

  #context(): AgentContext {
    if (this.#ctx === undefined) throw new Error('assertion failed: the agent has not started');
    return this.#ctx;
  }
}
