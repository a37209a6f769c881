/**
 * The master's operator API v1 (`POST /api/v1`) against a live master and agent on loopback,
 * checked against docs/operator-http-api.md's examples: each call's response shape, Mesos's
 * errors, the changes (UPDATE_WEIGHTS, UPDATE_QUOTA, MARK_AGENT_GONE) kept in the registry across
 * a restart, and the SUBSCRIBE stream seeing an agent, a framework and a task come and go.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { parseResources } from '../../../src/core/resource-text.js';
import { AgentServer } from '../../../src/runtime/live/agent-server.js';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { MasterServer } from '../../../src/runtime/live/master-server.js';
import { eventually, liveCluster } from './harness.js';
import { send } from './http-client.js';
import { type Json, operator, subscribeOperator } from './operator-client.js';
import { Prober } from './prober.js';

/** The JSON answer to `type`, asserting 200. */
async function get(
  url: string,
  type: string,
  extra: Record<string, unknown> = {},
): Promise<Record<string, Json>> {
  const a = await operator(url, { type, ...extra });
  if (a.status !== 200) throw new Error(`${type}: ${a.status} ${a.text}`);
  return JSON.parse(a.text);
}

test('every read-only call answers in the shape of operator-http-api.md', async (t) => {
  const cluster = await liveCluster(1);
  const prober = new Prober([
    { id: 'long', command: 'sleep 60' },
    { id: 'ok', command: 'true' },
  ]);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'prober', roles: ['web'], capabilities: [{ type: 'MULTI_ROLE' }] },
    { masterUrl: cluster.master.url },
  );
  const url = cluster.master.url;
  try {
    driver.start();
    await eventually(
      () => prober.state('long') === 'TASK_RUNNING' && prober.state('ok') === 'TASK_FINISHED',
      15_000,
      'the tasks to run',
    );
    t.deepEqual(await get(url, 'GET_HEALTH'), { type: 'GET_HEALTH', get_health: { healthy: true } });

    const flags = await get(url, 'GET_FLAGS');
    t.is(flags.type, 'GET_FLAGS');
    const flag = (name: string) =>
      flags.get_flags.flags.find((f: { name: string }) => f.name === name)?.value;
    t.is(flag('allocation_interval'), '100ms');
    t.is(flag('agent_ping_timeout'), '15secs');
    t.is(flag('agent_reregister_timeout'), '10mins');
    t.is(flag('registry'), 'in_memory');

    const version = await get(url, 'GET_VERSION');
    t.is(typeof version.get_version.version_info.version, 'string');

    const metrics = await get(url, 'GET_METRICS', { get_metrics: { timeout: { nanoseconds: 5e9 } } });
    const metric = (name: string) =>
      metrics.get_metrics.metrics.find((m: { name: string }) => m.name === name)?.value;
    t.is(typeof metric('master/uptime_secs'), 'number');

    t.deepEqual(await get(url, 'GET_LOGGING_LEVEL'), {
      type: 'GET_LOGGING_LEVEL',
      get_logging_level: { level: 0 },
    });

    const state = (await get(url, 'GET_STATE')).get_state;
    t.deepEqual(Object.keys(state).sort(), ['get_agents', 'get_executors', 'get_frameworks', 'get_tasks']);
    const agent = state.get_agents.agents[0];
    t.is(agent.agent_info.id.value, cluster.agents[0]?.agent.agentId);
    t.true(agent.active);
    t.is(typeof agent.pid, 'string');
    t.is(typeof agent.registered_time.nanoseconds, 'number');
    t.deepEqual(
      agent.total_resources.find((r: { name: string }) => r.name === 'cpus'),
      { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: '*' },
    );
    t.true(
      agent.allocated_resources.some((r: { name: string }) => r.name === 'cpus'),
      'the running task holds cpus',
    );
    const framework = state.get_frameworks.frameworks[0];
    t.is(framework.framework_info.id.value, prober.frameworkId);
    t.is(framework.framework_info.name, 'prober');
    t.true(framework.active && framework.connected);
    t.false(framework.recovered);
    const running = state.get_tasks.tasks.find(
      (x: { task_id: { value: string } }) => x.task_id.value === 'long',
    );
    t.like(running, {
      name: 'long',
      framework_id: { value: prober.frameworkId },
      agent_id: { value: agent.agent_info.id.value },
      state: 'TASK_RUNNING',
    });
    t.true(running.statuses.some((s: { state: string }) => s.state === 'TASK_RUNNING'));
    const done = state.get_tasks.completed_tasks.find(
      (x: { task_id: { value: string } }) => x.task_id.value === 'ok',
    );
    t.is(done?.state, 'TASK_FINISHED');
    // Command tasks run under the agent's command executor, which Mesos's master does not list
    // either (its GET_EXECUTORS holds custom executors only).
    t.deepEqual(state.get_executors, { executors: [] });

    // Offers come and go between two calls; the agents themselves do not.
    t.deepEqual(
      (await get(url, 'GET_AGENTS')).get_agents.agents.map((a: Json) => a.agent_info),
      state.get_agents.agents.map((a: Json) => a.agent_info),
    );
    t.is((await get(url, 'GET_FRAMEWORKS')).get_frameworks.frameworks.length, 1);
    t.is((await get(url, 'GET_EXECUTORS')).type, 'GET_EXECUTORS');
    t.is((await get(url, 'GET_TASKS')).get_tasks.tasks.length, 1);

    const roles = (await get(url, 'GET_ROLES')).get_roles.roles;
    const web = roles.find((r: { name: string }) => r.name === 'web');
    t.is(web.weight, 1);
    t.deepEqual(web.frameworks, [{ value: prober.frameworkId }]);
    t.true(web.resources.some((r: { name: string; role: string }) => r.name === 'cpus'));

    t.deepEqual(await get(url, 'GET_WEIGHTS'), { type: 'GET_WEIGHTS', get_weights: { weight_infos: [] } });
    const master = (await get(url, 'GET_MASTER')).get_master;
    t.is(master.master_info.id, cluster.master.master.masterId);
    t.is(master.master_info.port, cluster.master.port);
    t.is(typeof master.start_time, 'number');
    t.deepEqual(await get(url, 'GET_QUOTA'), { type: 'GET_QUOTA', get_quota: { status: { configs: [] } } });
    t.deepEqual(await get(url, 'GET_MAINTENANCE_STATUS'), {
      type: 'GET_MAINTENANCE_STATUS',
      get_maintenance_status: { status: {} },
    });
  } finally {
    driver.stop();
    await close();
    await cluster.close();
  }
});

test('bad calls are answered as Mesos answers them', async (t) => {
  const master = await MasterServer.start({ port: 0 });
  const url = master.url;
  try {
    const viaGet = await send(`${url}/api/v1`, { method: 'GET' });
    t.is(viaGet.status, 405);
    t.is(viaGet.headers.allow, 'POST');
    const noType = await send(`${url}/api/v1`, { body: '{"type":"GET_HEALTH"}' });
    t.is(noType.status, 400);
    t.is(noType.text, "Expecting 'Content-Type' to be present");
    const plain = await operator(url, '{"type":"GET_HEALTH"}', { 'Content-Type': 'text/plain' });
    t.is(plain.status, 415);
    t.regex(plain.text, /^Expecting 'Content-Type' of application\/json or application\/x-protobuf/u);
    const onlyHtml = await operator(url, { type: 'GET_HEALTH' }, { Accept: 'text/html' });
    t.is(onlyHtml.status, 406);
    t.regex(onlyHtml.text, /^Expecting 'Accept' to allow 'application\/x-protobuf' or 'application\/json'/u);
    const notJson = await operator(url, '{"type":');
    t.is(notJson.status, 400);
    t.regex(notJson.text, /^Failed to parse body into JSON/u);
    const unknown = await operator(url, { type: 'GET_EVERYTHING' });
    t.is(unknown.status, 400);
    t.regex(unknown.text, /GET_EVERYTHING/u);
    const noArgument = await operator(url, { type: 'UPDATE_WEIGHTS' });
    t.is(noArgument.status, 400);
    t.is(noArgument.text, "Failed to validate master::Call: Expecting 'update_weights' to be present");
    const negative = await operator(url, {
      type: 'UPDATE_WEIGHTS',
      update_weights: { weight_infos: [{ role: 'dev', weight: -1 }] },
    });
    t.is(negative.status, 400);
    t.is(
      negative.text,
      "Failed to validate update weights request JSON for role 'dev': Invalid weight '-1': Weights must be positive",
    );
    const badQuota = await operator(url, {
      type: 'UPDATE_QUOTA',
      update_quota: { quota_configs: [{ role: 'dev', limits: { cpu: { value: 2 } } }] },
    });
    t.is(badQuota.status, 400);
    t.regex(badQuota.text, /did you mean "cpus"/u);
    const reserve = await operator(url, { type: 'RESERVE_RESOURCES', reserve_resources: {} });
    t.is(reserve.status, 400);
    t.regex(reserve.text, /reserve_resources\.agent_id/u);
    // A call Mesos has and Agora does not serve: Mesos's NotImplemented.
    const drain = await operator(url, { type: 'DRAIN_AGENT', drain_agent: { agent_id: { value: 'x' } } });
    t.is(drain.status, 501);
    const gone = await operator(url, {
      type: 'MARK_AGENT_GONE',
      mark_agent_gone: { agent_id: { value: 'nope' } },
    });
    t.is(gone.status, 404);
    t.is(gone.text, "Agent 'nope' not found");
    // Nothing changed.
    t.deepEqual(master.master.weights(), {});
    t.deepEqual(master.master.quotas(), {});
  } finally {
    await master.close();
  }
});

test('UPDATE_WEIGHTS and UPDATE_QUOTA are in the registry before the answer and survive a restart', async (t) => {
  const workDir = mkdtempSync(join(tmpdir(), 'agora-operator-'));
  const first = await MasterServer.start({ port: 0, workDir });
  try {
    const w = await operator(first.url, {
      type: 'UPDATE_WEIGHTS',
      update_weights: { weight_infos: [{ role: 'dev', weight: 4 }] },
    });
    t.is(w.status, 200, w.text);
    const q = await operator(first.url, {
      type: 'UPDATE_QUOTA',
      update_quota: {
        force: false,
        quota_configs: [{ role: 'dev', limits: { cpus: { value: 10 }, mem: { value: 2048 } } }],
      },
    });
    t.is(q.status, 200, q.text);
    t.deepEqual((await get(first.url, 'GET_WEIGHTS')).get_weights.weight_infos, [{ role: 'dev', weight: 4 }]);
  } finally {
    await first.close();
  }
  const second = await MasterServer.start({ port: 0, workDir });
  try {
    t.deepEqual(await get(second.url, 'GET_WEIGHTS'), {
      type: 'GET_WEIGHTS',
      get_weights: { weight_infos: [{ role: 'dev', weight: 4 }] },
    });
    t.deepEqual((await get(second.url, 'GET_QUOTA')).get_quota.status.configs, [
      { role: 'dev', limits: { cpus: { value: 10 }, mem: { value: 2048 } } },
    ]);
    const roles = (await get(second.url, 'GET_ROLES')).get_roles.roles;
    t.is(roles.find((r: { name: string }) => r.name === 'dev')?.weight, 4);
    // An empty config resets the role's quota.
    const reset = await operator(second.url, {
      type: 'UPDATE_QUOTA',
      update_quota: { quota_configs: [{ role: 'dev' }] },
    });
    t.is(reset.status, 200);
    t.deepEqual(second.master.quotas(), {});
  } finally {
    await second.close();
  }
});

test('SUBSCRIBE streams SUBSCRIBED, then the agent, framework and task events as a task runs, and heartbeats', async (t) => {
  const master = await MasterServer.start({
    port: 0,
    master: { allocationIntervalMs: 100 },
    operatorHeartbeatMs: 300,
  });
  const stream = await subscribeOperator(master.url);
  const workDir = mkdtempSync(join(tmpdir(), 'agora-operator-'));
  const resources = parseResources('cpus:2;mem:512');
  if (!resources.ok) throw new Error('resources');
  let agent: AgentServer | undefined;
  const prober = new Prober([{ id: 'short', command: 'true' }]);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'watched', capabilities: [{ type: 'PARTITION_AWARE' }] },
    { masterUrl: master.url },
  );
  const types = () => stream.events.map((e) => e.type as string);
  try {
    t.is(stream.status, 200);
    await eventually(() => stream.events.length >= 1, 5_000, 'SUBSCRIBED');
    const first = stream.events[0] as Record<string, Json>;
    t.is(first.type, 'SUBSCRIBED');
    t.is(first.subscribed.heartbeat_interval_seconds, 0.3);
    t.deepEqual(first.subscribed.get_state.get_agents.agents, []);
    agent = await AgentServer.start({ masterUrl: master.url, resources: resources.value, workDir, port: 0 });
    await eventually(() => types().includes('AGENT_ADDED'), 10_000, 'AGENT_ADDED');
    driver.start();
    await eventually(() => prober.state('short') === 'TASK_FINISHED', 15_000, 'the task to finish');
    await eventually(
      () => stream.events.some((e) => e.type === 'TASK_UPDATED' && e.task_updated.state === 'TASK_FINISHED'),
      5_000,
      'TASK_UPDATED to TASK_FINISHED',
    );
    const added = stream.events.find((e) => e.type === 'AGENT_ADDED');
    t.is(added?.agent_added.agent.agent_info.id.value, agent.agent.agentId);
    const framework = stream.events.find((e) => e.type === 'FRAMEWORK_ADDED');
    t.is(framework?.framework_added.framework.framework_info.name, 'watched');
    const task = stream.events.find((e) => e.type === 'TASK_ADDED');
    t.like(task?.task_added.task, { task_id: { value: 'short' }, state: 'TASK_STAGING' });
    // TASK_UPDATED carries the task's latest state and the status forwarded with it: when the
    // agent's update for TASK_RUNNING arrives after the task finished, Mesos's master moves the
    // task straight to TASK_FINISHED (the update's latest state) and sends one event for both.
    const order = ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED'];
    const updates = stream.events
      .filter((e) => e.type === 'TASK_UPDATED')
      .map((e): [number, number] => [
        order.indexOf(e.task_updated.state),
        order.indexOf(e.task_updated.status.state),
      ]);
    t.true(
      updates.every(
        ([state, status], i) =>
          status >= 0 && status <= state && (i === 0 || state > (updates[i - 1]?.[0] ?? -1)),
      ),
      JSON.stringify(updates),
    );
    t.is(updates.at(-1)?.[0], 2, 'the last TASK_UPDATED says TASK_FINISHED');
    t.true(
      types().indexOf('AGENT_ADDED') < types().indexOf('FRAMEWORK_ADDED') &&
        types().indexOf('FRAMEWORK_ADDED') < types().indexOf('TASK_ADDED'),
      types().join(' '),
    );
    await eventually(() => types().includes('HEARTBEAT'), 5_000, 'a HEARTBEAT');

    // The framework leaves (TEARDOWN): FRAMEWORK_REMOVED with its FrameworkInfo.
    driver.stop();
    await eventually(() => types().includes('FRAMEWORK_REMOVED'), 10_000, 'FRAMEWORK_REMOVED');
    t.is(
      stream.events.find((e) => e.type === 'FRAMEWORK_REMOVED')?.framework_removed.framework_info.name,
      'watched',
    );
  } finally {
    stream.close();
    driver.stop();
    await close();
    await agent?.close();
    await master.close();
  }
});

test('MARK_AGENT_GONE: in the registry first, the agent shut down, its tasks TASK_GONE_BY_OPERATOR, AGENT_REMOVED', async (t) => {
  const cluster = await liveCluster(1);
  const url = cluster.master.url;
  const stream = await subscribeOperator(url);
  const prober = new Prober([{ id: 'long', command: 'sleep 60' }]);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'aware', capabilities: [{ type: 'PARTITION_AWARE' }] },
    { masterUrl: url },
  );
  try {
    driver.start();
    await eventually(() => prober.state('long') === 'TASK_RUNNING', 15_000, 'the task to run');
    const agentId = cluster.agents[0]?.agent.agentId as string;
    const gone = await operator(url, {
      type: 'MARK_AGENT_GONE',
      mark_agent_gone: { agent_id: { value: agentId } },
    });
    t.is(gone.status, 200, gone.text);
    await eventually(() => prober.state('long') === 'TASK_GONE_BY_OPERATOR', 10_000, 'TASK_GONE_BY_OPERATOR');
    const status = prober.statuses.find((s) => s.state === 'TASK_GONE_BY_OPERATOR');
    t.is(status?.reason, 'REASON_AGENT_REMOVED_BY_OPERATOR');
    t.is(status?.message, 'Agent has been marked gone');
    await eventually(() => stream.events.some((e) => e.type === 'AGENT_REMOVED'), 5_000, 'AGENT_REMOVED');
    t.deepEqual(stream.events.find((e) => e.type === 'AGENT_REMOVED')?.agent_removed, {
      agent_id: { value: agentId },
    });
    t.deepEqual((await get(url, 'GET_AGENTS')).get_agents.agents, []);
    // The agent was told to shut down (Mesos's ShutdownMessage) and does not come back.
    await eventually(
      () => cluster.agents[0]?.agent.phase === 'terminating',
      10_000,
      'the agent to shut down',
    );
    // Idempotent, as Mesos.
    const again = await operator(url, {
      type: 'MARK_AGENT_GONE',
      mark_agent_gone: { agent_id: { value: agentId } },
    });
    t.is(again.status, 200);
  } finally {
    stream.close();
    driver.stop();
    await close();
    await cluster.close();
  }
});

test('with authentication and ACLs on, changes need credentials and the update_weights/mark_agents_gone rules', async (t) => {
  const master = await MasterServer.start({
    port: 0,
    security: {
      credentials: [
        { principal: 'ops', secret: 'ops-secret' },
        { principal: 'intern', secret: 'intern-secret' },
      ],
      authenticateHttpReadwrite: true,
      acls: {
        permissive: false,
        registerFrameworks: [],
        updateWeights: [{ principals: { type: 'SOME', values: ['ops'] }, roles: { type: 'ANY' } }],
        markAgentsGone: [{ principals: { type: 'SOME', values: ['ops'] }, agents: { type: 'ANY' } }],
      },
    },
  });
  const basic = (p: string, s: string) => ({
    Authorization: `Basic ${Buffer.from(`${p}:${s}`).toString('base64')}`,
  });
  const weights = { type: 'UPDATE_WEIGHTS', update_weights: { weight_infos: [{ role: 'dev', weight: 2 }] } };
  try {
    const anonymous = await operator(master.url, weights);
    t.is(anonymous.status, 401);
    t.is(anonymous.headers['www-authenticate'], 'Basic realm="mesos-master-readwrite"');
    const wrong = await operator(master.url, weights, basic('ops', 'nope'));
    t.is(wrong.status, 401);
    const intern = await operator(master.url, weights, basic('intern', 'intern-secret'));
    t.is(intern.status, 403);
    t.regex(intern.text, /update_weights/u);
    t.deepEqual(master.master.weights(), {}, 'a refused change changes nothing');
    const gone = await operator(
      master.url,
      { type: 'MARK_AGENT_GONE', mark_agent_gone: { agent_id: { value: 'x' } } },
      basic('intern', 'intern-secret'),
    );
    t.is(gone.status, 403);
    const ops = await operator(master.url, weights, basic('ops', 'ops-secret'));
    t.is(ops.status, 200, ops.text);
    t.deepEqual(master.master.weights(), { dev: 2 });
    t.is(master.metrics()['master/http_authorization_failures'], 2);
  } finally {
    await master.close();
  }
});
