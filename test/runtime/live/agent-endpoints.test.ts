/**
 * The live agent's classic endpoints in Mesos's shapes (agent-endpoints.ts, sandbox-files.ts):
 * `/state` and `/slave(1)/state`, `/flags`, `/metrics/snapshot`, `/monitor/statistics` measured
 * from the task's real processes, and `/files/browse|read|download` confined to the sandboxes,
 * behind HTTP Basic authentication when the agent has `httpCredentials`.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { basicAuthorization } from '../../../src/runtime/live/http-basic.js';
import { eventually } from './harness.js';
import { probedCluster } from './probed-cluster.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON read from the endpoints, checked field by field
type Json = Record<string, any>;

const READER = { principal: 'reader', secret: 'let-me-read' };
const AUTH = { authorization: basicAuthorization(READER) };

const setup = probedCluster(
  'cpus:2;mem:512',
  [
    // Burns CPU so the statistics have something to measure, and writes a known text.
    {
      id: 'busy',
      command: 'printf 0123456789abcdef > data; while :; do :; done',
      settled: 'TASK_RUNNING',
    },
    { id: 'ok', command: 'echo hello', settled: 'TASK_FINISHED' },
  ],
  { agent: { httpCredentials: [READER] } },
).then((probed) => ({ ...probed, url: `http://127.0.0.1:${probed.agent.port}` }));

test.after.always(async () => (await setup).stop());

async function get(path: string): Promise<Json> {
  const { url } = await setup;
  const res = await fetch(`${url}${path}`, { headers: AUTH });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Json;
}

/** The sandbox directory of the executor of task `id` (a command task's executor has its id). */
async function sandboxOf(id: string): Promise<string> {
  const state = await get('/state');
  const executor = (state.frameworks[0].executors as Json[]).find((e) => e.id === id);
  if (executor === undefined) throw new Error(`no executor ${id}`);
  return executor.directory as string;
}

test('/state and /slave(1)/state (+ .json) in Mesos shape: resources, frameworks, executors, tasks', async (t) => {
  const { agent, cluster, prober } = await setup;
  for (const path of ['/state', '/state.json', '/slave(1)/state', '/slave(1)/state.json']) {
    const state = await get(path);
    t.is(state.id, agent.agent.agentId, path);
    t.is(state.pid, `slave(1)@127.0.0.1:${agent.port}`);
    t.is(state.hostname, '127.0.0.1');
    t.is(state.version, '1.11.0');
    t.deepEqual(state.resources, { cpus: 2, gpus: 0, mem: 512, disk: 0 });
    t.deepEqual(state.unreserved_resources, state.resources);
    t.deepEqual(state.reserved_resources, {});
    t.is(state.master_hostname, '127.0.0.1');
    t.is(state.flags.master, cluster.master.url);
    t.is(state.phase, 'registered', "Agora's own field");
    t.deepEqual(state.completed_frameworks, []);
  }
  const state = await get('/state');
  const [framework] = state.frameworks;
  t.like(framework, { id: prober.frameworkId, name: 'prober', user: 'tester', role: '*', checkpoint: false });
  const busy = (framework.executors as Json[]).find((e) => e.id === 'busy');
  t.like(busy, { id: 'busy', source: '' });
  t.regex(busy?.directory, /\/slaves\/.+\/frameworks\/.+\/executors\/busy\/runs\/[^/]+$/u);
  t.is(typeof busy?.container, 'string');
  t.like(busy?.resources, { cpus: 0.1, mem: 16 });
  t.deepEqual(
    ((busy?.tasks ?? []) as Json[]).map((task) => [task.id, task.state, task.framework_id, task.slave_id]),
    [['busy', 'TASK_RUNNING', prober.frameworkId, agent.agent.agentId]],
  );
  t.deepEqual(busy?.queued_tasks, []);
  t.deepEqual(busy?.completed_tasks, []);
});

test('/slave(1)/state?jsonp=… is JSONP, as the Mesos web UI reads an agent', async (t) => {
  const { url, agent } = await setup;
  const res = await fetch(`${url}/slave(1)/state?jsonp=JSON_CALLBACK`, { headers: AUTH });
  t.is(res.headers.get('content-type'), 'text/javascript');
  const body = await res.text();
  const state = JSON.parse(body.replace(/^JSON_CALLBACK\(/u, '').replace(/\);$/u, '')) as Json;
  t.is(state.id, agent.agent.agentId);
});

test('/flags answers the flags as Mesos prints them, at the top level and under /slave(1)', async (t) => {
  const { agent } = await setup;
  for (const path of ['/flags', '/slave(1)/flags']) {
    const { flags } = await get(path);
    t.like(flags, {
      port: String(agent.port),
      recover: 'reconnect',
      strict: 'true',
      executor_shutdown_grace_period: '5secs',
      authenticate_http_readonly: 'true',
      resources: 'cpus:2;mem:512',
    });
  }
});

test('/metrics/snapshot has slave/* names: tasks, executors, resources, and system/*', async (t) => {
  const m = await get('/metrics/snapshot');
  t.like(m, {
    'slave/registered': 1,
    'slave/frameworks_active': 1,
    'slave/tasks_running': 1,
    'slave/tasks_finished': 1,
    'slave/tasks_failed': 0,
    'slave/executors_running': 1,
    'slave/cpus_total': 2,
    'slave/cpus_used': 0.1,
    'slave/cpus_percent': 0.05,
    'slave/mem_total': 512,
    'slave/mem_used': 16,
    'slave/gpus_total': 0,
    'slave/cpus_revocable_total': 0,
    'slave/recovery_errors': 0,
  });
  t.true(m['slave/valid_status_updates'] >= 4, 'two tasks, two updates or more each');
  t.true(m['slave/uptime_secs'] > 0);
  t.is(typeof m['system/load_1min'], 'number');
});

test('/monitor/statistics measures the running executor from its processes', async (t) => {
  let busy: Json | undefined;
  await eventually(
    async () => {
      const all = (await get('/monitor/statistics')) as unknown as Json[];
      busy = all.find((s) => s.executor_id === 'busy');
      return (
        busy !== undefined && busy.statistics.cpus_user_time_secs + busy.statistics.cpus_system_time_secs > 0
      );
    },
    15_000,
    'the busy task to have used some CPU',
  );
  const { prober } = await setup;
  t.like(busy, { executor_id: 'busy', framework_id: prober.frameworkId, source: '' });
  const s = busy?.statistics as Json;
  t.is(s.cpus_limit, 0.1);
  t.is(s.mem_limit_bytes, 16 * 1024 * 1024);
  t.true(s.mem_rss_bytes > 0, 'resident memory of the shell');
  t.true(s.processes >= 1);
  t.true(s.threads >= 1);
  t.true(Math.abs(s.timestamp - Date.now() / 1000) < 60);
  t.deepEqual(await get('/slave(1)/monitor/statistics.json').then((all) => Array.isArray(all)), true);
});

test('/files/browse, /files/read (Mesos offset/length) and /files/download serve a sandbox', async (t) => {
  const { url, prober } = await setup;
  const sandbox = await sandboxOf('busy');
  await eventually(
    async () => (await get(`/files/read?path=${encodeURIComponent(`${sandbox}/data`)}`)).offset === 16,
    10_000,
    'the task to write its data file',
  );
  const listing = (await get(`/files/browse?path=${encodeURIComponent(sandbox)}`)) as unknown as Json[];
  t.deepEqual(
    listing.map((f) => f.path),
    ['data', 'stderr', 'stdout'].map((name) => `${sandbox}/${name}`),
  );
  t.like(listing[0], { size: 16, mode: '-rw-r--r--', nlink: 1 });
  t.is(typeof listing[0]?.mtime, 'number');
  t.is(typeof listing[0]?.uid, 'string');
  const virtual = `/frameworks/${prober.frameworkId}/executors/busy/runs/latest`;
  t.deepEqual(
    ((await get(`/files/browse?path=${encodeURIComponent(virtual)}`)) as unknown as Json[]).map(
      (f) => f.path,
    ),
    ['data', 'stderr', 'stdout'].map((name) => `${virtual}/${name}`),
    'the virtual path of the latest run',
  );
  const read = (query: string) => get(`/files/read?path=${encodeURIComponent(`${virtual}/data`)}${query}`);
  t.deepEqual(await read(''), { data: '', offset: 16 }, 'no offset: the size, as offset -1');
  t.deepEqual(await read('&offset=-1'), { data: '', offset: 16 });
  t.deepEqual(await read('&offset=0'), { data: '0123456789abcdef', offset: 0 }, 'no length: to the end');
  t.deepEqual(await read('&offset=4&length=3'), { data: '456', offset: 4 });
  t.deepEqual(await read('&offset=10&length=-1'), { data: 'abcdef', offset: 10 });
  t.deepEqual(await read('&offset=20&length=3'), { data: '', offset: 20 }, 'past the end');
  t.deepEqual(await read('&offset=3&length=0'), { data: '', offset: 3 });
  const status = async (path: string) => (await fetch(`${url}${path}`, { headers: AUTH })).status;
  t.is(await status(`/files/read?path=${encodeURIComponent(`${virtual}/data`)}&offset=-2`), 400);
  t.is(await status(`/files/read?path=${encodeURIComponent(`${virtual}/data`)}&length=x`), 400);
  t.is(await status(`/files/read?path=${encodeURIComponent(virtual)}`), 400, 'a directory');
  t.is(await status('/files/read'), 400, 'no path');
  const download = await fetch(`${url}/files/download?path=${encodeURIComponent(`${virtual}/data`)}`, {
    headers: AUTH,
  });
  t.is(download.status, 200);
  t.is(await download.text(), '0123456789abcdef');
  const stdout = await fetch(
    `${url}/files/download?path=${encodeURIComponent(`/frameworks/${prober.frameworkId}/executors/ok/runs/latest/stdout`)}`,
    { headers: AUTH },
  );
  t.is(await stdout.text(), 'hello\n', "a finished task's sandbox stays readable");
});

/**
 * Which of the attempts to leave `sandbox` through `/files/*` are answered with data. An attempt
 * is made for each way out: `..`, an absolute path elsewhere, the agent's own checkpoint, and a
 * symbolic link in the sandbox to a file outside it.
 */
async function escapes(fetchStatus: (path: string) => Promise<number>, sandbox: string, workDir: string) {
  const outside = join(workDir, 'outside-secret');
  writeFileSync(outside, 'secret');
  try {
    symlinkSync(outside, join(sandbox, 'link-out'));
  } catch {
    // Already planted by an earlier call.
  }
  const attempts = [
    `${sandbox}/../../../../../../../outside-secret`,
    `${sandbox}/../../../../../../../../../../etc/passwd`,
    '/etc/passwd',
    outside,
    join(workDir, 'meta'),
    `${sandbox}/link-out`,
  ];
  const leaked: string[] = [];
  for (const attempt of attempts) {
    for (const endpoint of ['read', 'download', 'browse']) {
      const status = await fetchStatus(`/files/${endpoint}?path=${encodeURIComponent(attempt)}&offset=0`);
      if (status !== 403 && status !== 404) leaked.push(`${endpoint} ${attempt}: ${status}`);
    }
  }
  return leaked;
}

test('no path leads out of the sandboxes: .., absolute paths, the checkpoint, a symbolic link out', async (t) => {
  const { url } = await setup;
  const busy = await sandboxOf('busy');
  const workDir = busy.slice(0, busy.indexOf('/slaves/'));
  // A folder of its own under the sandboxes, so the planted link shows in no other test's listing.
  const sandbox = join(workDir, 'slaves', 'escape-probe');
  mkdirSync(sandbox, { recursive: true });
  const real = (path: string) => fetch(`${url}${path}`, { headers: AUTH }).then((r) => r.status);
  t.deepEqual(await escapes(real, sandbox, workDir), []);
  // The check catches an escape: a server that serves whatever path it is given (a planted
  // bug, as a resolver without its checks would be) leaks every attempt.
  const naive = async (path: string) =>
    existsSync(new URL(path, 'http://x').searchParams.get('path') ?? '') ? 200 : 404;
  const leaked = await escapes(naive, sandbox, workDir);
  t.true(
    leaked.some((l) => l.includes('link-out')),
    'the planted server leaks through the link',
  );
  t.true(
    leaked.some((l) => l.includes('/etc/passwd')),
    'and by absolute path',
  );
});

test('with httpCredentials the read-only endpoints ask for HTTP Basic credentials; /health does not', async (t) => {
  const { url } = await setup;
  for (const path of [
    '/state',
    '/slave(1)/state',
    '/flags',
    '/metrics/snapshot',
    '/metrics',
    '/monitor/statistics',
    '/files/browse?path=/',
  ]) {
    const res = await fetch(`${url}${path}`);
    t.is(res.status, 401, path);
    t.is(res.headers.get('www-authenticate'), 'Basic realm="mesos-agent-readonly"');
    const wrong = await fetch(`${url}${path}`, {
      headers: { authorization: basicAuthorization({ principal: 'reader', secret: 'nope' }) },
    });
    t.is(wrong.status, 401, `${path} with a wrong secret`);
  }
  t.is((await fetch(`${url}/health`)).status, 200);
  t.is((await fetch(`${url}/state`, { headers: AUTH })).status, 200);
});
