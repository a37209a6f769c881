/**
 * Reliable status updates through the whole agent, with a fake master that withholds, delays,
 * duplicates or loses acknowledgements (mesos.md §5.2; Mesos slave.cpp `forward`).
 */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import type { StatusUpdate } from '../../src/core/messages/agent-protocol.js';
import { AGENT, commandTask, newWorld, setup, traces } from './harness.js';

test('acks withheld: the head is resent after exactly 10, 20, 40 … s, capped at 600 s, and nothing else is sent', (t) => {
  const world = newWorld(1);
  const { master } = setup(world, { ack: 'none' });
  world.runUntil(2000);
  master().runTask(commandTask('t1', 'sleep 5', 'm-S0'));
  world.runUntil(5000 + 3600_000);
  const ups = master().updates();
  t.true(
    ups.every((u) => u.update.status.state === 'TASK_STARTING'),
    'one in flight per task',
  );
  t.is(new Set(ups.map((u) => u.update.uuid)).size, 1);
  const gapsS = ups.slice(1).map((u, i) => (u.at - (ups[i]?.at ?? 0)) / 1000);
  t.deepEqual(gapsS, [10, 20, 40, 80, 160, 320, 600, 600, 600, 600]);
  // latest_state: absent on the first send (the task was STARTING), the newest state after.
  t.is(ups[0]?.latest, undefined);
  t.true(ups.slice(1).every((u) => u.latest === 'TASK_FINISHED'));
});

test('the ack of the head releases the next update at once; latest_state tells the master the task ended', (t) => {
  const world = newWorld(1);
  const { master, agent } = setup(world, { ack: 'none' });
  world.runUntil(2000);
  master().runTask(commandTask('t1', 'sleep 5', 'm-S0'));
  world.runUntil(60_000);
  const starting = master().updates()[0]?.update as StatusUpdate;
  master().acknowledge(starting);
  const ackAt = world.now;
  world.runUntil(61_000);
  const ups = master().updates();
  const running = ups.find((u) => u.update.status.state === 'TASK_RUNNING');
  t.is((running?.at ?? 0) - ackAt, 2);
  t.is(running?.latest, 'TASK_FINISHED');
  master().acknowledge(running?.update as StatusUpdate);
  world.runUntil(62_000);
  const finished = master()
    .updates()
    .find((u) => u.update.status.state === 'TASK_FINISHED');
  t.truthy(finished);
  t.is(finished?.latest, undefined); // the newest state needs no latest_state
  t.is(agent().state().frameworks[0]?.executors[0]?.tasks[0]?.where, 'terminated');
  master().acknowledge(finished?.update as StatusUpdate);
  world.runUntil(63_000);
  t.deepEqual(agent().state().frameworks, []);
  t.is(agent().state().statusUpdateStreams, 0);
});

test('a duplicate acknowledgement is ignored (traced) and releases nothing more', (t) => {
  const world = newWorld(1);
  const { master } = setup(world, { ack: 'none' });
  world.runUntil(2000);
  master().runTask(commandTask('t1', 'sleep 5', 'm-S0'));
  world.runUntil(3000);
  const starting = master().updates()[0]?.update as StatusUpdate;
  master().acknowledge(starting);
  master().acknowledge(starting);
  world.runUntil(4000);
  t.deepEqual(master().statesOf('t1'), ['TASK_STARTING', 'TASK_RUNNING']);
  t.like(traces(world, 'status-update-ack-ignored')[0], {
    task: 't1',
    why: 'duplicate',
    uuid: starting.uuid,
  });
  // A stale acknowledgement (for an update not at the head) is ignored too.
  master().acknowledge({ ...starting, uuid: 'AAAAAAAAAAAAAAAAAAAAAA==' });
  world.runUntil(5000);
  t.is(traces(world, 'status-update-ack-ignored')[1]?.why, 'not the head');
});

test('updates wait while the agent is disconnected and are resent at once when it reregisters', (t) => {
  const world = newWorld(8);
  const { master } = setup(world, { ack: 'none' });
  world.runUntil(2000);
  master().runTask(commandTask('t1', 'sleep 5', 'm-S0'));
  world.runUntil(3000);
  master().pinging = false;
  world.runUntil(150_000); // the ping timeout fired; the agent reregistered
  const rereg = master().ofType('REREGISTER_AGENT')[0];
  t.truthy(rereg);
  const after = master()
    .updates()
    .filter((u) => u.at > (rereg?.at ?? 0));
  t.is(after[0]?.at, (rereg?.at ?? 0) + 2); // resent right after AGENT_REREGISTERED
  t.is(after[0]?.update.status.state, 'TASK_STARTING');
});

/**
 * The whole agent over a lossy, duplicating network: whatever is lost (registrations, pings,
 * updates, acknowledgements) every update of every task reaches the master, in order, and an
 * update is never sent again once the agent has processed its acknowledgement.
 */
testProp(
  'over a lossy, duplicating network every update reaches the master in order, and acknowledged ones are not resent',
  [
    fc.integer({ min: 0, max: 1_000_000 }),
    fc.double({ min: 0, max: 0.3, noNaN: true }),
    fc.double({ min: 0, max: 0.3, noNaN: true }),
  ],
  (t, seed, loss, duplication) => {
    const world = newWorld(seed, {
      lossProbability: loss,
      duplicateProbability: duplication,
      latencyMsMax: 50,
    });
    const { master, agent } = setup(world);
    // Keep sending RUN_TASK until the agent has registered and holds the tasks. Ten minutes, not
    // one: at 27% loss an agent registered at 58 s once lost both RUN_TASKs the first minute left
    // (fast-check seed -1870784025), a harness that gave up, not an agent fault.
    const commands = ['sleep 3', 'sleep 1; exit 2', 'sleep 7'];
    for (let s = 1; s <= 600; s++) {
      world.at(s * 1000, () => {
        const id = master().agentId;
        if (id === undefined) return;
        for (const [i, c] of commands.entries()) {
          const task = `t${i}`;
          if (master().statesOf(task).length === 0) master().runTask(commandTask(task, c, id));
        }
      });
    }
    world.runUntil(4 * 3600_000);
    const expected = [
      ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED'],
      ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FAILED'],
      ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED'],
    ];
    for (const [i, states] of expected.entries()) {
      const distinct: string[] = [];
      const seen = new Set<string>();
      for (const u of master().updates()) {
        if (u.update.status.task_id.value !== `t${i}` || seen.has(u.update.uuid)) continue;
        seen.add(u.update.uuid);
        distinct.push(u.update.status.state);
      }
      t.deepEqual(distinct, states, `task t${i}`);
    }
    // After the acknowledgement of an update was processed, no forward of it follows.
    const lines = world.traceLines().map((l) => JSON.parse(l) as Record<string, unknown>);
    const acked = new Set<unknown>();
    for (const r of lines) {
      if (r.kind === 'agent.status-update-acknowledged') acked.add(r.uuid);
      if (r.kind === 'agent.status-update-forwarded') t.false(acked.has(r.uuid));
    }
    t.is(agent().state().statusUpdateStreams, 0);
    t.is(world.status(AGENT), 'running');
  },
  { numRuns: 15 },
);
