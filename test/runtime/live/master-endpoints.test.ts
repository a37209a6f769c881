/**
 * The live master's classic endpoints answer in Mesos's shapes (master-endpoints.ts): each test
 * reads one endpoint of a real master with a real agent and a framework whose tasks ran (one
 * running, one finished, one failed) and checks the fields a Mesos client reads, as the
 * endpoints' documented examples and src/master/readonly_handler.cpp write them.
 */
import test from 'ava';
import { basicAuthorization } from '../../../src/runtime/live/http-basic.js';
import { liveCluster } from './harness.js';
import { probedCluster } from './probed-cluster.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON read from the endpoints, checked field by field
type Json = Record<string, any>;

const setup = probedCluster(
  'cpus:4;mem:1024;ports:[31000-32000]',
  [
    { id: 'long', command: 'sleep 60', settled: 'TASK_RUNNING' },
    { id: 'ok', command: 'true', settled: 'TASK_FINISHED' },
    { id: 'bad', command: 'exit 3', settled: 'TASK_FAILED' },
  ],
  { master: { master: { allocationIntervalMs: 100, weights: { web: 2 }, quotas: { web: { cpus: 3 } } } } },
  { role: 'web', hostname: 'prober-host', webui_url: 'http://ui' },
);

test.after.always(async () => (await setup).stop());

async function get(path: string): Promise<Json> {
  const { cluster } = await setup;
  const res = await fetch(`${cluster.master.url}${path}`);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Json;
}

test.serial('/master/redirect is 307 to the leader, protocol-relative; 503 when none is known', async (t) => {
  const { cluster } = await setup;
  const redirect = (path: string) => fetch(`${cluster.master.url}${path}`, { redirect: 'manual' });
  let res = await redirect('/master/redirect');
  t.is(res.status, 307);
  t.is(res.headers.get('location'), `//127.0.0.1:${cluster.master.port}`, 'a lone master leads itself');
  t.is((await redirect('/redirect')).headers.get('location'), `//127.0.0.1:${cluster.master.port}`);
  const other = { id: 'other', pid: 'master@10.0.0.9:5050', port: 5050, hostname: '10.0.0.9' };
  cluster.master.setLeadership({ leader: other });
  try {
    res = await redirect('/master/redirect');
    t.is(res.headers.get('location'), '//10.0.0.9:5050', 'another leader');
    const state = await get('/master/state');
    t.is(state.leader, 'master@10.0.0.9:5050');
    t.deepEqual(state.leader_info, other);
    t.is(state.elected_time, undefined, 'a master that does not lead has no elected_time');
    t.is((await get('/metrics/snapshot'))['master/elected'], 0);
    cluster.master.setLeadership({ leader: undefined });
    res = await redirect('/master/redirect');
    t.is(res.status, 503);
    t.is(await res.text(), 'No leader elected');
  } finally {
    cluster.master.setLeadership({ leader: 'self' });
  }
});

test('/master/state has Mesos top-level fields, agents, frameworks with executors and tasks with statuses', async (t) => {
  const { cluster, prober } = await setup;
  for (const path of ['/master/state', '/master/state.json', '/state', '/state.json']) {
    const state = await get(path);
    t.is(state.version, '1.11.0', path);
    for (const field of [
      'build_date',
      'build_time',
      'build_user',
      'start_time',
      'elected_time',
      'id',
      'hostname',
    ])
      t.not(state[field], undefined, `${path} ${field}`);
    t.is(state.pid, `master@127.0.0.1:${cluster.master.port}`);
    t.is(state.leader, state.pid, 'a lone master leads');
    t.like(state.leader_info, {
      id: state.id,
      pid: state.pid,
      port: cluster.master.port,
      hostname: '127.0.0.1',
    });
    t.true(state.elected_time >= state.start_time - 1);
    t.is(state.flags.allocation_interval, '100ms');
    t.is(state.flags.weights, 'web=2');
    t.is(state.activated_slaves, 1);
    t.deepEqual(state.orphan_tasks, []);
    t.deepEqual(state.unregistered_frameworks, []);
  }
  const state = await get('/master/state');
  const [agent] = state.slaves;
  t.regex(agent.pid, /^slave\(1\)@127\.0\.0\.1:\d+$/u, "an agent's pid as Mesos writes it");
  t.is(agent.port, cluster.agents[0]?.port);
  t.like(agent, { active: true, deactivated: false, reserved_resources: {} });
  t.deepEqual(agent.resources, { cpus: 4, gpus: 0, mem: 1024, disk: 0, ports: '[31000-32000]' });
  t.deepEqual(agent.unreserved_resources, agent.resources);
  t.like(agent.used_resources, { cpus: 0.1, mem: 16 }, 'the running task');
  t.like(agent.offered_resources, { gpus: 0, disk: 0 });
  const [framework] = state.frameworks;
  t.like(framework, {
    id: prober.frameworkId,
    name: 'prober',
    user: 'tester',
    role: 'web',
    hostname: 'prober-host',
    webui_url: 'http://ui',
    active: true,
    connected: true,
    unregistered_time: 0,
  });
  t.is(framework.pid, undefined, 'Mesos leaves out the pid of an HTTP framework');
  t.true(framework.registered_time > 0);
  t.deepEqual(framework.executors, [], 'command tasks have no custom executor');
  t.deepEqual(
    framework.tasks.map((task: Json) => [task.id, task.state, task.role, task.slave_id]),
    [['long', 'TASK_RUNNING', 'web', agent.id]],
  );
  const done = framework.completed_tasks.map((task: Json) => task.id).sort();
  t.deepEqual(done, ['bad', 'ok']);
  const ok = framework.completed_tasks.find((task: Json) => task.id === 'ok');
  t.deepEqual(
    ok.statuses.map((s: Json) => s.state),
    ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED'],
  );
  t.true(ok.statuses.every((s: Json) => typeof s.timestamp === 'number' && s.timestamp > 0));
  // The agent's container status rides on the updates, and the master keeps it in `statuses`.
  const running = ok.statuses.find((s: Json) => s.state === 'TASK_RUNNING');
  t.is(typeof running.container_status?.container_id?.value, 'string');
  t.is(running.container_status?.network_infos?.[0]?.ip_addresses?.[0]?.ip_address, '127.0.0.1');
  t.like(ok.resources, { cpus: 0.1, mem: 16, gpus: 0, disk: 0 });
});

test('/master/state-summary counts tasks by state per agent and framework, without the tasks', async (t) => {
  const { prober } = await setup;
  const summary = await get('/master/state-summary');
  t.is(summary.hostname, '127.0.0.1');
  const [agent] = summary.slaves;
  t.like(agent, { TASK_RUNNING: 1, TASK_FINISHED: 1, TASK_FAILED: 1, TASK_STAGING: 0, TASK_UNREACHABLE: 0 });
  t.deepEqual(agent.framework_ids, [prober.frameworkId]);
  const [framework] = summary.frameworks;
  t.like(framework, {
    id: prober.frameworkId,
    name: 'prober',
    active: true,
    TASK_RUNNING: 1,
    TASK_FAILED: 1,
  });
  t.deepEqual(framework.slave_ids, [agent.id]);
  t.is(framework.tasks, undefined);
});

test('/master/frameworks lists frameworks and filters by framework_id', async (t) => {
  const { prober } = await setup;
  const all = await get('/master/frameworks');
  t.deepEqual(
    all.frameworks.map((f: Json) => f.id),
    [prober.frameworkId],
  );
  t.deepEqual(all.completed_frameworks, []);
  t.deepEqual(all.unregistered_frameworks, []);
  t.is(all.frameworks[0].tasks.length, 1);
  t.deepEqual((await get('/master/frameworks?framework_id=nope')).frameworks, []);
});

test('/master/slaves gives *_full resources as Mesos Resource objects, and filters by slave_id', async (t) => {
  const slaves = await get('/master/slaves');
  const [agent] = slaves.slaves;
  t.deepEqual(slaves.recovered_slaves, []);
  t.deepEqual(agent.unreserved_resources_full.map((r: Json) => r.name).sort(), ['cpus', 'mem', 'ports']);
  t.deepEqual(
    agent.unreserved_resources_full.find((r: Json) => r.name === 'ports'),
    { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] } },
  );
  t.deepEqual(
    agent.used_resources_full.find((r: Json) => r.name === 'cpus'),
    {
      name: 'cpus',
      type: 'SCALAR',
      scalar: { value: 0.1 },
    },
  );
  t.deepEqual(agent.reserved_resources_full, {});
  t.is((await get(`/master/slaves?slave_id=${agent.id}`)).slaves.length, 1);
  t.is((await get('/master/slaves?slave_id=nope')).slaves.length, 0);
});

test('/master/tasks sorts by first status, newest first, with limit, offset and order as Mesos', async (t) => {
  const all = (await get('/master/tasks')).tasks as Json[];
  t.is(all.length, 3);
  const first = (task: Json) => task.statuses[0].timestamp as number;
  const descending = all.map(first);
  t.deepEqual(
    descending,
    [...descending].sort((a, b) => b - a),
    'newest first by default',
  );
  const ascending = (await get('/master/tasks?order=asc')).tasks as Json[];
  t.deepEqual(
    ascending.map((task) => task.id),
    [...all].reverse().map((task) => task.id),
  );
  t.deepEqual(
    ((await get('/master/tasks?limit=1&offset=1')).tasks as Json[]).map((task) => task.id),
    [all[1]?.id],
  );
  t.deepEqual((await get('/master/tasks?offset=5')).tasks, []);
  t.is(((await get('/master/tasks.json?limit=2')).tasks as Json[]).length, 2);
  t.deepEqual(
    ((await get('/master/tasks?task_id=bad')).tasks as Json[]).map((task) => task.state),
    ['TASK_FAILED'],
  );
  t.is(
    ((await get('/master/tasks?limit=oops')).tasks as Json[]).length,
    3,
    'a bad limit is the default, 100',
  );
});

test('/master/roles gives each role its weight, quota, allocation and frameworks', async (t) => {
  const { prober } = await setup;
  for (const path of ['/master/roles', '/master/roles.json']) {
    const web = ((await get(path)).roles as Json[]).find((r) => r.name === 'web');
    t.like(web, { name: 'web', weight: 2, frameworks: [prober.frameworkId] });
    t.deepEqual(web?.quota, {
      role: 'web',
      guarantee: {},
      limit: { cpus: 3 },
      consumed: { cpus: 0.1, mem: 16 },
    });
    t.deepEqual(web?.allocated, { cpus: 0.1, mem: 16 });
  }
});

test('/master/flags, /master/health, /master/quota, /master/weights and /version', async (t) => {
  const { cluster } = await setup;
  const { flags } = await get('/master/flags');
  t.like(flags, {
    allocation_interval: '100ms',
    agent_ping_timeout: '15secs',
    max_agent_ping_timeouts: '5',
    port: String(cluster.master.port),
    registry: 'in_memory',
    weights: 'web=2',
  });
  t.true(
    Object.values(flags).every((v) => typeof v === 'string'),
    'values as Mesos prints them',
  );
  const health = await fetch(`${cluster.master.url}/master/health`);
  t.is(health.status, 200);
  t.deepEqual(await get('/master/quota'), { configs: [{ role: 'web', limits: { cpus: { value: 3 } } }] });
  t.deepEqual(await get('/master/weights'), [{ role: 'web', weight: 2 }]);
  const version = await get('/version');
  t.is(version.version, '1.11.0');
  t.is(typeof version.build_date, 'string');
  t.is(typeof version.build_time, 'number');
  t.is(typeof version.build_user, 'string');
  t.is((await fetch(`${cluster.master.url}/master/state`, { method: 'POST' })).status, 405);
});

test('?jsonp=callback wraps the JSON as Mesos does; a callback that is not an identifier is 400', async (t) => {
  const { cluster } = await setup;
  const res = await fetch(`${cluster.master.url}/master/flags?jsonp=angular.callbacks._0`);
  t.is(res.headers.get('content-type'), 'text/javascript');
  const body = await res.text();
  t.true(body.startsWith('angular.callbacks._0({"flags":{'));
  t.true(body.endsWith('});'));
  const bad = await fetch(`${cluster.master.url}/master/state?jsonp=${encodeURIComponent('alert(1)//')}`);
  t.is(bad.status, 400);
});

test('/metrics/snapshot has Mesos names for resources, tasks, messages, registrations and the allocator', async (t) => {
  const m = await get('/metrics/snapshot');
  t.like(m, {
    'master/elected': 1,
    'master/cpus_total': 4,
    'master/cpus_used': 0.1,
    'master/cpus_percent': 0.1 / 4,
    'master/mem_total': 1024,
    'master/mem_used': 16,
    'master/gpus_total': 0,
    'master/gpus_percent': 0,
    'master/disk_total': 0,
    'master/cpus_revocable_total': 0,
    'master/mem_revocable_used': 0,
    'master/tasks_running': 1,
    'master/tasks_staging': 0,
    'master/tasks_finished': 1,
    'master/tasks_failed': 1,
    'master/tasks_killed': 0,
    'master/slaves_connected': 1,
    'master/slaves_disconnected': 0,
    'master/slaves_active': 1,
    'master/slave_registrations': 1,
    'master/slave_reregistrations': 0,
    'master/slave_removals': 0,
    'master/frameworks_active': 1,
    'master/frameworks_connected': 1,
    'master/messages_register_framework': 1,
    'master/messages_launch_tasks': 3,
    'master/event_queue_dispatches': 0,
    'allocator/mesos/resources/cpus/total': 4,
    'allocator/mesos/resources/mem/total': 1024,
  });
  // The agent may send REGISTER_AGENT again before the first is answered (its backoff).
  t.true(m['master/messages_register_slave'] >= 1);
  t.true(m['master/messages_status_update'] >= 6, 'three tasks, at least two updates each');
  t.true(m['master/messages_status_update_acknowledgement'] >= 6);
  t.true(m['master/uptime_secs'] > 0);
  t.true(m['master/outstanding_offers'] >= 0);
  t.true(m['allocator/mesos/resources/cpus/offered_or_allocated'] >= 0.1);
  t.true(m['allocator/mesos/roles/web/shares/dominant'] >= 0.1 / 4);
  for (const suffix of ['', '/count', '/min', '/max', '/p50', '/p90', '/p95', '/p99', '/p999', '/p9999'])
    t.is(typeof m[`allocator/mesos/allocation_run_ms${suffix}`], 'number', `allocation_run_ms${suffix}`);
  for (const name of [
    'cpus_total',
    'load_1min',
    'load_5min',
    'load_15min',
    'mem_total_bytes',
    'mem_free_bytes',
  ])
    t.is(typeof m[`system/${name}`], 'number', name);
  t.true(m['system/cpus_total'] >= 1);
});

test('with authenticateHttpReadonly the read-only endpoints ask for credentials; health, version and redirect do not', async (t) => {
  const reader = { principal: 'reader', secret: 'let-me-read' };
  const cluster = await liveCluster(1, 'cpus:1;mem:128', {
    master: { security: { credentials: [reader], authenticateHttpReadonly: true } },
  });
  try {
    const status = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${cluster.master.url}${path}`, { headers, redirect: 'manual' }).then((r) => r.status);
    for (const path of [
      '/master/state',
      '/state.json',
      '/master/tasks',
      '/metrics/snapshot',
      '/metrics',
      '/quota',
      '/',
    ]) {
      t.is(await status(path), 401, path);
      t.is(
        await status(path, { authorization: basicAuthorization(reader) }),
        200,
        `${path} with credentials`,
      );
    }
    const res = await fetch(`${cluster.master.url}/master/state`);
    t.is(res.headers.get('www-authenticate'), 'Basic realm="mesos-master-readonly"');
    t.is(await status('/master/health'), 200);
    t.is(await status('/health'), 200);
    t.is(await status('/version'), 200);
    t.is(await status('/master/redirect'), 307);
    t.is(cluster.master.master.state().activated_slaves, 1, 'the agent channel is not the read-only guard’s');
    const flags = await fetch(`${cluster.master.url}/master/flags`, {
      headers: { authorization: basicAuthorization(reader) },
    }).then((r) => r.json());
    t.is(flags.flags.authenticate_http_readonly, 'true');
  } finally {
    await cluster.close();
  }
});
