/** Real `agora master` and `agora agent` processes for the live tests, on loopback. */

import { createServer } from 'node:net';
import {
  AGENT_READY,
  type AgoraProcess,
  MASTER_READY,
  startAgoraProcess,
} from '../../../src/runtime/live/agora-process.js';
import { patient } from '../../patience.js';

export { killHard } from '../../../src/runtime/live/agora-process.js';

/** Master flags for fast health checks, so an agent's loss is noticed within a second or two. */
export const FAST_HEALTH_CHECKS: readonly string[] = [
  '--agent-ping-timeout',
  '0.3',
  '--max-agent-ping-timeouts',
  '2',
  '--allocation-interval',
  '0.1',
];

/** A started `agora` process and the line that said it was up. */
export type Started = AgoraProcess;

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
  const nodeArgs = profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`];
  return startAgoraProcess(args, ready, { timeoutMs, nodeArgs });
}

/** Starts a master; resolves with its URL. */
export async function startMaster(
  port: number,
  extra: readonly string[] = [],
): Promise<Started & { url: string }> {
  const started = await startAgora(['master', '--port', String(port), ...extra], MASTER_READY);
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
    AGENT_READY,
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
