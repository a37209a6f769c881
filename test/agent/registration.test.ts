/**
 * Registration and health checks (mesos.md §6.7, §7.2; Mesos fault_tolerance_tests.cpp
 * SlaveReliableRegistration, SlaveReregisterOnZKExpiration; partition_tests OneWayPartition).
 */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { resourcesToJson } from '../../src/core/messages/resources-json.js';
import { resources } from '../../src/core/resource-text.js';
import {
  AGENT,
  AGENT_RESOURCES,
  commandTask,
  FRAMEWORK,
  MASTER,
  newWorld,
  setup,
  traces,
} from './harness.js';

/** Gaps between successive sends, in ms. */
function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] as number));
}

testProp(
  'a silent master gets REGISTER_AGENT after [0, 1 s), then after random gaps within [0, min(2^n s, 1 min)]',
  [fc.integer({ min: 0, max: 1_000_000 })],
  (t, seed) => {
    const world = newWorld(seed);
    const { master } = setup(world, { answer: () => false });
    world.runUntil(20 * 60_000);
    const sends = master()
      .ofType('REGISTER_AGENT')
      .map((g) => g.at - 1); // 1 ms of latency
    t.true(sends.length >= 10);
    t.true((sends[0] as number) < 1000);
    for (const [i, gap] of gaps(sends).entries()) {
      t.true(gap <= Math.min(1000 * 2 ** (i + 1), 60_000), `gap ${i} was ${gap} ms`);
    }
    t.is(master().ofType('REREGISTER_AGENT').length, 0);
  },
  { numRuns: 20 },
);

test('the backoff grows: over many attempts some gap exceeds the first bound', (t) => {
  const world = newWorld(7);
  const { master } = setup(world, { answer: () => false });
  world.runUntil(30 * 60_000);
  const g = gaps(
    master()
      .ofType('REGISTER_AGENT')
      .map((x) => x.at),
  );
  t.true(Math.max(...g) > 10_000);
});

test('REGISTER_AGENT describes the agent: hostname, port and resources as Mesos JSON', (t) => {
  const world = newWorld();
  const { master } = setup(world, {}, { hostname: 'node-1.example' });
  world.runUntil(2000);
  const reg = master().ofType('REGISTER_AGENT')[0]?.message;
  t.like(reg?.agent, { hostname: 'node-1.example', port: 5051 });
  t.deepEqual(reg?.agent.resources, resourcesToJson(resources(AGENT_RESOURCES)));
  t.is(reg?.agent.id, undefined);
});

test('registration stops once AGENT_REGISTERED arrives; the agent keeps its AgentID', (t) => {
  const world = newWorld(3);
  // The first two registrations get no answer (SlaveReliableRegistration).
  const { master, agent } = setup(world, { answer: (_m, n) => n >= 2 });
  world.runUntil(10 * 60_000);
  t.is(master().ofType('REGISTER_AGENT').length, 3);
  t.is(agent().agentId, 'm-S2');
  t.is(agent().state().phase, 'registered');
  t.is(traces(world, 'registered').length, 1);
});

test('every PING_AGENT is answered with PONG_AGENT', (t) => {
  const world = newWorld();
  const { master } = setup(world);
  world.runUntil(2000);
  const registeredAt = master().ofType('REGISTER_AGENT')[0]?.at ?? 0;
  world.runUntil(registeredAt + 60_010);
  // Pings at registration and every 15 s after: 5 in the first minute, each answered 2 ms later.
  t.deepEqual(
    master()
      .ofType('PONG_AGENT')
      .map((g) => g.at - registeredAt),
    [2, 15_002, 30_002, 45_002, 60_002],
  );
});

test('no ping for 75 s: the agent re-detects the master and reregisters with its id', (t) => {
  const world = newWorld(11);
  const { master } = setup(world);
  world.runUntil(100_000);
  const lastPingAt = 90_000 + (master().ofType('REGISTER_AGENT')[0]?.at ?? 0) + 1; // pings every 15 s
  master().pinging = false;
  world.runUntil(lastPingAt + 74_000);
  t.is(master().ofType('REREGISTER_AGENT').length, 0);
  world.runUntil(lastPingAt + 77_000);
  const rereg = master().ofType('REREGISTER_AGENT');
  t.is(rereg.length, 1);
  const at = rereg[0]?.at ?? 0;
  t.true(at >= lastPingAt + 75_000 && at < lastPingAt + 75_000 + 1000 + 2, `reregistered at ${at}`);
  t.is(rereg[0]?.message.agent.id?.value, 'm-S0');
  t.is(traces(world, 'master-lost').length, 1);
  t.is(traces(world, 'reregistered').length, 1);
});

test('the master can shorten the ping timeout with total_ping_timeout_seconds', (t) => {
  const world = newWorld(5);
  const { master } = setup(world, {
    pingIntervalMs: undefined,
    connection: { total_ping_timeout_seconds: 30 },
  });
  world.runUntil(40_000);
  const registeredAt = (master().ofType('REGISTER_AGENT')[0]?.at ?? 0) + 1;
  const at = master().ofType('REREGISTER_AGENT')[0]?.at ?? Number.NaN;
  t.true(at >= registeredAt + 30_000 && at < registeredAt + 31_002);
});

test('a ping saying "disconnected" makes a registered agent reregister at once (one-way partition)', (t) => {
  const world = newWorld(2);
  const { master } = setup(world);
  world.runUntil(5000);
  master().connected = false;
  master().send({ type: 'PING_AGENT', connected: false });
  const sentAt = world.now;
  world.runUntil(sentAt + 1100);
  const rereg = master().ofType('REREGISTER_AGENT');
  t.is(rereg.length, 1);
  t.true((rereg[0]?.at ?? 0) < sentAt + 1003);
  t.true(master().ofType('PONG_AGENT').length >= 2);
});

test('REREGISTER_AGENT reports tasks, frameworks and custom executors only', (t) => {
  const world = newWorld(9);
  const { master } = setup(world);
  world.runUntil(2000);
  master().runTask(commandTask('t1', 'sleep 1000', 'm-S0'));
  world.runUntil(3000);
  master().pinging = false;
  world.runUntil(200_000);
  const msg = master().ofType('REREGISTER_AGENT')[0]?.message;
  t.deepEqual(msg?.frameworks, [FRAMEWORK]);
  t.is(msg?.executor_infos, undefined); // command executors are not reported
  t.is(msg?.tasks?.length, 1);
  const task = msg?.tasks?.[0];
  t.like(task, { task_id: { value: 't1' }, framework_id: { value: 'fw-1' }, state: 'TASK_RUNNING' });
  t.is(task?.executor_id, undefined);
  t.is(task?.status_update_state, 'TASK_RUNNING');
});

test('AGENT_REREGISTERED reconciliation: tasks unknown to the agent become TASK_LOST (TASK_DROPPED if partition-aware)', (t) => {
  const world = newWorld(4);
  const { master } = setup(world);
  world.runUntil(2000);
  master().reconciliations = [
    { framework_id: { value: 'fw-1' }, statuses: [{ task_id: { value: 'ghost' }, state: 'TASK_RUNNING' }] },
    {
      framework_id: { value: 'fw-2' },
      statuses: [{ task_id: { value: 'ghost2' }, state: 'TASK_RUNNING' }],
      framework: { user: 'u', name: 'pa', capabilities: [{ type: 'PARTITION_AWARE' }] },
    },
  ];
  master().pinging = false;
  world.runUntil(200_000);
  const byTask = new Map(
    master()
      .updates()
      .map((u) => [u.update.status.task_id.value, u.update.status]),
  );
  t.like(byTask.get('ghost'), {
    state: 'TASK_LOST',
    reason: 'REASON_RECONCILIATION',
    source: 'SOURCE_AGENT',
    message: 'Reconciliation: task unknown to the agent',
  });
  t.like(byTask.get('ghost2'), { state: 'TASK_DROPPED', reason: 'REASON_RECONCILIATION' });
});

test('a crashed agent forgets everything and registers again as a new agent', (t) => {
  const world = newWorld(6);
  const { master, agent } = setup(world);
  world.runUntil(2000);
  master().runTask(commandTask('t1', 'sleep 1000', 'm-S0'));
  world.runUntil(3000);
  world.crash(AGENT);
  world.restart(AGENT);
  world.runUntil(6000);
  const regs = master().ofType('REGISTER_AGENT');
  t.is(regs.length, 2);
  t.is(regs[1]?.message.agent.id, undefined);
  t.is(agent().agentId, 'm-S1');
  t.deepEqual(agent().state().frameworks, []);
});

test('an orderly stop tells the master (UNREGISTER_AGENT)', (t) => {
  const world = newWorld();
  const { master } = setup(world);
  world.runUntil(2000);
  world.stop(AGENT);
  world.runUntil(3000);
  t.deepEqual(master().ofType('UNREGISTER_AGENT')[0]?.message, {
    type: 'UNREGISTER_AGENT',
    agent_id: { value: 'm-S0' },
  });
});

test('messages from anyone but the master are ignored', (t) => {
  const world = newWorld();
  const { agent } = setup(world, { answer: () => false });
  world.runUntil(500);
  world.inject('impostor', AGENT, {
    channel: 'agent',
    message: { type: 'AGENT_REGISTERED', agent_id: { value: 'x' } },
  });
  world.runUntil(2000);
  t.is(agent().agentId, undefined);
  t.like(traces(world, 'message-ignored')[0], { from: 'impostor', why: 'not from the master' });
  t.is(MASTER, 'master');
});
