/**
 * The agent's operator API v1 (`POST /api/v1` on a live agent) with a real task running:
 * each call's response shape from docs/operator-http-api.md's Agent API, LIST_FILES and
 * READ_FILE confined to the sandboxes, and Mesos's errors.
 */
import test from 'ava';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { eventually, liveCluster } from './harness.js';
import { type Answer, send } from './http-client.js';
import { Prober } from './prober.js';

/** Mesos JSON as the tests read it, field by field (each read is checked by an assertion). */
// biome-ignore lint/suspicious/noExplicitAny: answers are walked by path and every value asserted
type Json = any;

function operator(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return send(`${url}/api/v1`, {
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function get(url: string, type: string, extra: Record<string, unknown> = {}): Promise<Json> {
  const a = await operator(url, { type, ...extra });
  if (a.status !== 200) throw new Error(`${type}: ${a.status} ${a.text}`);
  return JSON.parse(a.text);
}

test('the agent answers its calls in operator-http-api.md’s shapes, and serves only its sandboxes', async (t) => {
  const cluster = await liveCluster(1);
  const prober = new Prober([{ id: 'long', command: 'echo hello; sleep 60' }]);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'prober' },
    { masterUrl: cluster.master.url },
  );
  const agentServer = cluster.agents[0];
  if (agentServer === undefined) throw new Error('no agent');
  const url = `http://127.0.0.1:${agentServer.port}`;
  try {
    driver.start();
    await eventually(() => prober.state('long') === 'TASK_RUNNING', 15_000, 'the task to run');
    const agentId = agentServer.agent.agentId;
    t.deepEqual(await get(url, 'GET_HEALTH'), { type: 'GET_HEALTH', get_health: { healthy: true } });
    const flags = (await get(url, 'GET_FLAGS')).get_flags.flags;
    t.is(flags.find((f: { name: string }) => f.name === 'master')?.value, cluster.master.url);
    t.is(flags.find((f: { name: string }) => f.name === 'resources')?.value, 'cpus:2;mem:512');
    t.is(typeof (await get(url, 'GET_VERSION')).get_version.version_info.version, 'string');
    const metrics = (await get(url, 'GET_METRICS', { get_metrics: {} })).get_metrics.metrics;
    t.is(metrics.find((m: { name: string }) => m.name === 'slave/tasks_running')?.value, 1);
    t.is(metrics.find((m: { name: string }) => m.name === 'slave/registered')?.value, 1);

    const state = (await get(url, 'GET_STATE')).get_state;
    t.deepEqual(Object.keys(state).sort(), ['get_executors', 'get_frameworks', 'get_tasks']);
    t.is(state.get_frameworks.frameworks[0].framework_info.id.value, prober.frameworkId);
    t.is(state.get_frameworks.frameworks[0].framework_info.name, 'prober');
    t.is(state.get_executors.executors[0].executor_info.executor_id.value, 'long');
    t.like(state.get_tasks.launched_tasks[0], {
      name: 'long',
      task_id: { value: 'long' },
      framework_id: { value: prober.frameworkId },
      agent_id: { value: agentId },
      state: 'TASK_RUNNING',
    });
    t.deepEqual(state.get_tasks.queued_tasks, []);
    t.deepEqual((await get(url, 'GET_TASKS')).get_tasks, state.get_tasks);
    t.deepEqual((await get(url, 'GET_FRAMEWORKS')).get_frameworks, state.get_frameworks);
    t.deepEqual((await get(url, 'GET_EXECUTORS')).get_executors, state.get_executors);
    const containers = (await get(url, 'GET_CONTAINERS')).get_containers.containers;
    t.is(containers.length, 1);
    t.like(containers[0], { framework_id: { value: prober.frameworkId }, executor_id: { value: 'long' } });
    t.is(typeof containers[0].container_id.value, 'string');
    const info = (await get(url, 'GET_AGENT')).get_agent.agent_info;
    t.is(info.id.value, agentId);
    t.is(info.port, agentServer.port);

    // The sandbox, by Mesos's virtual path of the executor's latest run.
    const sandbox = `/frameworks/${prober.frameworkId}/executors/long/runs/latest`;
    await eventually(
      async () =>
        (
          await operator(url, { type: 'READ_FILE', read_file: { path: `${sandbox}/stdout`, offset: 0 } })
        ).text.includes('aGVsbG8K'),
      10_000,
      'the task to write its stdout',
    );
    const listed = (await get(url, 'LIST_FILES', { list_files: { path: sandbox } })).list_files.file_infos;
    const names = listed.map((f: { path: string }) => f.path);
    t.true(names.includes(`${sandbox}/stdout`) && names.includes(`${sandbox}/stderr`), names.join(' '));
    const stdout = listed.find((f: { path: string }) => f.path === `${sandbox}/stdout`);
    t.like(stdout, { size: 6, nlink: 1 });
    t.is(typeof stdout.mtime.nanoseconds, 'number');
    t.deepEqual(await get(url, 'READ_FILE', { read_file: { path: `${sandbox}/stdout`, offset: 0 } }), {
      type: 'READ_FILE',
      read_file: { size: 6, data: Buffer.from('hello\n').toString('base64') },
    });
    t.deepEqual(
      (await get(url, 'READ_FILE', { read_file: { path: `${sandbox}/stdout`, offset: 1, length: 3 } }))
        .read_file,
      { size: 6, data: Buffer.from('ell').toString('base64') },
    );
    // Outside the sandboxes: refused; missing: not found.
    const etc = await operator(url, { type: 'LIST_FILES', list_files: { path: '/etc' } });
    t.is(etc.status, 403);
    const climbing = await operator(url, {
      type: 'READ_FILE',
      read_file: { path: `${sandbox}/../../../../../../../../../../../etc/passwd`, offset: 0 },
    });
    t.true(climbing.status === 403 || climbing.status === 404, `${climbing.status} ${climbing.text}`);
    t.false(climbing.text.includes('root:'), 'no byte of /etc/passwd');
    const missing = await operator(url, {
      type: 'READ_FILE',
      read_file: { path: `${sandbox}/nope`, offset: 0 },
    });
    t.is(missing.status, 404);

    // Mesos's errors.
    t.is((await send(`${url}/api/v1`, { method: 'GET' })).status, 405);
    t.is((await operator(url, { type: 'GET_HEALTH' }, { 'Content-Type': 'text/plain' })).status, 415);
    t.is((await operator(url, { type: 'GET_HEALTH' }, { Accept: 'text/html' })).status, 406);
    const notACall = await operator(url, '{"type":"GET_HEALTH"}', {
      'Content-Type': 'application/x-protobuf',
    });
    t.is(notACall.status, 400);
    t.regex(notACall.text, /^Failed to parse body into Call protobuf/u);
    t.is((await operator(url, { type: 'GET_EVERYTHING' })).status, 400);
    const noPath = await operator(url, { type: 'READ_FILE', read_file: { offset: 0 } });
    t.is(noPath.status, 400);
    t.is(noPath.text, "Failed to validate agent::Call: Expecting 'read_file.path' to be present");
    t.is((await operator(url, { type: 'LAUNCH_NESTED_CONTAINER', launch_nested_container: {} })).status, 501);
  } finally {
    driver.stop();
    await close();
    await cluster.close();
  }
});
