/**
 * Child processes in a sandbox, shared by the live command runner and executor launcher: the
 * sandbox folder with `stdout` and `stderr` files capturing the output, an environment of the
 * agent's `PATH`, `HOME`, `LANG` and `TZ` under the task's own variables, and a process group of
 * its own so that a signal reaches everything the command started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { SignalName } from '../../agent/command-runner.js';
import type { CommandInfo } from '../../core/messages/task-info.js';
import { SUPERVISOR_NAME, SUPERVISOR_SCRIPT } from './task-supervisor.js';

/** Variables of the agent's own environment a command inherits. */
const INHERITED = ['PATH', 'HOME', 'LANG', 'TZ'] as const;

/**
 * Starts `command` in `sandbox`; returns the child or why it could not start. With
 * `exitStatusFile`, the command runs under a supervisor that records its exit status there
 * (task-supervisor.ts), and the child is the supervisor.
 */
export function spawnInSandbox(
  command: CommandInfo,
  sandbox: string,
  environment: Readonly<Record<string, string>>,
  exitStatusFile?: string,
): { ok: true; child: ChildProcess } | { ok: false; message: string } {
  let stdout: number;
  let stderr: number;
  try {
    mkdirSync(sandbox, { recursive: true });
    stdout = openSync(join(sandbox, 'stdout'), 'a');
    stderr = openSync(join(sandbox, 'stderr'), 'a');
  } catch (e) {
    return {
      ok: false,
      message: `cannot prepare the sandbox ${sandbox}: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
  const [program, programArgs] =
    command.shell !== false
      ? ['/bin/sh', ['-c', command.value ?? '']]
      : [command.value ?? command.arguments?.[0] ?? '', (command.arguments ?? []).slice(1)];
  const [file, args] =
    exitStatusFile === undefined
      ? [program, programArgs]
      : ['/bin/sh', ['-c', SUPERVISOR_SCRIPT, SUPERVISOR_NAME, exitStatusFile, program, ...programArgs]];
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, environment);
  try {
    const child = spawn(file, args, { cwd: sandbox, env, stdio: ['ignore', stdout, stderr], detached: true });
    return { ok: true, child };
  } catch (e) {
    return { ok: false, message: `cannot start ${file}: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    closeSync(stdout);
    closeSync(stderr);
  }
}

/** Sends `signal` to the child's whole process group (nothing if it is gone). */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already: the exit event is on its way.
  }
}

const KNOWN_SIGNALS: readonly SignalName[] = ['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGSEGV', 'SIGABRT'];

/** Node's name of the signal a child died of, if it is one the agent reports. */
export function knownSignal(signal: NodeJS.Signals | null): SignalName | undefined {
  return KNOWN_SIGNALS.find((s) => s === signal);
}
