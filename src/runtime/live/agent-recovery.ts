/**
 * What a live agent does with its work dir before it starts (Mesos `Slave::recover` and the
 * containerizer's `recover`, docs/agent-recovery.md), so that a restarted agent either takes
 * its predecessor's tasks back or kills them, never leaves them running unowned:
 *
 * 1. It reads the checkpoint its predecessor wrote to `<work dir>/meta/agent.json` (the agent's
 *    AgentID and its checkpointing frameworks' tasks; src/agent/checkpoint.ts) and checks it: it
 *    must parse, and belong to an agent at the same address (the master refuses a reregistration
 *    from another one). With `--strict` (the default, as in Mesos) a bad checkpoint stops the
 *    agent with an error naming the file and the problem; with `--no-strict` the checkpoint is
 *    set aside (`agent.json.discarded`) and the agent starts afresh, as a new agent.
 * 2. It finds its predecessor's processes (task-processes.ts) and kills, at once, the process
 *    groups of every one it will not recover: tasks of frameworks that do not checkpoint,
 *    custom executors, tasks the checkpoint does not hold (launched just before the crash,
 *    before the write that held them was durable), and the dead agent's watchdog. Mesos's
 *    containerizer destroys such "orphan" containers during recovery likewise.
 * 3. What is left, the supervisors of the checkpointed commands, is handed to the command runner
 *    to reattach to once the agent recovers its checkpoint.
 *
 * `--recover=cleanup` ({@link cleanupAgentWorkDir}) kills everything the work dir's agent
 * started and removes the checkpoint, so that the next start registers a new agent; the
 * `agora agent` command then exits, as Mesos's agent does with `--recover=cleanup`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKPOINT_KEY, parseCheckpoint } from '../../agent/checkpoint.js';
import { storeFile } from './file-store.js';
import { killGroups, type MarkedProcess, markedProcesses } from './task-processes.js';

/** A checkpoint that cannot be recovered, with `--strict` (the agent refuses to start). */
export class RecoveryError extends Error {
  override readonly name = 'RecoveryError';
}

/** The folder of a live agent's own files (checkpoint, address, exit statuses, watchdog log). */
export function metaDir(workDir: string): string {
  return join(workDir, 'meta');
}

/** What recovery found and did. */
export interface PreparedRecovery {
  /** The predecessor's processes left running, for the command runner to reattach to. */
  readonly recoverable: readonly MarkedProcess[];
  /** Process groups killed because nothing will recover them. */
  readonly killed: number;
  /** Tasks in the checkpoint (0 without one). */
  readonly checkpointedTasks: number;
  /** Why the checkpoint was set aside, with `--no-strict`. */
  readonly discarded: string | undefined;
}

/** Prepares the recovery of the agent at `address` on absolute `workDir` (module comment). */
export function prepareAgentRecovery(workDir: string, address: string, strict: boolean): PreparedRecovery {
  const meta = metaDir(workDir);
  const earlier = existsSync(meta);
  mkdirSync(meta, { recursive: true });
  const file = storeFile(meta, CHECKPOINT_KEY);
  const addressFile = join(meta, 'address');
  const keep = new Set<string>();
  let checkpointedTasks = 0;
  let problem: string | undefined;
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') problem = (e as Error).message;
  }
  if (text !== undefined) {
    try {
      const checkpoint = parseCheckpoint(text);
      const recorded = existsSync(addressFile) ? readFileSync(addressFile, 'utf8').trim() : undefined;
      if (recorded !== undefined && recorded !== address) {
        problem = `it is the checkpoint of ${recorded}, not of ${address} (start the agent with the same --host and --port to recover it)`;
      } else {
        for (const fw of checkpoint.frameworks) {
          for (const e of fw.executors) {
            checkpointedTasks += e.tasks.length;
            if (e.command !== undefined) keep.add(e.command.launch.sandbox);
          }
        }
      }
    } catch (e) {
      problem = (e as Error).message;
    }
  }
  let discarded: string | undefined;
  if (problem !== undefined) {
    if (strict) {
      throw new RecoveryError(
        `${file}: ${problem}; to start afresh as a new agent, use --no-strict (or --recover=cleanup first)`,
      );
    }
    discarded = `${file}: ${problem}`;
    keep.clear();
    checkpointedTasks = 0;
    if (existsSync(file)) renameSync(file, `${file}.discarded`);
  }
  writeFileSync(addressFile, `${address}\n`);
  const found = earlier ? markedProcesses(workDir) : [];
  const recoverable = found.filter(
    (p) => !p.watchdog && p.recoverable && p.container !== undefined && keep.has(p.container),
  );
  const orphans = found.filter((p) => !recoverable.includes(p));
  return { recoverable, killed: killGroups(orphans), checkpointedTasks, discarded };
}

/**
 * `--recover=cleanup`: kills every process the agent of `workDir` started (and its watchdog)
 * and removes its checkpoint. Returns how many process groups were killed.
 */
export function cleanupAgentWorkDir(workDir: string): number {
  const killed = killGroups(markedProcesses(workDir));
  rmSync(storeFile(metaDir(workDir), CHECKPOINT_KEY), { force: true });
  return killed;
}
