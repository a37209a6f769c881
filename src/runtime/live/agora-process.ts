/**
 * `agora master` and `agora agent` as child processes on this machine: what `agora live
 * --processes` runs its cluster on, and what the live tests start. A process is started with
 * its command line and is up when its stderr says so (`listening on …`, `agora agent: …`); it
 * is killed with SIGKILL (a crash: no last words, its work dir stays) and started again with the
 * same command line, so it recovers from the same work dir (a master its registry, an agent its
 * checkpoint).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `agora` entry point (bin/agora.js), found from this file's place in the tree. */
export const AGORA_BIN = fileURLToPath(new URL('../../../bin/agora.js', import.meta.url));

/** How to start an `agora` process. */
export interface AgoraProcessOptions {
  /** Give up (and kill it) if it has not said it is up by then. */
  readonly timeoutMs?: number;
  /** Flags for node itself, before the script (`--cpu-prof`, say). */
  readonly nodeArgs?: readonly string[];
  /** Every line it writes on stderr, as it comes (after it is up as well). */
  readonly onLine?: (line: string) => void;
}

/** A started `agora` process and the line that said it was up. */
export interface AgoraProcess {
  readonly child: ChildProcess;
  /** What it printed on stderr so far. */
  readonly stderr: () => string;
  /** The match of the `ready` pattern on its stderr. */
  readonly match: RegExpExecArray;
}

/**
 * Runs `agora <args>` and resolves when its stderr matches `ready`; rejects, with what it
 * printed, if it exits first or says nothing of the kind within `timeoutMs` (default 60 s:
 * starting through tsx is slow on a busy machine).
 */
export function startAgoraProcess(
  args: readonly string[],
  ready: RegExp,
  options: AgoraProcessOptions = {},
): Promise<AgoraProcess> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), AGORA_BIN, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  let partial = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    err += text;
    if (options.onLine === undefined) return;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) options.onLine(line);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agora ${args.join(' ')} did not start in ${timeoutMs} ms:\n${err}`));
    }, timeoutMs);
    const onData = () => {
      const match = ready.exec(err);
      if (match === null) return;
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      resolve({ child, stderr: () => err, match });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      reject(new Error(`agora ${args.join(' ')} exited with ${code ?? signal}:\n${err}`));
    };
    child.stderr?.on('data', onData);
    child.on('exit', onExit);
  });
}

/** SIGKILLs `child` (a crash) and resolves once it is gone. */
export function killHard(child: ChildProcess): Promise<void> {
  return signalAndWait(child, 'SIGKILL');
}

/** SIGTERMs `child` (an orderly stop) and resolves once it is gone. */
export function stopGently(child: ChildProcess): Promise<void> {
  return signalAndWait(child, 'SIGTERM');
}

function signalAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** The pattern `agora master` prints when it is up; group 1 is its URL. */
export const MASTER_READY = /listening on (https?:\/\/\S+)/u;

/** The pattern `agora agent` prints when it is up; group 1 its address, group 2 its port. */
export const AGENT_READY = /agora agent: (agent@\S+) \(listening on port (\d+)/u;
