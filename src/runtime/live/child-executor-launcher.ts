/**
 * The live world's {@link ExecutorLauncher}: a custom executor (a task's `ExecutorInfo`) runs as
 * a child process of its command, in its sandbox with `stdout`/`stderr` captured, in a process
 * group of its own, with the MESOS_* environment of mesos.md §3 so that an executor built on the
 * v1 executor API (Agora's `liveExecutorDriver`, or Mesos's own libraries) finds its agent at
 * `MESOS_AGENT_ENDPOINT` (`host:port`). `kill` destroys it at once with SIGKILL, as Mesos's
 * containerizer does; the exit reaches the agent through a 0 ms timer, as the contract asks.
 * Extra variables given at construction (a TLS agent's `LIBPROCESS_SSL_*`) go to every executor,
 * and each executor gets its own signed token (executor-tokens.ts) in
 * `MESOS_EXECUTOR_AUTHENTICATION_TOKEN`, valid while its container runs.
 */
import type { ChildProcess } from 'node:child_process';
import { waitStatus } from '../../agent/command-runner.js';
import type {
  ExecutorExit,
  ExecutorHandle,
  ExecutorLaunch,
  ExecutorLauncher,
  ExecutorStart,
} from '../../agent/executor-launcher.js';
import { NOT_MINE, type TimerReport } from '../../agent/timer-report.js';
import type { Env, TimerId } from '../../core/process.js';
import { type TimerKind, TimerMap } from '../../core/timer-table.js';
import type { Wire } from '../../core/wire.js';
import { knownSignal, signalGroup, spawnInSandbox } from './child-process-group.js';
import { EXECUTOR_TOKEN_VARIABLE, type ExecutorClaims, type ExecutorTokens } from './executor-tokens.js';
import { CONTAINER_MARKER, WORK_DIR_MARKER } from './task-processes.js';

/** The kinds of timer the launcher sets on the agent's env: an executor's exit, through a 0 ms timer. */
export const CHILD_EXECUTOR_TIMERS = ['child-executor-exit'] as const;

/** Launches custom executors as child processes (see the module comment). */
export class ChildExecutorLauncher implements ExecutorLauncher {
  readonly #children = new Map<number, ChildProcess>();
  /** Whose each running child is: `framework/executor/container`. */
  readonly #running = new Map<number, string>();
  readonly #exits = new TimerMap<TimerKind<typeof CHILD_EXECUTOR_TIMERS>, ExecutorExit>(
    CHILD_EXECUTOR_TIMERS,
  );
  readonly #extraEnvironment: Readonly<Record<string, string>>;
  readonly #tokens: ExecutorTokens | undefined;
  readonly #workDir: string | undefined;
  readonly #agentEndpoint: string | undefined;
  #nextId = 1;

  /**
   * @param extraEnvironment variables every executor gets, under the task's own
   * @param options.tokens signs each executor's `MESOS_EXECUTOR_AUTHENTICATION_TOKEN`
   * @param options.workDir the agent's absolute work dir: executors are marked with it, so that
   *   the watchdog of a dead agent and a restarted agent find them (task-processes.ts)
   * @param options.agentEndpoint `host:port` where the agent listens, when its address names
   *   another port (an advertised one, forwarded to it): executors on its machine call it there
   */
  constructor(
    extraEnvironment: Readonly<Record<string, string>> = {},
    options: {
      readonly tokens?: ExecutorTokens;
      readonly workDir?: string;
      readonly agentEndpoint?: string;
    } = {},
  ) {
    this.#extraEnvironment = extraEnvironment;
    this.#tokens = options.tokens;
    this.#workDir = options.workDir;
    this.#agentEndpoint = options.agentEndpoint;
  }

  /** Whether the container the claims name runs now, for that framework's executor. */
  isRunning(claims: ExecutorClaims): boolean {
    const key = runKey(claims);
    for (const running of this.#running.values()) if (running === key) return true;
    return false;
  }

  launch(env: Env<Wire>, launch: ExecutorLaunch): ExecutorStart {
    const command = launch.executor.command;
    if (command === undefined) return { ok: false, message: 'the executor has no command' };
    const claims = {
      fid: launch.frameworkId,
      eid: launch.executor.executor_id.value,
      cid: launch.containerId,
    };
    const environment = {
      ...this.#extraEnvironment,
      ...launch.environment,
      // Mesos's form: host:port, not Agora's process address.
      MESOS_AGENT_ENDPOINT: this.#agentEndpoint ?? launch.agentAddress.replace(/^agent@/u, ''),
      // Executors are never recovered: a restarted agent kills what is left of them.
      ...(this.#workDir === undefined
        ? {}
        : { [WORK_DIR_MARKER]: this.#workDir, [CONTAINER_MARKER]: launch.sandbox }),
      // Last, so a framework cannot set it for its executor.
      ...(this.#tokens === undefined ? {} : { [EXECUTOR_TOKEN_VARIABLE]: this.#tokens.issue(claims) }),
    };
    const started = spawnInSandbox(command, launch.sandbox, environment);
    if (!started.ok) return started;
    const handle: ExecutorHandle = { id: this.#nextId++ };
    this.#children.set(handle.id, started.child);
    this.#running.set(handle.id, runKey(claims));
    let reported = false;
    const ended = (status: number) => {
      if (reported) return;
      reported = true;
      this.#children.delete(handle.id);
      this.#running.delete(handle.id);
      this.#exits.set(env, 0, 'child-executor-exit', { handle, status });
    };
    started.child.on('exit', (code, signal) => {
      const known = knownSignal(signal);
      // -1 when the status cannot be told, as Mesos reports it.
      if (code !== null) ended(waitStatus({ kind: 'exited', code }));
      else ended(known === undefined ? -1 : waitStatus({ kind: 'signaled', signal: known }));
    });
    started.child.on('error', () => ended(waitStatus({ kind: 'exited', code: 127 })));
    return { ok: true, handle };
  }

  kill(_env: Env<Wire>, handle: ExecutorHandle): void {
    const child = this.#children.get(handle.id);
    if (child !== undefined) signalGroup(child, 'SIGKILL');
  }

  onTimer(_env: Env<Wire>, _tag: string, id: TimerId): TimerReport<ExecutorExit> {
    const exit = this.#exits.take(id);
    return exit === undefined ? NOT_MINE : { kind: 'report', value: exit.value };
  }

  /** Kills every executor still running (the agent is shutting down). */
  killAll(): void {
    for (const child of this.#children.values()) signalGroup(child, 'SIGKILL');
  }
}

/** One run of one executor (ids hold no `/`, so the key is unambiguous). */
function runKey(claims: ExecutorClaims): string {
  return `${claims.fid}/${claims.eid}/${claims.cid}`;
}
