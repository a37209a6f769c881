/**
 * The masters on a three-server ZooKeeper ensemble (real servers, zk/zookeeper-server.ts): with
 * one server killed the cluster keeps working; with two killed ZooKeeper has no quorum, so the
 * leader's lease runs out and it stops leading, saying so, and no master leads; when the servers
 * come back a leader is elected again and the framework goes on.
 */
import test from 'ava';
import { eventually } from '../../../../src/runtime/live/eventually.js';
import { liveSchedulerDriver } from '../../../../src/runtime/live/live-scheduler.js';
import { HaCluster } from '../../../../src/runtime/live/zk/ha-cluster.js';
import { ProbeScheduler } from '../../../conformance/probe-scheduler.js';
import { patient } from '../../../patience.js';

test('three ZooKeeper servers: one lost, the cluster works; two lost, no master leads; back, a leader again', async (t) => {
  const cluster = await HaCluster.start({ zookeepers: 3, sessionTimeoutS: 3 });
  let close: (() => Promise<void>) | undefined;
  const frameworkLines: string[] = [];
  try {
    await cluster.waitLeader(patient(10_000));
    const probe = new ProbeScheduler('ensemble-probe');
    const framework = liveSchedulerDriver(
      probe,
      { user: 'agora', name: 'ensemble-probe', failover_timeout: 3600 },
      { masterUrl: cluster.zkUrl, log: (line) => frameworkLines.push(`${new Date().toISOString()} ${line}`) },
    );
    close = framework.close;
    framework.driver.start();
    const runs = async (id: string) => {
      probe.launch({ id, command: 'sleep 300', cpus: 0.25, mem: 32 });
      await eventually(() => probe.latest(id) === 'TASK_RUNNING', patient(30_000), `task ${id} to run`);
    };
    await runs('before');

    await cluster.zk.kill(1);
    await runs('one-zookeeper-down');
    t.not(await cluster.waitLeader(patient(10_000)), undefined);

    const lostAtMs = Date.now();
    await cluster.zk.kill(2);
    await eventually(
      async () => (await cluster.leader()) === undefined,
      patient(10_000),
      'every master to stop leading without a ZooKeeper quorum',
    );
    t.true(
      cluster.masters.some((m) =>
        m.lines.some((l) => l.atMs >= lostAtMs && l.line.includes('no longer the leader')),
      ),
      'the leader says it stopped leading',
    );

    cluster.zk.restart(1);
    cluster.zk.restart(2);
    await Promise.all([cluster.zk.waitServing(1), cluster.zk.waitServing(2)]);
    await cluster.waitLeader(patient(30_000));
    await runs('zookeeper-back');
    t.true(['before', 'one-zookeeper-down'].every((id) => probe.latest(id) === 'TASK_RUNNING'));
  } catch (e) {
    t.log(`framework:\n${frameworkLines.slice(-30).join('\n')}`);
    for (const p of [...cluster.masters, ...cluster.agents])
      t.log(
        `${p.name}:\n${p.lines
          .slice(-25)
          .map((l) => `  ${l.line}`)
          .join('\n')}`,
      );
    throw e;
  } finally {
    await close?.();
    await cluster.close();
  }
});
