/**
 * Every operator Response and Event Agora writes in a live run fits Mesos's schemas exactly
 * (master.proto, agent.proto, mesos.proto): JSON → protobuf → JSON is lossless, so no field Mesos
 * lacks and no value of the wrong kind (schema-check.ts). The run has something in every list:
 * a command task running, one finished, a custom executor, weights and a quota for the
 * framework's role, reserved cpus on each agent, a second agent marked gone, the framework
 * leaving (disconnected, then removed); the master's SUBSCRIBE stream is read throughout. A
 * planted wrong field and a wrongly typed value show the check catches them.
 */
import { join } from 'node:path';
import test from 'ava';
import type { MasterInfo } from '../../../../src/core/messages/cluster-info.js';
import type { AgentID, ExecutorID, FrameworkID, OfferID } from '../../../../src/core/messages/ids.js';
import type { Offer } from '../../../../src/core/messages/offer.js';
import type { TaskStatus } from '../../../../src/core/messages/task-status.js';
import { parseResources } from '../../../../src/core/resource-text.js';
import type { Scheduler, SchedulerDriver } from '../../../../src/driver/scheduler.js';
import { AgentServer } from '../../../../src/runtime/live/agent-server.js';
import { liveSchedulerDriver } from '../../../../src/runtime/live/live-scheduler.js';
import type { ProtobufMessage } from '../../../../src/runtime/live/protobuf/codec.js';
import { eventually, liveCluster } from '../harness.js';
import { type Json, operator, subscribeOperator } from '../operator-client.js';
import { ECHO_EXECUTOR, typescriptExecutor } from '../typescript-executor.js';
import { schemaProblems } from './schema-check.js';

/** Launches, on the first offer, a long command task, a short one and a custom executor's task. */
class Workload implements Scheduler {
  readonly states = new Map<string, string>();
  frameworkId: string | undefined;
  agentId: string | undefined;
  #launched = false;
  registered(_d: SchedulerDriver, id: FrameworkID, _m: MasterInfo | undefined): void {
    this.frameworkId = id.value;
  }
  reregistered(): void {}
  disconnected(): void {}
  resourceOffers(driver: SchedulerDriver, offers: readonly Offer[]): void {
    // All three tasks go on the first offer's agent; every other offer is declined.
    const chosen = this.#launched ? undefined : offers[0];
    for (const offer of offers) {
      if (offer !== chosen) driver.declineOffer(offer.id, { refuse_seconds: 3600 });
    }
    if (chosen === undefined) return;
    this.#launched = true;
    this.agentId = chosen.agent_id.value;
    const resources = [
      { name: 'cpus', type: 'SCALAR' as const, scalar: { value: 0.1 } },
      { name: 'mem', type: 'SCALAR' as const, scalar: { value: 16 } },
    ];
    const task = (id: string) => ({ name: id, task_id: { value: id }, agent_id: chosen.agent_id, resources });
    driver.launchTasks(
      [chosen.id],
      [
        { ...task('long'), command: { value: 'echo hello; sleep 60' } },
        { ...task('ok'), command: { value: 'true' } },
        { ...task('echo-task'), executor: typescriptExecutor(ECHO_EXECUTOR) },
      ],
    );
  }
  offerRescinded(_d: SchedulerDriver, _o: OfferID): void {}
  statusUpdate(_d: SchedulerDriver, status: TaskStatus): void {
    this.states.set(status.task_id.value, status.state);
  }
  frameworkMessage(_d: SchedulerDriver, _e: ExecutorID, _a: AgentID, _data: string): void {}
  slaveLost(): void {}
  executorLost(): void {}
  error(): void {}
}

const MASTER_READS: readonly Record<string, unknown>[] = [
  { type: 'GET_HEALTH' },
  { type: 'GET_FLAGS' },
  { type: 'GET_VERSION' },
  { type: 'GET_METRICS', get_metrics: {} },
  { type: 'GET_LOGGING_LEVEL' },
  { type: 'GET_STATE' },
  { type: 'GET_AGENTS' },
  { type: 'GET_FRAMEWORKS' },
  { type: 'GET_EXECUTORS' },
  { type: 'GET_TASKS' },
  { type: 'GET_ROLES' },
  { type: 'GET_WEIGHTS' },
  { type: 'GET_MASTER' },
  { type: 'GET_QUOTA' },
  { type: 'GET_MAINTENANCE_STATUS' },
];

function agentReads(sandbox: string): readonly Record<string, unknown>[] {
  return [
    { type: 'GET_HEALTH' },
    { type: 'GET_FLAGS' },
    { type: 'GET_VERSION' },
    { type: 'GET_METRICS', get_metrics: {} },
    { type: 'GET_STATE' },
    { type: 'GET_CONTAINERS' },
    { type: 'GET_FRAMEWORKS' },
    { type: 'GET_EXECUTORS' },
    { type: 'GET_TASKS' },
    { type: 'GET_AGENT' },
    { type: 'LIST_FILES', list_files: { path: sandbox } },
    { type: 'READ_FILE', read_file: { path: `${sandbox}/stdout`, offset: 0 } },
  ];
}

/** One answer Agora wrote, and which message it is. */
interface Written {
  readonly what: string;
  readonly message: ProtobufMessage;
  readonly json: Json;
}

async function readAll(
  url: string,
  calls: readonly Record<string, unknown>[],
  message: ProtobufMessage,
  when: string,
): Promise<Written[]> {
  const out: Written[] = [];
  for (const call of calls) {
    const a = await operator(url, call);
    if (a.status !== 200) throw new Error(`${String(call.type)}: ${a.status} ${a.text}`);
    out.push({ what: `${message} ${String(call.type)} (${when})`, message, json: JSON.parse(a.text) });
  }
  return out;
}

test('every operator Response and Event Agora writes in a live run survives JSON → protobuf → JSON', async (t) => {
  const cluster = await liveCluster(1, 'cpus:2;mem:512', { master: { operatorHeartbeatMs: 300 } });
  const url = cluster.master.url;
  const stream = await subscribeOperator(url);
  // A second agent registers while the stream is open: AGENT_ADDED.
  const resources = parseResources('cpus:2;mem:512');
  if (!resources.ok) throw new Error('resources');
  const second = await AgentServer.start({
    masterUrl: url,
    resources: resources.value,
    workDir: join(cluster.workDir, 'agent-second'),
    port: 0,
  });
  const agents = [...cluster.agents, second];
  const workload = new Workload();
  const { driver, close } = liveSchedulerDriver(
    workload,
    {
      user: 'tester',
      name: 'schema',
      roles: ['web'],
      capabilities: [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }],
    },
    { masterUrl: url },
  );
  const written: Written[] = [];
  try {
    for (const change of [
      { type: 'UPDATE_WEIGHTS', update_weights: { weight_infos: [{ role: 'web', weight: 2.5 }] } },
      {
        type: 'UPDATE_QUOTA',
        update_quota: {
          quota_configs: [{ role: 'web', limits: { cpus: { value: 1.5 }, mem: { value: 400 } } }],
        },
      },
    ]) {
      const a = await operator(url, change);
      t.is(a.status, 200, a.text);
    }
    await eventually(
      () =>
        cluster.master.master.state().activated_slaves === 2 &&
        agents.every((a) => a.agent.phase === 'registered'),
      10_000,
      'the second agent',
    );
    // Reserved resources on both agents, so agents, roles and (wherever the tasks land) tasks
    // carry reservations.
    for (const agent of agents) {
      const reserved = await operator(url, {
        type: 'RESERVE_RESOURCES',
        reserve_resources: {
          agent_id: { value: agent.agent.agentId },
          resources: [
            {
              name: 'cpus',
              type: 'SCALAR',
              scalar: { value: 0.5 },
              reservations: [{ type: 'DYNAMIC', role: 'web', principal: 'ops' }],
            },
          ],
        },
      });
      t.is(reserved.status, 202, reserved.text);
    }
    driver.start();
    await eventually(
      () =>
        workload.states.get('long') === 'TASK_RUNNING' &&
        workload.states.get('ok') === 'TASK_FINISHED' &&
        workload.states.get('echo-task') === 'TASK_FINISHED',
      20_000,
      'the three tasks to run',
    );
    const taskAgent = agents.find((a) => a.agent.agentId === workload.agentId);
    const idleAgent = agents.find((a) => a.agent.agentId !== workload.agentId);
    if (taskAgent === undefined || idleAgent === undefined) throw new Error('agents');
    const agentUrl = `http://127.0.0.1:${taskAgent.port}`;
    const sandbox = `/frameworks/${workload.frameworkId}/executors/long/runs/latest`;
    await eventually(
      async () =>
        (
          await operator(agentUrl, { type: 'READ_FILE', read_file: { path: `${sandbox}/stdout`, offset: 0 } })
        ).text.includes(Buffer.from('hello').toString('base64').slice(0, 4)),
      10_000,
      'the task to write its stdout',
    );

    // Everything has something in it: that is what makes the check strict.
    const running = await readAll(url, MASTER_READS, 'mesos.v1.master.Response', 'running');
    const state = running.find((w) => w.json.type === 'GET_STATE')?.json.get_state;
    t.true(state.get_tasks.tasks.length >= 1, 'tasks');
    t.true(state.get_tasks.completed_tasks.length >= 1, 'completed tasks');
    t.true(state.get_executors.executors.length >= 1, 'executors');
    t.true(state.get_frameworks.frameworks.length >= 1, 'frameworks');
    t.is(state.get_agents.agents.length, 2, 'agents');
    t.true(
      state.get_agents.agents.every((a: Json) =>
        a.total_resources.some((r: Json) => r.reservations?.[0]?.role === 'web'),
      ),
      'reservations',
    );
    written.push(...running);
    // Planted in a real answer: a field Mesos's Task lacks is seen, by its path.
    const planted = structuredClone(running.find((w) => w.json.type === 'GET_STATE')?.json);
    planted.get_state.get_tasks.tasks[0].slave_pid = 'slave(1)@127.0.0.1:5051';
    t.deepEqual(schemaProblems('mesos.v1.master.Response', planted), [
      'get_state.get_tasks.tasks[0].slave_pid: "slave(1)@127.0.0.1:5051" is lost (not in Mesos\'s schema, or not of its kind)',
    ]);
    const onAgent = await readAll(agentUrl, agentReads(sandbox), 'mesos.v1.agent.Response', 'running');
    const agentState = onAgent.find((w) => w.json.type === 'GET_STATE')?.json.get_state;
    t.true(agentState.get_tasks.launched_tasks.length >= 1, 'agent tasks');
    t.true(agentState.get_executors.executors.length >= 1, 'agent executors');
    written.push(...onAgent);

    // An agent marked gone, then the framework torn down: AGENT_REMOVED, FRAMEWORK_REMOVED and
    // the completed lists.
    const gone = await operator(url, {
      type: 'MARK_AGENT_GONE',
      mark_agent_gone: { agent_id: { value: idleAgent.agent.agentId } },
    });
    t.is(gone.status, 200, gone.text);
    // The scheduler goes away without tearing down (failover) and its connection closes:
    // FRAMEWORK_UPDATED, disconnected; with no failover timeout the master then removes it:
    // FRAMEWORK_REMOVED. (The live driver's stop(true) keeps the stream open until close().)
    driver.stop(true);
    await close();
    const types = () => stream.events.map((e) => e.type as string);
    await eventually(
      () =>
        ['AGENT_REMOVED', 'FRAMEWORK_UPDATED', 'FRAMEWORK_REMOVED', 'HEARTBEAT'].every((type) =>
          types().includes(type),
        ),
      10_000,
      () => `AGENT_REMOVED, FRAMEWORK_UPDATED, FRAMEWORK_REMOVED and HEARTBEAT among ${types().join(' ')}`,
    );
    written.push(...(await readAll(url, MASTER_READS, 'mesos.v1.master.Response', 'after teardown')));
    const seen = new Set(types());
    for (const type of ['SUBSCRIBED', 'TASK_ADDED', 'TASK_UPDATED', 'AGENT_ADDED', 'FRAMEWORK_ADDED']) {
      t.true(seen.has(type), `the stream carried ${type}`);
    }
    written.push(
      ...stream.events.map((event, i) => ({
        what: `mesos.v1.master.Event ${event.type} #${i}`,
        message: 'mesos.v1.master.Event' as const,
        json: event,
      })),
    );

    const problems = written.flatMap((w) => schemaProblems(w.message, w.json).map((p) => `${w.what}: ${p}`));
    t.deepEqual(problems, [], problems.join('\n'));
    t.log(`${written.length} answers and events checked (${stream.events.length} events)`);
  } finally {
    stream.close();
    driver.stop();
    await close();
    await second.close();
    await cluster.close();
  }
});

test('the schema check catches a field Mesos lacks and a value of the wrong kind (planted)', (t) => {
  const good = {
    type: 'GET_AGENT',
    get_agent: { agent_info: { hostname: 'h', id: { value: 'a1' }, port: 5051 } },
  };
  t.deepEqual(schemaProblems('mesos.v1.agent.Response', good), []);
  const extra = {
    ...good,
    get_agent: { agent_info: { ...good.get_agent.agent_info, pid: 'slave(1)@h:5051' } },
  };
  t.deepEqual(schemaProblems('mesos.v1.agent.Response', extra), [
    'get_agent.agent_info.pid: "slave(1)@h:5051" is lost (not in Mesos\'s schema, or not of its kind)',
  ]);
  const stringPort = { ...good, get_agent: { agent_info: { ...good.get_agent.agent_info, port: '5051' } } };
  t.deepEqual(schemaProblems('mesos.v1.agent.Response', stringPort), [
    'get_agent.agent_info.port: sent "5051", came back 5051',
  ]);
  const badEnum = {
    type: 'TASK_UPDATED',
    task_updated: {
      framework_id: { value: 'f' },
      status: { task_id: { value: 't' }, state: 'RUNNING' },
      state: 'TASK_RUNNING',
    },
  };
  t.true(
    schemaProblems('mesos.v1.master.Event', badEnum).some((p) => p.startsWith('task_updated.status.state')),
  );
  const withNull = { ...good, get_agent: { agent_info: { ...good.get_agent.agent_info, domain: null } } };
  t.deepEqual(schemaProblems('mesos.v1.agent.Response', withNull), [
    'get_agent.agent_info.domain: null (Mesos leaves an unset field out)',
  ]);
  const notAMessage = { type: 'GET_AGENT', get_agent: { agent_info: 'a1' } };
  t.regex(schemaProblems('mesos.v1.agent.Response', notAMessage)[0] ?? '', /does not encode/u);
});
