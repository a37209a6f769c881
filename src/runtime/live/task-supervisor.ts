/**
 * The supervisor of a recoverable command task: a few lines of `/bin/sh` between the agent and
 * the task, so that a task that ends while its agent is down still has its exit status read.
 *
 * Why: a restarted agent is not the parent of the commands its predecessor started (they were
 * reparented to init), so it cannot wait for them. Mesos solves this with an executor process
 * per task that owns the task and reconnects to the new agent. Agora's supervisor is the
 * smallest such owner: it runs the task as its child in the foreground, writes the task's exit
 * status to a file in the agent's work dir, and exits with that same status. While the agent
 * lives it learns the status from the supervisor's own exit, as from any child; a restarted
 * agent reattaches to the supervisor by pid and start time (task-processes.ts), polls it, and
 * reads the file once it is gone.
 *
 * The supervisor leads the task's process group, so the agent's SIGTERM and SIGKILL reach both.
 * It ignores SIGTERM, SIGINT and SIGHUP itself (a trap, which children do not inherit) so that it
 * outlives the task to record how it ended; SIGKILL takes both, and then no status is written
 * (whoever sent it knows). Cost: one `sh` per task, about a millisecond to start, and only for
 * checkpointing frameworks' tasks, the ones a restarted agent reattaches to. One window is left:
 * a SIGTERM in the instant between the supervisor's fork and the task's exec reaches a copy of
 * the supervisor, trap included, and the task does not start (it ends with status 0); it needs a
 * kill within a millisecond of the launch.
 *
 * A shell reports a command killed by signal N as status 128 + N, as does `$?`; the status is
 * read back the same way ({@link decodeShellStatus}): 143 is "terminated with signal Terminated".
 * A command that itself exits with 129–192 is therefore reported as killed by that signal, as a
 * shell would show it.
 */
import { basename, join } from 'node:path';
import type { CommandTermination, SignalName } from '../../agent/command-runner.js';

/** `sh -c SUPERVISOR_SCRIPT agora-supervisor <status file> <program> <args...>`. */
export const SUPERVISOR_SCRIPT = [
  's=$1',
  'shift',
  'trap : HUP INT TERM',
  '"$@"',
  'c=$?',
  'echo "$c" > "$s"',
  'exit "$c"',
].join('\n');

/** The name the supervisor runs under (its `$0`, shown by `ps`). */
export const SUPERVISOR_NAME = 'agora-supervisor';

/** Where the supervisor of the command in `sandbox` writes its exit status. */
export function exitStatusFile(workDir: string, sandbox: string): string {
  // The sandbox's last part is its container id, a UUID.
  return join(workDir, 'meta', 'exits', basename(sandbox));
}

const SIGNAL_NUMBERS: Readonly<Record<number, SignalName>> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  15: 'SIGTERM',
};

/** A shell's `$?` as a termination: 128 + N for a known signal N, else an exit status. */
export function decodeShellStatus(status: number): CommandTermination {
  const signal = status > 128 ? SIGNAL_NUMBERS[status - 128] : undefined;
  return signal === undefined ? { kind: 'exited', code: status & 0xff } : { kind: 'signaled', signal };
}

/** The status file's text as a termination, or undefined if it holds none (a torn write). */
export function parseExitStatus(text: string): CommandTermination | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,3}$/u.test(trimmed)) return undefined;
  return decodeShellStatus(Number(trimmed));
}
