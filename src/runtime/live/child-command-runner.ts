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
 * Not enforced (written down, as the issue asks): resource limits (no cgroups: a task may use
 * more CPU or memory than it asked for), the task's `user` (commands run as the agent's user),
 * container images, and disk quotas.
 *
 * The exit reaches the agent through a 0 ms timer on its env, per the runner contract.
 */
import type { ChildProcess } from 'node:child_process';
import type {
  CommandExit,
  CommandHandle,
  CommandLaunch,
  CommandRunner,
  CommandStart,
  CommandTermination,
} from '../../agent/command-runner.js';
import { NOT_MINE, type TimerReport } from '../../agent/timer-report.js';
import type { Env, TimerId } from '../../core/process.js';
import type { Wire } from '../../core/wire.js';
import { knownSignal, signalGroup, spawnInSandbox } from './child-process-group.js';

const EXIT_TAG = 'child-command-exit';
const ESCALATE_TAG = 'child-command-sigkill';

interface Run {
  readonly handle: CommandHandle;
  readonly child: ChildProcess;
  termination: CommandTermination | undefined;
  escalation: TimerId | undefined;
  exited: boolean;
}

/** Runs command tasks as child processes (see the module comment). */
export class ChildCommandRunner implements CommandRunner {
  readonly #runs = new Map<number, Run>();
  readonly #exitTimers = new Map<TimerId, Run>();
  readonly #escalations = new Map<TimerId, Run>();
  #nextId = 1;

  start(env: Env<Wire>, launch: CommandLaunch): CommandStart {
    const started = spawnInSandbox(launch.command, launch.sandbox, launch.environment);
    if (!started.ok) return started;
    const child = started.child;
    const run: Run = {
      handle: { id: this.#nextId++ },
      child,
      termination: undefined,
      escalation: undefined,
      exited: false,
    };
    this.#runs.set(run.handle.id, run);
    const ended = (termination: CommandTermination) => {
      if (run.exited) return;
      run.exited = true;
      run.termination = termination;
      this.#exitTimers.set(env.setTimer(0, EXIT_TAG), run);
    };
    child.on('exit', (code, signal) =>
      ended(
        code !== null
          ? { kind: 'exited', code }
          : { kind: 'signaled', signal: knownSignal(signal) ?? 'SIGKILL' },
      ),
    );
    // A program that cannot be started (shell: false, no such file) ends as a shell would say.
    child.on('error', () => ended({ kind: 'exited', code: 127 }));
    return { ok: true, handle: run.handle };
  }

  kill(env: Env<Wire>, handle: CommandHandle, gracePeriodMs: number): void {
    const run = this.#runs.get(handle.id);
    if (run === undefined || run.exited || run.escalation !== undefined) return;
    signalGroup(run.child, 'SIGTERM');
    run.escalation = env.setTimer(Math.max(0, gracePeriodMs), ESCALATE_TAG);
    this.#escalations.set(run.escalation, run);
  }

  onTimer(env: Env<Wire>, id: TimerId, _tag: string): TimerReport<CommandExit> {
    const escalated = this.#escalations.get(id);
    if (escalated !== undefined) {
      this.#escalations.delete(id);
      if (!escalated.exited) signalGroup(escalated.child, 'SIGKILL');
      return { kind: 'internal' };
    }
    const run = this.#exitTimers.get(id);
    if (run === undefined) return NOT_MINE;
    this.#exitTimers.delete(id);
    this.#runs.delete(run.handle.id);
    if (run.escalation !== undefined) {
      env.cancelTimer(run.escalation);
      this.#escalations.delete(run.escalation);
    }
    return {
      kind: 'report',
      value: { handle: run.handle, termination: run.termination as CommandTermination },
    };
  }

  /** Kills every command still running (the agent is shutting down). */
  killAll(): void {
    for (const run of this.#runs.values()) if (!run.exited) signalGroup(run.child, 'SIGKILL');
  }
}
