/**
 * The capability that starts and destroys custom executors (tasks whose `TaskInfo.executor` is
 * set), injected so the agent stays sans-IO; it plays the part of Mesos's containerizer
 * (`launch`, `destroy`, `wait`). In the simulated world the harness supplies one that spawns an
 * executor process in the SimWorld; live mode will start the executor's command as a child
 * process with the environment below. The executor then talks to the agent with `executor-call`
 * (SUBSCRIBE, UPDATE, MESSAGE) and hears `executor-event`s, mesos.md §3.
 *
 * Contract:
 * - `launch` returns at once, with a handle or why the container could not be started.
 * - The launcher reports the end of every launched executor exactly once, including after
 *   `kill`, and only through a timer it sets on the agent's env (see timer-report.ts): the
 *   agent then calls {@link ExecutorLauncher.onTimer}, which answers with the exit.
 * - `kill` destroys the container at once (SIGKILL), as `Containerizer::destroy` does; the
 *   graceful part of a shutdown (the SHUTDOWN event and the grace period) is the agent's.
 */
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import type { ExecutorInfo } from '../core/messages/task-info.js';
import type { Address, Env, TimerId } from '../core/process.js';
import type { Wire } from '../core/wire.js';
import type { TimerReport } from './timer-report.js';

/** One executor to start. */
export interface ExecutorLaunch {
  readonly frameworkId: string;
  readonly framework: FrameworkInfo;
  readonly executor: ExecutorInfo;
  /** A fresh container id (a UUID) for this run of the executor. */
  readonly containerId: string;
  /** The sandbox directory. */
  readonly sandbox: string;
  /** The MESOS_* variables of mesos.md §3 (and the executor command's own). */
  readonly environment: Readonly<Record<string, string>>;
  /** Where the executor sends its calls (`MESOS_AGENT_ENDPOINT` in live mode). */
  readonly agentAddress: Address;
}

/** Names a launched executor; opaque to the agent, unique per launcher. */
export interface ExecutorHandle {
  readonly id: number;
}

/** What `launch` says. */
export type ExecutorStart =
  | { readonly ok: true; readonly handle: ExecutorHandle }
  | { readonly ok: false; readonly message: string };

/** An executor's end: its waitpid status word, or -1 when unknown (as Mesos reports it). */
export interface ExecutorExit {
  readonly handle: ExecutorHandle;
  readonly status: number;
}

/** Starts and destroys custom executors (see the module comment for the contract). */
export interface ExecutorLauncher {
  /** Starts an executor in a new container. */
  launch(env: Env<Wire>, launch: ExecutorLaunch): ExecutorStart;
  /** Destroys the executor's container now. */
  kill(env: Env<Wire>, handle: ExecutorHandle): void;
  /** A timer fired on the agent's env: is it this launcher's, and does it report an exit? */
  onTimer(env: Env<Wire>, tag: string, id: TimerId): TimerReport<ExecutorExit>;
}

/** The default launcher: custom executors cannot start (their tasks fail to launch). */
export class NoExecutorLauncher implements ExecutorLauncher {
  launch(_env: Env<Wire>, _launch: ExecutorLaunch): ExecutorStart {
    return { ok: false, message: 'this agent has no executor launcher (custom executors are not supported)' };
  }

  kill(_env: Env<Wire>, _handle: ExecutorHandle): void {}

  onTimer(_env: Env<Wire>, _tag: string, _id: TimerId): TimerReport<ExecutorExit> {
    return { kind: 'not-mine' };
  }
}
