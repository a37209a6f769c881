/** Real `agora master` and `agora agent` processes for the live tests, on loopback. */

import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { patient } from '../../patience.js';

/** A started `agora` process and the line that said it was up. */
export interface Started {
  readonly child: ChildProcess;
  /** What it printed on stderr so far. */
  readonly stderr: () => string;
  readonly match: RegExpExecArray;
}

/**
 * Runs `agora <args>` and waits until stderr matches `ready` (giving up after `timeoutMs`
 * stretched by the test patience: starting through tsx is slow on a busy machine).
 */
export function startAgora(
  args: readonly string[],
  ready: RegExp,
  timeoutMs = patient(15_000),
): Promise<Started> {
  // AGORA_PROF_DIR=dir profiles every agora process started here (the benches use this too).
  const profile = process.env.AGORA_PROF_DIR;
  const node = profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`];
  const child = spawn(process.execPath, [...node, 'bin/agora.js', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agora ${args.join(' ')} did not start in ${timeoutMs} ms:\n${err}`));
    }, timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const match = ready.exec(err);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ child, stderr: () => err, match });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agora ${args.join(' ')} exited with ${code}:\n${err}`));
    });
  });
}

/** Starts a master; resolves with its URL. */
export async function startMaster(
  port: number,
  extra: readonly string[] = [],
): Promise<Started & { url: string }> {
  const started = await startAgora(
    ['master', '--port', String(port), ...extra],
    /listening on (https?:\/\/\S+)/u,
  );
  return { ...started, url: started.match[1] as string };
}

/** Starts an agent of `resources` for the master at `url` (`extra`: more flags). */
export function startAgent(
  url: string,
  workDir: string,
  resources = 'cpus:2;mem:512',
  extra: readonly string[] = [],
): Promise<Started> {
  return startAgora(
    [
      'agent',
      '--master',
      url.replace(/^http:\/\//u, ''),
      ...extra,
      '--port',
      '0',
      '--resources',
      resources,
      '--work-dir',
      workDir,
    ],
    /agora agent: (agent@\S+)/u,
  );
}

/** A port that was free a moment ago (to restart a master on the same one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** SIGKILLs `child` and waits for it to be gone. */
export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
