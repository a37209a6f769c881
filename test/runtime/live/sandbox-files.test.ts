/**
 * The agent's /files endpoints serve the sandboxes and nothing else (sandbox-files.ts): Mesos's
 * virtual path of an executor's latest run resolves to its newest run folder, and any path that
 * leads outside `<work dir>/slaves` — by `..`, by a symbolic link, or by being elsewhere — is 403.
 */
import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { resolveSandboxPath } from '../../../src/runtime/live/sandbox-files.js';
import { tempDir } from '../../cli/helpers.js';

function workDir() {
  const dir = tempDir('sandbox');
  const runs = join(dir, 'slaves', 'A1', 'frameworks', 'F1', 'executors', 'E1', 'runs');
  mkdirSync(join(runs, 'old'), { recursive: true });
  mkdirSync(join(runs, 'new'), { recursive: true });
  writeFileSync(join(runs, 'old', 'stdout'), 'old run\n');
  writeFileSync(join(runs, 'new', 'stdout'), 'new run\n');
  utimesSync(join(runs, 'old'), new Date(1_000_000), new Date(1_000_000));
  mkdirSync(join(dir, 'meta'), { recursive: true });
  writeFileSync(join(dir, 'meta', 'secret'), 'token');
  symlinkSync('/etc', join(runs, 'new', 'etc'));
  return { dir, runs };
}

test('the virtual path of the latest run resolves to the newest run folder', (t) => {
  const { dir, runs } = workDir();
  const found = resolveSandboxPath(dir, 'A1', '/frameworks/F1/executors/E1/runs/latest/stdout');
  t.deepEqual(found, { kind: 'file', path: join(runs, 'new', 'stdout') });
  t.deepEqual(resolveSandboxPath(dir, 'A1', join(runs, 'old', 'stdout')), {
    kind: 'file',
    path: join(runs, 'old', 'stdout'),
  });
});

test('paths outside the sandboxes are refused with 403, missing ones with 404', (t) => {
  // 'file' and 'directory' are served (a directory only by /files/browse).
  const { dir, runs } = workDir();
  const status = (path: string, agent: { id: string | undefined } = { id: 'A1' }) => {
    const r = resolveSandboxPath(dir, agent.id, path);
    return r.kind === 'refused' ? r.status : r.kind;
  };
  t.is(status('/frameworks/F1/executors/E1/runs/latest/../../../../../../../../meta/secret'), 403);
  t.is(status('/frameworks/F1/executors/E1/runs/latest/etc/passwd'), 403, 'a symbolic link out');
  t.is(status(join(dir, 'meta', 'secret')), 403, 'the checkpoint');
  t.is(status('/etc/passwd'), 403);
  t.is(status(`${runs}/../../../../../../../meta/secret`), 403);
  t.is(status('/frameworks/F1/executors/E1/runs/latest/nothing'), 404);
  t.is(status('/frameworks/F9/executors/E1/runs/latest/stdout'), 404);
  t.is(
    status('/frameworks/F1/executors/E1/runs/latest/stdout', { id: undefined }),
    404,
    'before registering',
  );
  t.is(status('stdout'), 404, 'a relative path');
  t.is(status('/frameworks/F1/executors/E1/runs/latest'), 400, 'a directory, unless asked for');
});
