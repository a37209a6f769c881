/**
 * Where an executor runs and what it finds in its environment (Mesos src/slave/paths.cpp
 * `getExecutorRunPath`, src/slave/slave.cpp `executorEnvironment`; mesos.md §3). The agent does
 * no IO: these are the strings it hands to the command runner and the executor launcher, which
 * create the directory in live mode.
 */
import { idProblem } from '../core/messages/ids.js';
import type { CommandInfo } from '../core/messages/task-info.js';
import type { Address } from '../core/process.js';

/**
 * `<work_dir>/slaves/<agent>/frameworks/<framework>/executors/<executor>/runs/<container>`.
 * Every id was validated when its message was decoded (ids.ts `idProblem`, Mesos's `validateID`),
 * so none can climb out of the work dir; one that could is a bug, and is not let near the disk.
 */
export function sandboxPath(
  workDir: string,
  agentId: string,
  frameworkId: string,
  executorId: string,
  containerId: string,
): string {
  for (const [kind, id] of [
    ['agent', agentId],
    ['framework', frameworkId],
    ['executor', executorId],
    ['container', containerId],
  ] as const) {
    const problem = idProblem(id);
    if (problem !== undefined) throw new Error(`assertion failed: ${kind} id ${problem}`);
  }
  return `${workDir}/slaves/${agentId}/frameworks/${frameworkId}/executors/${executorId}/runs/${containerId}`;
}

/** What the MESOS_* variables are made of. */
export interface ExecutorEnvironment {
  readonly frameworkId: string;
  readonly executorId: string;
  readonly sandbox: string;
  readonly agentAddress: Address;
  readonly checkpoint: boolean;
  readonly shutdownGracePeriodMs: number;
  /** The command's own variables, set last (they win, as in Mesos). */
  readonly command: CommandInfo | undefined;
}

/** The environment an executor (or a command task) starts with. */
export function executorEnvironment(e: ExecutorEnvironment): Record<string, string> {
  const env: Record<string, string> = {
    MESOS_FRAMEWORK_ID: e.frameworkId,
    MESOS_EXECUTOR_ID: e.executorId,
    MESOS_DIRECTORY: e.sandbox,
    MESOS_SANDBOX: e.sandbox,
    MESOS_AGENT_ENDPOINT: e.agentAddress,
    MESOS_CHECKPOINT: e.checkpoint ? '1' : '0',
    MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: durationText(e.shutdownGracePeriodMs),
  };
  for (const v of e.command?.environment?.variables ?? []) {
    // Secrets are not modelled: a SECRET variable without a value is left out.
    if (v.value !== undefined) env[v.name] = v.value;
  }
  return env;
}

/** A duration as stout prints it: `5secs`, `1mins`, `500ms`. */
export function durationText(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}mins`;
  if (ms % 1000 === 0) return `${ms / 1000}secs`;
  return `${ms}ms`;
}
