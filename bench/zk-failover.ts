/**
 * Failover time of ZooKeeper-elected masters (zk/ha-cluster.ts): a real ZooKeeper server, three
 * `agora master --zk` processes, one agent, and a framework with a running task that finds the
 * leader in ZooKeeper. Each run SIGKILLs the leader and times
 *
 * - `elected`: SIGKILL → another master answers `/master/state` as leader (ZooKeeper must first
 *   expire the dead leader's session, so this is about the session timeout);
 * - `resubscribed`: SIGKILL → the framework is subscribed again, with its id, to the new leader;
 *
 * with the CPU time (user + system) the surviving masters, the agent and this process (the
 * framework, and the polling) spent in that window. One cluster per run; it prints one line per
 * run and the medians:
 *
 *     zk-failover: session=3s runs=5 elected=…ms resubscribed=…ms cpu=…ms (median)
 *
 * Usage: node --import tsx bench/zk-failover.ts [--runs 5] [--session-timeout 3]
 */
import { readFileSync } from 'node:fs';
import { eventually } from '../src/runtime/live/eventually.js';
import { liveSchedulerDriver } from '../src/runtime/live/live-scheduler.js';
import { HaCluster } from '../src/runtime/live/zk/ha-cluster.js';
import { ProbeScheduler } from '../test/conformance/probe-scheduler.js';
import { benchArgs } from './args.js';

const values = benchArgs('node --import tsx bench/zk-failover.ts [--runs 5] [--session-timeout 3]', {
  runs: { type: 'string', default: '5' },
  'session-timeout': { type: 'string', default: '3' },
});
const runs = Number(values.runs);
const sessionTimeoutS = Number(values['session-timeout']);

/** CPU time (user + system, ms) of process `pid`, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** CPU time of every process in `pids`, and of this one. */
function totalCpuMs(pids: readonly (number | undefined)[]): number {
  let total = ownCpuMs();
  for (const pid of pids) total += cpuMs(pid);
  return total;
}

function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const elected: number[] = [];
const resubscribed: number[] = [];
const cpu: number[] = [];
for (let run = 1; run <= runs; run++) {
  const cluster = await HaCluster.start({ agents: 1, sessionTimeoutS });
  const probe = new ProbeScheduler('bench');
  const framework = liveSchedulerDriver(
    probe,
    { user: 'agora', name: 'bench', failover_timeout: 3600 },
    { masterUrl: cluster.zkUrl },
  );
  try {
    framework.driver.start();
    probe.launch({ id: 'sleeper', command: 'sleep 300', cpus: 0.5, mem: 32 });
    await eventually(() => probe.latest('sleeper') === 'TASK_RUNNING', 60_000, 'the task to run');
    const leader = await cluster.waitLeader(10_000);
    const others = [...cluster.masters.filter((_, i) => i !== leader), ...cluster.agents].map(
      (p) => p.process.child.pid,
    );
    const subscriptions = probe.registrations + probe.reregistrations;
    const cpuBefore = totalCpuMs(others);
    const killedAt = performance.now();
    await cluster.killMaster(leader);
    await cluster.waitLeader(60_000, leader);
    const electedMs = performance.now() - killedAt;
    await eventually(
      () => probe.registrations + probe.reregistrations > subscriptions,
      60_000,
      'the framework to resubscribe',
      { pollMs: 5 },
    );
    const resubscribedMs = performance.now() - killedAt;
    const cpuMsUsed = totalCpuMs(others) - cpuBefore;
    elected.push(electedMs);
    resubscribed.push(resubscribedMs);
    cpu.push(cpuMsUsed);
    console.log(
      `run ${run}: elected=${electedMs.toFixed(0)}ms resubscribed=${resubscribedMs.toFixed(0)}ms cpu=${cpuMsUsed.toFixed(0)}ms`,
    );
  } finally {
    await framework.close();
    await cluster.close();
  }
}
console.log(
  `zk-failover: session=${sessionTimeoutS}s runs=${runs} elected=${median(elected).toFixed(0)}ms resubscribed=${median(resubscribed).toFixed(0)}ms cpu=${median(cpu).toFixed(0)}ms (median)`,
);
