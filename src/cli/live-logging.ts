/**
 * The log of `agora master` and `agora agent`: `--log-level` and `--quiet`, the lines made from
 * their processes' trace events (runtime/live/event-lines.ts), and the agent's report of a
 * master it cannot reach: where, why, and when it tries again (one line per registration
 * attempt, so as often as the registration backoff allows: 1 s doubling to 1 min).
 */
import type { Command } from '@commander-js/extra-typings';
import type { TraceEvent } from '../core/process.js';
import { eventLine } from '../runtime/live/event-lines.js';
import { type Logger, lineLogger, parseLogLevel } from '../runtime/live/logger.js';
import type { Output } from './main.js';
import { UsageError } from './usage-error.js';

/** The logging flags a live server command takes. */
export interface LogFlags {
  readonly logLevel?: string;
  readonly quiet?: true;
}

/** Adds `--log-level` and `--quiet` to a live server command. */
export function withLogOptions<C extends Command<never[], Record<string, unknown>>>(command: C): C {
  command
    .option(
      '--log-level <level>',
      'least severe lines logged: debug (every task state and registration attempt), info (registrations, ' +
        'subscriptions, launches, terminal states, agent loss, failovers), warning or error (Mesos --logging_level)',
      'info',
    )
    .option('--quiet', 'log errors only (the line saying where it listens is still printed)');
  return command;
}

/** The logger the flags ask for, writing to stderr. */
export function loggerFromFlags(component: string, flags: LogFlags, output: Output): Logger {
  const level = parseLogLevel(flags.logLevel ?? 'info');
  if (!level.ok) throw new UsageError(level.error);
  return lineLogger({
    component,
    level: level.value,
    ...(flags.quiet === true ? { quiet: true } : {}),
    write: (line) => output.err(line),
  });
}

/** Logs the trace events that have a line. */
export function traceToLog(logger: Logger): (event: TraceEvent) => void {
  return (event) => {
    const line = eventLine(event);
    if (line !== undefined) logger.log(line.level, line.text);
  };
}

/**
 * Says why an unregistered agent keeps trying: each registration attempt that fails (the
 * connection refused, the master answering 503) is one warning with the master's URL, the
 * error, and the time to the next attempt; once registered, how many attempts failed.
 */
export class MasterRetryReport {
  readonly #logger: Logger;
  readonly #masterUrl: string;
  #registered = false;
  #retryInMs: number | undefined;
  /** The current attempt's failure was reported. */
  #reported = false;
  #failures = 0;

  constructor(logger: Logger, masterUrl: string) {
    this.#logger = logger;
    this.#masterUrl = masterUrl;
  }

  /** The agent's trace events (registration progress). */
  trace(event: TraceEvent): void {
    switch (event.kind) {
      case 'agent.master-detected':
        this.#registered = false;
        return;
      case 'agent.register-sent':
        this.#retryInMs = typeof event.retryInMs === 'number' ? event.retryInMs : undefined;
        this.#reported = false;
        return;
      case 'agent.registered':
      case 'agent.reregistered':
        this.#registered = true;
        if (this.#failures > 0) {
          this.#logger.info(
            `reached the master at ${this.#masterUrl} after ${this.#failures} failed attempt(s)`,
          );
        }
        this.#failures = 0;
        return;
      default:
        return;
    }
  }

  /** A message to the master failed, for `why`. */
  failed(why: string): void {
    if (this.#registered || this.#reported) return;
    this.#reported = true;
    this.#failures++;
    const next =
      this.#retryInMs === undefined
        ? 'retrying with backoff'
        : `retrying in ${Number((this.#retryInMs / 1000).toFixed(1))} s`;
    this.#logger.warning(
      `cannot register with the master at ${this.#masterUrl}: ${why}; ${next} (attempt ${this.#failures} failed)`,
    );
  }
}
