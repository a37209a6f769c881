/**
 * The simulated world's {@link CommandRunner}: it does not run anything, it reads the command
 * text as sim-command.ts defines (`sleep 5`, `sleep 2; exit 3`, `sleep infinity`…) and reports
 * the exit through a timer on the agent's env at the time the command would end, so a task runs
 * for its scenario duration and can be made to fail.
 *
 * Kill: a shell and its `sleep` die of SIGTERM, so by default a killed command ends at once
 * with SIGTERM. `sigtermExitDelayMs` models a command that takes that long to die after
 * SIGTERM; if that is not before the grace period ends, it is SIGKILLed at the end of the grace
 * period, as Mesos's command executor escalates.
 *
 * Recovery: the command's end depends only on its text, its start and any kill, so a restarted
 * agent reattaches to it ({@link SimCommandRunner.recover}) as if it had run on, unseen, while
 * the agent was down: as a real command executor of a checkpointing framework does.
 */
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
import type { Env, TimerId } from '../../core/process.js';
import { type TimerKind, TimerMap } from '../../core/timer-table.js';
import type { Wire } from '../../core/wire.js';
import { parseSimCommand } from './sim-command.js';

/** Options of the {@link SimCommandRunner}. */
export interface SimCommandRunnerOptions {
  /** How long a command takes to die after SIGTERM (default 0: at once). */
  readonly sigtermExitDelayMs?: number;
}

/** The timer tag of a simulated command's end. */
export const SIM_COMMAND_TIMER_TAG = 'sim-command-exit';

/** The kinds of timer the runner sets on the agent's env: only a command's end. */
export const SIM_COMMAND_TIMERS = [SIM_COMMAND_TIMER_TAG] as const;

interface Run {
  readonly handle: CommandHandle;
  /** The one pending timer that will end the command, if any (none for `sleep infinity`). */
  timer: TimerId | undefined;
  termination: CommandTermination | undefined;
  killing: boolean;
}

/** Runs command tasks in the simulated world (see the module comment). */
export class SimCommandRunner implements CommandRunner {
  readonly #sigtermExitDelayMs: number;
  readonly #runs = new Map<number, Run>();
  readonly #byTimer = new TimerMap<TimerKind<typeof SIM_COMMAND_TIMERS>, Run>(SIM_COMMAND_TIMERS);
  #nextId = 1;

  constructor(options: SimCommandRunnerOptions = {}) {
    this.#sigtermExitDelayMs = options.sigtermExitDelayMs ?? 0;
    if (!(this.#sigtermExitDelayMs >= 0)) throw new RangeError('sigtermExitDelayMs must be >= 0');
  }

  start(env: Env<Wire>, launch: CommandLaunch): CommandStart {
    return this.recover(env, launch, { startedAtMs: env.now(), kill: undefined });
  }

  /**
   * The command has been running since `history.startedAtMs` (a simulated command is a pure
   * function of its text and start, so it ran on unseen while the agent was down): its end is
   * reported at the time it would come, or at once if that has passed.
   */
  recover(env: Env<Wire>, launch: CommandLaunch, history: CommandHistory): CommandStart {
    const text = commandText(launch);
    const script = text === undefined ? undefined : parseSimCommand(text);
    if (script === undefined) {
      return { ok: false, message: `unsupported command in the simulated world: ${text ?? '(none)'}` };
    }
    const run: Run = {
      handle: { id: this.#nextId++ },
      timer: undefined,
      termination: undefined,
      killing: false,
    };
    this.#runs.set(run.handle.id, run);
    if (history.kill !== undefined) {
      this.#killAt(env, run, history.kill.atMs, history.kill.graceMs);
    } else if (Number.isFinite(script.durationMs)) {
      const endAtMs = history.startedAtMs + script.durationMs;
      this.#end(env, run, Math.max(0, endAtMs - env.now()), { kind: 'exited', code: script.code });
    }
    return { ok: true, handle: run.handle };
  }

  kill(env: Env<Wire>, handle: CommandHandle, gracePeriodMs: number): void {
    const run = this.#runs.get(handle.id);
    if (run === undefined || run.killing) return;
    this.#byTimer.cancel(env, run.timer);
    this.#killAt(env, run, env.now(), gracePeriodMs);
  }

  /** SIGTERM at `atMs`; SIGKILL at the end of the grace period if it has not died by then. */
  #killAt(env: Env<Wire>, run: Run, atMs: number, gracePeriodMs: number): void {
    run.killing = true;
    const grace = Math.max(0, gracePeriodMs);
    const [afterMs, termination]: [number, CommandTermination] =
      this.#sigtermExitDelayMs < grace
        ? [this.#sigtermExitDelayMs, { kind: 'signaled', signal: 'SIGTERM' }]
        : [grace, { kind: 'signaled', signal: 'SIGKILL' }];
    this.#end(env, run, Math.max(0, atMs + afterMs - env.now()), termination);
  }

  onTimer(_env: Env<Wire>, _tag: string, id: TimerId): TimerReport<CommandExit> {
    const run = this.#byTimer.take(id)?.value;
    if (run === undefined) return NOT_MINE;
    this.#runs.delete(run.handle.id);
    return {
      kind: 'report',
      value: { handle: run.handle, termination: run.termination as CommandTermination },
    };
  }

  /** Commands started and not yet reported ended. */
  get running(): number {
    return this.#runs.size;
  }

  #end(env: Env<Wire>, run: Run, delayMs: number, termination: CommandTermination): void {
    run.termination = termination;
    run.timer = this.#byTimer.set(env, delayMs, SIM_COMMAND_TIMER_TAG, run);
  }
}

/**
 * The text sh would run: `value` for a shell command (the default); for `shell: false`, the
 * argv (`arguments`, whose first item is argv[0]) or else `value` alone.
 */
function commandText(launch: CommandLaunch): string | undefined {
  const c = launch.command;
  if (c.shell !== false) return c.value;
  if (c.arguments !== undefined && c.arguments.length > 0) return c.arguments.join(' ');
  return c.value;
}
