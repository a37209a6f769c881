/**
 * `agora master --authenticate-http-readonly` and `agora agent --http-credentials` as a user runs
 * them: the read-only endpoints of both processes ask for HTTP Basic credentials, and the
 * agent still registers (its channel to the master is not a read-only endpoint).
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { basicAuthorization } from '../../src/runtime/live/http-basic.js';
import { eventually } from '../runtime/live/harness.js';
import { killHard, startAgent, startMaster } from '../runtime/live/processes.js';
import { tempDir } from './helpers.js';

test('the read-only endpoints of agora master and agora agent ask for the credentials they were given', async (t) => {
  const credentials = join(tempDir('readonly'), 'credentials');
  writeFileSync(credentials, 'reader let-me-read\n');
  chmodSync(credentials, 0o600);
  const master = await startMaster(0, ['--credentials', credentials, '--authenticate-http-readonly']);
  const agent = await startAgent(master.url, mkdtempSync(join(tmpdir(), 'agora-ro-')), 'cpus:1;mem:128', [
    '--http-credentials',
    credentials,
  ]);
  try {
    const auth = { authorization: basicAuthorization({ principal: 'reader', secret: 'let-me-read' }) };
    const agentUrl = `http://${(agent.match[1] as string).replace(/^agent@/u, '')}`;
    const status = (url: string, headers: Record<string, string> = {}) =>
      fetch(url, { headers }).then((r) => r.status);
    await eventually(
      async () =>
        (
          (await fetch(`${master.url}/master/state`, { headers: auth }).then((r) => r.json())) as {
            activated_slaves: number;
          }
        ).activated_slaves === 1,
      15_000,
      'the agent to register',
    );
    t.is(await status(`${master.url}/master/state`), 401);
    t.is(await status(`${master.url}/metrics/snapshot`), 401);
    t.is(await status(`${master.url}/master/health`), 200);
    t.is(await status(`${agentUrl}/state`), 401);
    t.is(await status(`${agentUrl}/state`, auth), 200);
    t.is(await status(`${agentUrl}/health`), 200);
  } finally {
    await killHard(agent.child);
    await killHard(master.child);
  }
});
