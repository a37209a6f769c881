/**
 * Which processes belong to a live agent, found again after the agent died (Linux `/proc`).
 *
 * Every process a live agent starts for a task or an executor carries, in its environment,
 * markers the task cannot override (they are set last): the agent's absolute work dir and the
 * container's sandbox. Its children inherit them, and it runs in a process group of its own. A
 * restarted agent, or the watchdog of a dead one (agent-watchdog.ts), finds its predecessor's
 * processes by scanning `/proc/<pid>/environ` for the work dir, as Mesos's containerizer finds
 * its containers again to recover them or to destroy them as orphans.
 *
 * A pid alone is not an identity: once a process ends, its pid may be given to another. A
 * process is therefore known by its pid *and* its start time (field 22 of `/proc/<pid>/stat`,
 * clock ticks since boot), and nothing is signalled without checking both.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The agent's absolute work dir: whose process this is. */
export const WORK_DIR_MARKER = 'AGORA_AGENT_WORK_DIR';
/** The container's sandbox: which task or executor it runs. */
export const CONTAINER_MARKER = 'AGORA_CONTAINER';
/** Set (to 1) on the commands a restarted agent reattaches to (checkpointing frameworks'). */
export const RECOVERABLE_MARKER = 'AGORA_RECOVERABLE';
/** Set (to the work dir) on an agent's watchdog, so the next agent can retire it. */
export const WATCHDOG_MARKER = 'AGORA_WATCHDOG';

/** A process as /proc shows it. */
export interface ProcessIdentity {
  readonly pid: number;
  /** Clock ticks after boot at which it started: with the pid, its identity. */
  readonly startTicks: number;
  readonly pgid: number;
  /** `R`, `S`, `Z` (a zombie: it has ended), … */
  readonly state: string;
}

/** A process carrying a work-dir marker. */
export interface MarkedProcess extends ProcessIdentity {
  /** Its {@link CONTAINER_MARKER}, if any. */
  readonly container: string | undefined;
  readonly recoverable: boolean;
  /** It is the watchdog of a work dir, not a task. */
  readonly watchdog: boolean;
  /** Its MESOS_EXECUTOR_ID (a command task's executor id is its task id). */
  readonly executorId: string | undefined;
}

/** What /proc says of `pid` now, or undefined if there is no such process. */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTicks = Number(fields[19]);
  const pgid = Number(fields[2]);
  if (!(Number.isFinite(startTicks) && Number.isFinite(pgid))) return undefined;
  return { pid, startTicks, pgid, state: fields[0] ?? '?' };
}

/** Whether the process `who` names is still running (same pid, same start, not a zombie). */
export function stillRunning(who: { readonly pid: number; readonly startTicks: number }): boolean {
  const now = processIdentity(who.pid);
  return now !== undefined && now.startTicks === who.startTicks && now.state !== 'Z' && now.state !== 'X';
}

/** The environment `pid` started with, or undefined if it cannot be read. */
function environmentOf(pid: number): Map<string, string> | undefined {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return undefined;
  }
  const env = new Map<string, string>();
  for (const entry of raw.split('\0')) {
    const at = entry.indexOf('=');
    if (at > 0) env.set(entry.slice(0, at), entry.slice(at + 1));
  }
  return env;
}

/**
 * Every running process marked as belonging to the agent whose work dir is `workDir` (its tasks,
 * executors and their children, and its watchdogs). Linux only; elsewhere, none.
 */
export function markedProcesses(workDir: string): MarkedProcess[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/u.test(name))
      .map(Number);
  } catch {
    return [];
  }
  const found: MarkedProcess[] = [];
  for (const pid of pids) {
    if (pid === process.pid) continue;
    const env = environmentOf(pid);
    if (env === undefined) continue;
    const watchdog = env.get(WATCHDOG_MARKER) === workDir;
    if (env.get(WORK_DIR_MARKER) !== workDir && !watchdog) continue;
    const identity = processIdentity(pid);
    if (identity === undefined || identity.state === 'Z') continue;
    found.push({
      ...identity,
      container: env.get(CONTAINER_MARKER),
      recoverable: env.get(RECOVERABLE_MARKER) === '1',
      watchdog,
      executorId: env.get('MESOS_EXECUTOR_ID'),
    });
  }
  return found;
}

/**
 * Sends `signal` to the process group led by `leader`, if the leader is still the process it
 * was (a reused pid is left alone). Returns whether it was sent.
 */
export function signalGroupOf(
  leader: { readonly pid: number; readonly startTicks: number },
  signal: NodeJS.Signals,
): boolean {
  if (!stillRunning(leader)) return false;
  try {
    process.kill(-leader.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGKILLs the process groups of `processes` (each group once). Used on what no agent owns: a
 * dead agent's tasks that nobody will recover. A group is signalled only while a member still
 * has the identity it was found with.
 */
export function killGroups(processes: readonly ProcessIdentity[]): number {
  const groups = new Map<number, ProcessIdentity[]>();
  for (const p of processes) groups.set(p.pgid, [...(groups.get(p.pgid) ?? []), p]);
  let killed = 0;
  for (const [pgid, members] of groups) {
    if (!members.some(stillRunning)) continue;
    try {
      process.kill(-pgid, 'SIGKILL');
      killed++;
    } catch {
      // Gone meanwhile.
    }
  }
  return killed;
}
