/**
 * The live commands' log: one line per thing that happened, with its time (UTC, milliseconds),
 * its level and who says it, as Mesos's glog lines carry (`I1205 01:23:45.678 ... master.cpp]`),
 * but spelled out for reading:
 *
 *     2026-12-05T01:23:45.678Z INFO    master: agent a1b2-S0 registered from agent@10.0.0.7:5051
 *
 * Levels are Mesos's (`--logging_level`: INFO, WARNING, ERROR) plus debug for the chatty ones
 * (every non-terminal task state, every registration attempt). A logger drops what is below its
 * level; `quiet` keeps only errors.
 */

/** The levels, least severe first. */
export const LOG_LEVELS = ['debug', 'info', 'warning', 'error'] as const;

/** How much a line matters. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where one component's lines go. */
export interface Logger {
  /** Whether lines of `level` are written (to skip building costly ones). */
  enabled(level: LogLevel): boolean;
  log(level: LogLevel, text: string): void;
  debug(text: string): void;
  info(text: string): void;
  warning(text: string): void;
  error(text: string): void;
}

/** How a {@link lineLogger} writes. */
export interface LoggerOptions {
  /** Who speaks: `master`, `agent`, `execute`. */
  readonly component: string;
  /** The least severe level written (default info). */
  readonly level?: LogLevel;
  /** Only errors (`--quiet`). */
  readonly quiet?: boolean;
  /** Writes one line (with its newline). */
  readonly write: (line: string) => void;
  /** The clock (default the wall clock). */
  readonly now?: () => number;
}

/** `--log-level`'s text as a level, or what was wrong with it. */
export function parseLogLevel(text: string): { ok: true; value: LogLevel } | { ok: false; error: string } {
  const level = LOG_LEVELS.find((l) => l === text.trim().toLowerCase());
  if (level !== undefined) return { ok: true, value: level };
  return { ok: false, error: `--log-level: expected one of ${LOG_LEVELS.join(', ')}, got "${text}"` };
}

/** A logger that writes formatted lines (see the module comment). */
export function lineLogger(options: LoggerOptions): Logger {
  const least = LOG_LEVELS.indexOf(options.quiet === true ? 'error' : (options.level ?? 'info'));
  const now = options.now ?? Date.now;
  const enabled = (level: LogLevel) => LOG_LEVELS.indexOf(level) >= least;
  const log = (level: LogLevel, text: string) => {
    if (enabled(level)) options.write(`${formatLogLine(now(), level, options.component, text)}\n`);
  };
  return {
    enabled,
    log,
    debug: (text) => log('debug', text),
    info: (text) => log('info', text),
    warning: (text) => log('warning', text),
    error: (text) => log('error', text),
  };
}

/** One line: time, level (padded so the texts line up), component, text on one line. */
export function formatLogLine(atMs: number, level: LogLevel, component: string, text: string): string {
  const oneLine = text.replace(/\s*\n\s*/gu, ' ');
  return `${new Date(atMs).toISOString()} ${level.toUpperCase().padEnd(7)} ${component}: ${oneLine}`;
}
