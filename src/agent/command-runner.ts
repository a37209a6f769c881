/**
 * The capability that runs a command task's command for the built-in command executor, injected
 * so the agent's logic stays sans-IO. The simulated world uses its own runner
 * (src/runtime/sim/sim-command-runner.ts); live mode plugs in a child-process runner
 * (`/bin/sh -c <value>` in the sandbox, SIGTERM then SIGKILL after the grace period).
 *
 * Contract:
 * - `start` returns at once, with a handle or the reason the command cannot start.
 * - The runner reports the end of every started command exactly once (also after `kill`), and
 *   only through a timer it sets on the agent's env: when that timer fires the agent calls
 *   {@link CommandRunner.onTimer}, which answers with the exit. A live runner whose child exits
 *   sets a 0 ms timer from its exit callback; the agent still learns of the exit in its own
 *   event order, never from a callback running in the middle of a handler.
 * - `kill` sends SIGTERM, then SIGKILL if the command is still alive after `gracePeriodMs`
 *   (Mesos's command executor, src/launcher/executor.cpp `kill`/`escalated`). Killing a command
 *   that already ended, or killing twice, does nothing more.
 */
import type { CommandInfo } from '../core/messages/task-info.js';
import type { Env, TimerId } from '../core/process.js';
import type { Wire } from '../core/wire.js';
import type { TimerReport } from './timer-report.js';
import type { VolumeMount } from './volumes.js';

/** One command to run: a command task's `CommandInfo`, with what the agent prepared for it. */
export interface CommandLaunch {
  readonly frameworkId: string;
  readonly taskId: string;
  /** The task's command (`shell` defaults to true: `/bin/sh -c value`). */
  readonly command: CommandInfo;
  /** Environment variables: the MESOS_* ones the agent sets, then the command's own. */
  readonly environment: Readonly<Record<string, string>>;
  /** The sandbox directory (the command's working directory). */
  readonly sandbox: string;
  /** Who runs it: `CommandInfo.user`, else `FrameworkInfo.user`. */
  readonly user: string;
  /** Persistent volumes to show in the sandbox (volumes.ts); absent when the task uses none. */
  readonly volumes?: readonly VolumeMount[];
}

/** Names a started command; opaque to the agent, unique per runner. */
export interface CommandHandle {
  readonly id: number;
}

/** What `start` says. */
export type CommandStart =
  | { readonly ok: true; readonly handle: CommandHandle }
  | { readonly ok: false; readonly message: string };

/** How a command ended, as waitpid reports it. */
export type CommandTermination =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signaled'; readonly signal: SignalName };

/** The signals the agent deals in. */
export type SignalName = 'SIGTERM' | 'SIGKILL' | 'SIGINT' | 'SIGHUP' | 'SIGSEGV' | 'SIGABRT';

/** A command's end, as a runner reports it. */
export interface CommandExit {
  readonly handle: CommandHandle;
  readonly termination: CommandTermination;
}

/** A kill asked of a command: when (on the agent's clock) and with what grace period. */
export interface CommandKill {
  readonly atMs: number;
  readonly graceMs: number;
}

/** What a restarted agent knows of a command it started before it crashed. */
export interface CommandHistory {
  readonly startedAtMs: number;
  readonly kill: CommandKill | undefined;
}

/** Runs command tasks' commands (see the module comment for the contract). */
export interface CommandRunner {
  /** Starts a command. */
  start(env: Env<Wire>, launch: CommandLaunch): CommandStart;
  /**
   * Reattaches to a command an earlier incarnation of the agent started, which ran on while the
   * agent was down (Mesos's containerizer `recover`): it is reported ended, at once, if it ended
   * meanwhile. A runner that cannot (live children of a dead agent are not its children) leaves
   * this out, and the agent takes the command as gone.
   */
  recover?(env: Env<Wire>, launch: CommandLaunch, history: CommandHistory): CommandStart;
  /** SIGTERM now, SIGKILL after `gracePeriodMs` if it is still running. */
  kill(env: Env<Wire>, handle: CommandHandle, gracePeriodMs: number): void;
  /** A timer fired on the agent's env: is it this runner's, and does it report an exit? */
  onTimer(env: Env<Wire>, tag: string, id: TimerId): TimerReport<CommandExit>;
}

const SIGNALS: Readonly<Record<SignalName, { readonly number: number; readonly text: string }>> = {
  SIGHUP: { number: 1, text: 'Hangup' },
  SIGINT: { number: 2, text: 'Interrupt' },
  SIGABRT: { number: 6, text: 'Aborted' },
  SIGKILL: { number: 9, text: 'Killed' },
  SIGSEGV: { number: 11, text: 'Segmentation fault' },
  SIGTERM: { number: 15, text: 'Terminated' },
};

/**
 * The waitpid status word of a termination (`code << 8` for an exit, the signal number for a
 * signal), as Mesos puts in `ExitedExecutorMessage.status` and the FAILURE event.
 */
export function waitStatus(t: CommandTermination): number {
  return t.kind === 'exited' ? (t.code & 0xff) << 8 : SIGNALS[t.signal].number;
}

/**
 * Mesos's `WSTRINGIFY`: "exited with status 3", "terminated with signal Terminated". The command
 * executor prefixes it with "Command " in the task's terminal status message.
 */
export function describeTermination(t: CommandTermination): string {
  return t.kind === 'exited'
    ? `exited with status ${t.code}`
    : `terminated with signal ${SIGNALS[t.signal].text}`;
}

/** Whether the command succeeded (`WSUCCEEDED`: exited with status 0). */
export function succeeded(t: CommandTermination): boolean {
  return t.kind === 'exited' && t.code === 0;
}
