/**
 * Highly available masters on real ZooKeeper, on real processes (zk/ha-cluster.ts): three
 * `agora master --zk` processes, two `agora agent --master zk://…` processes and a framework
 * whose driver finds the leader in ZooKeeper. A leader SIGKILLed is replaced within the session
 * timeout and a few seconds, and the framework fails over to the new one with its tasks still
 * running; a leader SIGSTOPped past its session timeout sends nothing as leader when it wakes.
 */
import test from 'ava';
import { eventually } from '../../../../src/runtime/live/eventually.js';
import { liveSchedulerDriver } from '../../../../src/runtime/live/live-scheduler.js';
import { HaCluster } from '../../../../src/runtime/live/zk/ha-cluster.js';
import { ProbeScheduler } from '../../../conformance/probe-scheduler.js';
import { patient } from '../../../patience.js';

const SESSION_TIMEOUT_S = 3;

/** A framework on the cluster's zk:// URL, with `tasks` sleeping tasks running. */
async function frameworkWithTasks(cluster: HaCluster, tasks: number) {
  const probe = new ProbeScheduler('ha-probe');
  const { driver, close } = liveSchedulerDriver(
    probe,
    { user: 'agora', name: 'ha-probe', failover_timeout: 3600 },
    { masterUrl: cluster.zkUrl },
  );
  driver.start();
  await eventually(() => probe.frameworkId !== undefined, patient(20_000), 'the framework to subscribe');
  const ids = Array.from({ length: tasks }, (_, i) => `t${i}`);
  probe.launch(...ids.map((id) => ({ id, command: 'sleep 300', cpus: 0.5, mem: 32 })));
  await eventually(
    () => ids.every((id) => probe.latest(id) === 'TASK_RUNNING'),
    patient(20_000),
    () => `${tasks} tasks running (states: ${ids.map((id) => probe.latest(id)).join(', ')})`,
  );
  return { probe, driver, close, ids };
}

test.serial(
  'SIGKILL of the leader: a new leader within the session timeout, the framework fails over, its tasks reconcile RUNNING, new tasks launch',
  async (t) => {
    const cluster = await HaCluster.start({ sessionTimeoutS: SESSION_TIMEOUT_S });
    let closeFramework: (() => Promise<void>) | undefined;
    try {
      const first = await cluster.waitLeader(patient(10_000));
      // Followers redirect to the leader, as Mesos's masters do.
      const follower = cluster.masters.findIndex((_, i) => i !== first);
      const leaderUrl = new URL(cluster.masters[first]?.url as string);
      const redirect = await fetch(`${cluster.masters[follower]?.url}/api/v1/scheduler`, {
        method: 'POST',
        redirect: 'manual',
      });
      t.is(redirect.status, 307);
      t.is(redirect.headers.get('location'), `//${leaderUrl.host}/api/v1/scheduler`);
      const state = await cluster.state(first);
      t.is(state.leader, `master@${leaderUrl.host}`);

      const { probe, close, ids } = await frameworkWithTasks(cluster, 3);
      closeFramework = close;
      const frameworkId = probe.frameworkId;
      const killedAtMs = Date.now();
      await cluster.killMaster(first);
      const second = await cluster.waitLeader(patient(SESSION_TIMEOUT_S * 1000 + 5000), first);
      const electedMs = Date.now() - killedAtMs;
      t.log(`new leader master-${second} serving ${electedMs} ms after the SIGKILL`);
      // Within the session timeout and a few seconds (the bound a busy machine stretches).
      t.true(electedMs < patient(SESSION_TIMEOUT_S * 1000 + 5000));

      // The framework resubscribes with its id; the agents reregister with their tasks.
      await eventually(
        () => probe.reregistrations + probe.registrations >= 2,
        patient(20_000),
        'the framework to resubscribe',
      );
      t.is(probe.frameworkId, frameworkId);
      await eventually(
        async () => {
          const s = await cluster.state(second);
          const frameworks = (s.frameworks ?? []) as { id: string; tasks: { state: string }[] }[];
          const mine = frameworks.find((f) => f.id === frameworkId);
          return (
            mine !== undefined &&
            mine.tasks.filter((task) => task.state === 'TASK_RUNNING').length === ids.length
          );
        },
        patient(20_000),
        'the new leader to know the 3 tasks RUNNING from the reregistered agents',
      );
      const before = probe.updates.length;
      probe.driver?.reconcileTasks([]);
      await eventually(
        () =>
          ids.every((id) =>
            probe.updates.slice(before).some((u) => u.task_id.value === id && u.state === 'TASK_RUNNING'),
          ),
        patient(10_000),
        'implicit reconciliation to report every task RUNNING',
      );
      // New tasks launch through the new leader.
      probe.launch({ id: 'after-failover', command: 'sleep 300', cpus: 0.5, mem: 32 });
      await eventually(
        () => probe.latest('after-failover') === 'TASK_RUNNING',
        patient(20_000),
        'a new task to run',
      );
      t.deepEqual(probe.errors, []);
    } finally {
      await closeFramework?.();
      await cluster.close();
    }
  },
);

/**
 * A scheduler that subscribes straight to one master's URL (no ZooKeeper), never answers its
 * offers, and records every event with the time it arrived: it sees whatever that master sends.
 */
async function witness(url: string) {
  const events: { atMs: number; type: string }[] = [];
  const res = await fetch(`${url}/api/v1/scheduler`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({
      type: 'SUBSCRIBE',
      subscribe: { framework_info: { user: 'agora', name: 'witness' } },
    }),
  });
  if (res.status !== 200 || res.body === null)
    throw new Error(`the witness could not subscribe: ${res.status}`);
  const reader = res.body.getReader();
  const done = (async () => {
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return;
        const text = Buffer.from(chunk.value).toString();
        for (const match of text.matchAll(/"type":"([A-Z_]+)"/gu))
          events.push({ atMs: Date.now(), type: match[1] as string });
      }
    } catch {
      // The master closed the stream (it was deposed).
    }
  })();
  return { events, done, cancel: () => reader.cancel().catch(() => {}) };
}

test.serial(
  'SIGSTOP of the leader past its session timeout, then SIGCONT: it sends not one offer or launch as leader',
  async (t) => {
    // Offers time out after 1 s, so a master that still acted would rescind and offer at once.
    const cluster = await HaCluster.start({
      sessionTimeoutS: SESSION_TIMEOUT_S,
      masterArgs: ['--offer-timeout', '1'],
    });
    let closeFramework: (() => Promise<void>) | undefined;
    let seen: Awaited<ReturnType<typeof witness>> | undefined;
    try {
      const first = await cluster.waitLeader(patient(10_000));
      const { probe, close, ids } = await frameworkWithTasks(cluster, 2);
      closeFramework = close;
      seen = await witness(cluster.masters[first]?.url as string);
      const w = seen;
      await eventually(
        () => w.events.some((e) => e.type === 'OFFERS'),
        patient(10_000),
        'the witness to be offered',
      );
      cluster.signalMaster(first, 'SIGSTOP');
      const second = await cluster.waitLeader(patient(SESSION_TIMEOUT_S * 1000 + 5000), first);
      await eventually(
        () => probe.registrations + probe.reregistrations >= 2,
        patient(20_000),
        'the framework to fail over',
      );
      const wokeAtMs = Date.now();
      cluster.signalMaster(first, 'SIGCONT');
      const old = cluster.masters[first];
      await eventually(
        () => old?.lines.some((l) => l.atMs >= wokeAtMs && l.line.includes('no longer the leader')) === true,
        patient(10_000),
        'the woken master to say it no longer leads',
      );
      await seen.done;
      const after = seen.events.filter((e) => e.atMs >= wokeAtMs);
      t.deepEqual(
        after.filter((e) => e.type === 'OFFERS' || e.type === 'RESCIND'),
        [],
        'no offer or rescind from the deposed master',
      );
      // It sent nothing to the agents either: none had to refuse a deposed master's message.
      for (const agent of cluster.agents) {
        t.false(
          agent.lines.some((l) => l.line.includes('deposed master')),
          `${agent.name} heard from the deposed master`,
        );
      }
      t.log(
        `woken master: ${old?.lines
          .filter((l) => l.atMs >= wokeAtMs)
          .map((l) => l.line)
          .join(' | ')}`,
      );
      // The cluster goes on under the new leader, and the woken master now redirects to it.
      probe.launch({ id: 'after-wake', command: 'sleep 300', cpus: 0.5, mem: 32 });
      await eventually(
        () => probe.latest('after-wake') === 'TASK_RUNNING',
        patient(20_000),
        'a new task to run',
      );
      t.true(ids.every((id) => probe.latest(id) === 'TASK_RUNNING'));
      t.is(await cluster.waitLeader(patient(5000)), second);
    } finally {
      seen?.cancel();
      await closeFramework?.();
      await cluster.close();
    }
  },
);
