/**
 * `agora master --authenticate-http-readwrite` (Mesos's `--authenticate_http_readwrite`): the
 * operator API `/api/v1` then needs HTTP Basic credentials from `--credentials` (401 in the realm
 * `mesos-master-readwrite` without them), the scheduler API stays as its own flag says, and the
 * flag without `--credentials` is refused in one line. Run as a user runs it: a real master
 * process on loopback.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { send } from '../runtime/live/http-client.js';
import { killHard, startMaster } from '../runtime/live/processes.js';
import { runCli, tempDir } from './helpers.js';

function basic(principal: string, secret: string): string {
  return `Basic ${Buffer.from(`${principal}:${secret}`).toString('base64')}`;
}

function getHealth(url: string, headers: Record<string, string> = {}) {
  return send(`${url}/api/v1`, {
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: JSON.stringify({ type: 'GET_HEALTH' }),
  });
}

test('--authenticate-http-readwrite makes /api/v1 ask for credentials; without the flag it does not', async (t) => {
  const credentials = join(tempDir('readwrite'), 'credentials.json');
  writeFileSync(credentials, JSON.stringify({ credentials: [{ principal: 'ops', secret: 'ops-secret' }] }));
  chmodSync(credentials, 0o600);
  const guarded = await startMaster(0, ['--credentials', credentials, '--authenticate-http-readwrite']);
  const open = await startMaster(0, ['--credentials', credentials]);
  try {
    const anonymous = await getHealth(guarded.url);
    t.is(anonymous.status, 401);
    t.is(anonymous.headers['www-authenticate'], 'Basic realm="mesos-master-readwrite"');
    t.is((await getHealth(guarded.url, { Authorization: basic('ops', 'wrong') })).status, 401);
    const allowed = await getHealth(guarded.url, { Authorization: basic('ops', 'ops-secret') });
    t.is(allowed.status, 200, allowed.text);
    t.deepEqual(JSON.parse(allowed.text), { type: 'GET_HEALTH', get_health: { healthy: true } });
    // Read-only endpoints are not read-write ones: still open, as in Mesos.
    t.is((await send(`${guarded.url}/health`, { method: 'GET' })).status, 200);
    // Without the flag (Mesos's default, false), unauthenticated operator calls are allowed.
    t.is((await getHealth(open.url)).status, 200);
    t.notRegex(guarded.stderr(), /ops-secret/u, 'no secret in the logs');
  } finally {
    await killHard(guarded.child);
    await killHard(open.child);
  }
});

test('agora master --help explains --authenticate-http-readwrite; without --credentials it is refused', async (t) => {
  const help = await runCli('master', '--help');
  t.is(help.code, 0);
  const text = help.out.replace(/\s+/gu, ' ');
  t.regex(text, /--authenticate-http-readwrite read-write HTTP endpoints need HTTP Basic credentials/u);
  t.regex(text, /operator API \/api\/v1, every call \(Mesos --authenticate_http_readwrite;/u);
  const refused = await runCli('master', '--authenticate-http-readwrite');
  t.not(refused.code, 0);
  t.regex(
    refused.err,
    /--authenticate-http-readwrite: authentication requires a credentials file \(--credentials\)/u,
  );
});
