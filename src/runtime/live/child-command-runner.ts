/**
 * The live world's {@link CommandRunner}: command tasks run as real child processes, as Mesos's
 * command executor runs them (src/launcher/executor.cpp):
 *
 * - a shell command (the default) is `/bin/sh -c <value>`; `shell: false` runs `value` (or
 *   `arguments[0]`) with `arguments[1..]` directly;
 * - in the task's sandbox folder, created under the agent's work dir, with `stdout` and
 *   `stderr` files there capturing its output (Mesos's sandbox layout);
 * - with the MESOS_* variables the agent prepared and the command's own environment on top of
 *   the agent's `PATH`, `HOME`, `LANG` and `TZ` (so `sleep` and friends are found);
 * - in a process group of its own, so SIGTERM and, after the grace period, SIGKILL reach the
 *   shell's children too (`sh -c "sleep 100"` would otherwise leave the sleep running).
 *
 * Surviving the agent (with `workDir`; Mesos `--recover=reconnect`): every task process is marked
 * with the agent's work dir and its sandbox (task-processes.ts), so a restarted agent or the dead
 * agent's watchdog can find it. The tasks of checkpointing frameworks (`MESOS_CHECKPOINT=1`) run
 * under a supervisor that records their exit status (task-supervisor.ts); a restarted agent
 * {@link ChildCommandRunner.recover}s them: it reattaches to a supervisor still running (found
 * by pid and start time, never by pid alone) and checks it every `pollMs` (1 s, as libprocess's
 * reaper polls processes that are not its children), or reads the status of one that ended
 * while the agent was down. Other tasks are not recovered: the agent's watchdog kills them when
 * the agent dies, and a restarted agent kills whatever of them is left before it registers.
 *
 * Not enforced (written down, as the issue asks): resource limits (no cgroups: a task may use
 * more CPU or memory than it asked for), the task's `user` (commands run as the agent's user),
 * container images, and disk quotas. A task that leaves its process group (`setsid`) and clears
 * its environment escapes the agent's search, as it would escape Mesos's POSIX launcher.
 *
 * The exit reaches the agent through a 0 ms timer on its env, per the runner contract.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type {
  CommandExit,
  CommandHandle,
  CommandHistory,
  CommandLaunch,
  CommandRunner,
  CommandStart,
  CommandTermination,
} from '../../agent/command-runner.js';
import { NOT_MINE, type TimerReport } from '../../agent/timer-report.js';
import type { VolumeMount } from '../../agent/volumes.js';
import { assertNever } from '../../core/assert-never.js';
import type { Env, TimerId } from '../../core/process.js';
import { type TimerKind, TimerMap } from '../../core/timer-table.js';
import type { Wire } from '../../core/wire.js';
import { knownSignal, signalGroup, spawnInSandbox } from './child-process-group.js';
import {
  CONTAINER_MARKER,
  type MarkedProcess,
  RECOVERABLE_MARKER,
  signalGroupOf,
  stillRunning,
  WORK_DIR_MARKER,
} from './task-processes.js';
import { decodeShellStatus, exitStatusFile, parseExitStatus } from './task-supervisor.js';

/**
 * The kinds of timer the runner sets on the agent's env: a child's exit, reported through a
 * 0 ms timer, and the SIGKILL at the end of a kill's grace period.
 */
export const CHILD_COMMAND_TIMERS = ['child-command-exit', 'child-command-sigkill'] as const;

/** Options of a {@link ChildCommandRunner}. */
export interface ChildCommandRunnerOptions {
  /**
   * The agent's absolute work dir. With it, task processes are marked for recovery and the
   * checkpointing frameworks' tasks are supervised; without it, they are plain children.
   */
  readonly workDir?: string;
  /** How often reattached commands are checked for their end (default 1000 ms). */
  readonly pollMs?: number;
}

interface Run {
  readonly handle: CommandHandle;
  /** This agent's child (started here), or undefined for a reattached command. */
  readonly child: ChildProcess | undefined;
  /** A reattached command's supervisor: the leader of its process group. */
  readonly leader: { readonly pid: number; readonly startTicks: number } | undefined;
  /** Where its supervisor writes the exit status, if it is supervised. */
  readonly statusFile: string | undefined;
  termination: CommandTermination | undefined;
  escalation: TimerId | undefined;
  exited: boolean;
}

/** Runs command tasks as child processes (see the module comment). */
export class ChildCommandRunner implements CommandRunner {
  readonly #workDir: string | undefined;
  readonly #pollMs: number;
  readonly #runs = new Map<number, Run>();
  readonly #timers = new TimerMap<TimerKind<typeof CHILD_COMMAND_TIMERS>, Run>(CHILD_COMMAND_TIMERS);
  /** Supervisors of an earlier agent found running, by sandbox, until recovered. */
  readonly #adoptable = new Map<string, MarkedProcess>();
  /** Reattached commands still running, checked every `pollMs`. */
  readonly #watched = new Map<Run, Env<Wire>>();
  #poll: ReturnType<typeof setInterval> | undefined;
  #nextId = 1;

  constructor(options: ChildCommandRunnerOptions = {}) {
    this.#workDir = options.workDir;
    this.#pollMs = options.pollMs ?? 1_000;
    if (this.#workDir !== undefined)
      mkdirSync(dirname(exitStatusFile(this.#workDir, 'x')), { recursive: true });
  }

  /**
   * The processes of an earlier agent on this work dir that are still running: the supervisors
   * among them may be recovered (call before the agent starts).
   */
  adopt(found: readonly MarkedProcess[]): void {
    for (const p of found) {
      if (p.recoverable && p.pid === p.pgid && p.container !== undefined) this.#adoptable.set(p.container, p);
    }
  }

  start(env: Env<Wire>, launch: CommandLaunch): CommandStart {
    const workDir = this.#workDir;
    const recoverable = workDir !== undefined && launch.environment.MESOS_CHECKPOINT === '1';
    const statusFile = recoverable ? exitStatusFile(workDir, launch.sandbox) : undefined;
    const markers: Record<string, string> =
      workDir === undefined
        ? {}
        : {
            [WORK_DIR_MARKER]: workDir,
            [CONTAINER_MARKER]: launch.sandbox,
            ...(recoverable ? { [RECOVERABLE_MARKER]: '1' } : {}),
          };
    const linked = linkVolumes(launch.sandbox, launch.volumes ?? []);
    if (linked !== undefined) return { ok: false, message: linked };
    const started = spawnInSandbox(
      launch.command,
      launch.sandbox,
      { ...launch.environment, ...markers },
      statusFile,
    );
    if (!started.ok) return started;
    const child = started.child;
    const run = this.#add({ child, leader: undefined, statusFile });
    child.on('exit', (code, signal) => {
      // The supervisor exits with the task's `$?`, so its code reads as a shell status.
      const termination: CommandTermination =
        code !== null
          ? statusFile === undefined
            ? { kind: 'exited', code }
            : decodeShellStatus(code)
          : { kind: 'signaled', signal: knownSignal(signal) ?? 'SIGKILL' };
      this.#ended(env, run, termination);
    });
    // A program that cannot be started (shell: false, no such file) ends as a shell would say.
    child.on('error', () => this.#ended(env, run, { kind: 'exited', code: 127 }));
    return { ok: true, handle: run.handle };
  }

  /**
   * Reattaches to a command an earlier agent started (see the module comment): one still running
   * is watched until it ends; one that ended meanwhile is reported ended at once, with the status
   * its supervisor wrote (or SIGKILL, if it was being killed and left none).
   */
  recover(env: Env<Wire>, launch: CommandLaunch, history: CommandHistory): CommandStart {
    const workDir = this.#workDir;
    if (workDir === undefined) return { ok: false, message: 'this runner keeps no work dir to recover from' };
    const statusFile = exitStatusFile(workDir, launch.sandbox);
    const found = this.#adoptable.get(launch.sandbox);
    this.#adoptable.delete(launch.sandbox);
    if (found !== undefined && stillRunning(found)) {
      const run = this.#add({ child: undefined, leader: found, statusFile });
      this.#watch(env, run);
      // A kill asked before the crash goes on: SIGTERM again, SIGKILL once its grace is over.
      if (history.kill !== undefined) {
        this.kill(env, run.handle, Math.max(0, history.kill.atMs + history.kill.graceMs - env.now()));
      }
      return { ok: true, handle: run.handle };
    }
    const termination =
      readExitStatus(statusFile) ??
      (history.kill === undefined ? undefined : ({ kind: 'signaled', signal: 'SIGKILL' } as const));
    if (termination === undefined) {
      return {
        ok: false,
        message: 'its process is gone and left no exit status (the machine restarted, or it was killed)',
      };
    }
    const run = this.#add({ child: undefined, leader: undefined, statusFile });
    this.#ended(env, run, termination);
    return { ok: true, handle: run.handle };
  }

  kill(env: Env<Wire>, handle: CommandHandle, gracePeriodMs: number): void {
    const run = this.#runs.get(handle.id);
    if (run === undefined || run.exited || run.escalation !== undefined) return;
    this.#signal(run, 'SIGTERM');
    run.escalation = this.#timers.set(env, gracePeriodMs, 'child-command-sigkill', run);
  }

  onTimer(env: Env<Wire>, _tag: string, id: TimerId): TimerReport<CommandExit> {
    const fired = this.#timers.take(id);
    if (fired === undefined) return NOT_MINE;
    const run = fired.value;
    switch (fired.kind) {
      case 'child-command-sigkill':
        if (!run.exited) this.#signal(run, 'SIGKILL');
        return { kind: 'internal' };
      case 'child-command-exit':
        return this.#reportExit(env, run);
      default:
        return assertNever(fired.kind);
    }
  }

  #reportExit(env: Env<Wire>, run: Run): TimerReport<CommandExit> {
    this.#runs.delete(run.handle.id);
    this.#timers.cancel(env, run.escalation);
    // The agent knows the status now: its supervisor's file has served.
    if (run.statusFile !== undefined) rmSync(run.statusFile, { force: true });
    return {
      kind: 'report',
      value: { handle: run.handle, termination: run.termination as CommandTermination },
    };
  }

  /** Kills every command still running (the agent is shutting down). */
  killAll(): void {
    for (const run of this.#runs.values()) if (!run.exited) this.#signal(run, 'SIGKILL');
  }

  /** Stops checking reattached commands (the agent is gone; their supervisors run on). */
  stop(): void {
    if (this.#poll !== undefined) clearInterval(this.#poll);
    this.#poll = undefined;
    this.#watched.clear();
  }

  #add(parts: Pick<Run, 'child' | 'leader' | 'statusFile'>): Run {
    const run: Run = {
      handle: { id: this.#nextId++ },
      ...parts,
      termination: undefined,
      escalation: undefined,
      exited: false,
    };
    this.#runs.set(run.handle.id, run);
    return run;
  }

  #signal(run: Run, signal: NodeJS.Signals): void {
    if (run.child !== undefined) signalGroup(run.child, signal);
    else if (run.leader !== undefined) signalGroupOf(run.leader, signal);
  }

  #ended(env: Env<Wire>, run: Run, termination: CommandTermination): void {
    if (run.exited) return;
    run.exited = true;
    run.termination = termination;
    this.#watched.delete(run);
    this.#timers.set(env, 0, 'child-command-exit', run);
  }

  #watch(env: Env<Wire>, run: Run): void {
    this.#watched.set(run, env);
    if (this.#poll !== undefined) return;
    this.#poll = setInterval(() => {
      for (const [watched, e] of this.#watched) {
        if (watched.leader === undefined || stillRunning(watched.leader)) continue;
        const status = watched.statusFile === undefined ? undefined : readExitStatus(watched.statusFile);
        // A supervisor that left no status was SIGKILLed with its task.
        this.#ended(e, watched, status ?? { kind: 'signaled', signal: 'SIGKILL' });
      }
      if (this.#watched.size === 0) this.stop();
    }, this.#pollMs);
    this.#poll.unref();
  }
}

/** The exit status a supervisor wrote to `file`, if it wrote one. */
function readExitStatus(file: string): CommandTermination | undefined {
  try {
    return parseExitStatus(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Shows a task its persistent volumes: each volume's directory on the agent (created when new)
 * is linked into the sandbox at its container path, where Mesos bind-mounts it. Returns why not.
 */
function linkVolumes(sandbox: string, volumes: readonly VolumeMount[]): string | undefined {
  for (const v of volumes) {
    const target = join(sandbox, v.containerPath);
    try {
      mkdirSync(v.hostPath, { recursive: true });
      mkdirSync(dirname(target), { recursive: true });
      if (!existsSync(target)) symlinkSync(v.hostPath, target, 'dir');
    } catch (e) {
      return `cannot mount the persistent volume ${v.hostPath} at ${target}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return undefined;
}
