/**
 * Live master at scale: an `agora master` process, N emulated agents in this process (the real
 * Agent over LiveNode, each at its own loopback address, emulated-agents.ts), and one framework
 * in a process of its own launching tasks as fast as offers allow. It prints one line:
 *
 *     agents=… registered=… registration_s=… agents_lost=… duplicate_agents=… tasks=… launched_per_s=…
 *     offer_to_running_ms_p50=… offer_to_running_ms_p99=… task_lost=… master_cpu_pct=… master_rss_mb=…
 *     agents_cpu_pct=…
 *
 * - `agents`: emulated agents started: `--agents`, or by default as many as the file-descriptor
 *   limit allows, up to 10,000 (the bench raises its soft limit to the hard one first; each
 *   agent costs about one descriptor here and one in the master);
 * - `registered`: agents the master had registered and active once registration settled, and
 *   `registration_s` how long that took;
 * - `agents_lost`: agents the master deactivated or removed at any time in the run (sampled from
 *   /metrics/snapshot every 5 s, and from each agent's own view: one that was told to reregister
 *   or got a new id); `duplicate_agents`: agent records beyond N at the end (an agent that never
 *   heard its id and registered again);
 * - `launched_per_s`: tasks that reached TASK_RUNNING per second, from the first offer to the
 *   last of them; `offer_to_running_ms`: per task, from the offer it was launched on reaching
 *   the framework to its TASK_RUNNING arriving;
 * - `task_lost`: TASK_LOST (or UNREACHABLE, DROPPED, GONE) updates the framework heard;
 * - `master_cpu_pct`: the master process's CPU time (user + system) over the launch window, as a
 *   percentage of one core; `master_rss_mb`: its peak resident memory (VmHWM); `agents_cpu_pct`
 *   the same for this process, which hosts the emulated agents.
 *
 * Tasks are `sleep <--task-seconds>` run by a timer on the agent's clock (SimCommandRunner), not
 * as processes: the figures are the master's, the protocol's and the agents' logic, not fork()'s.
 * After the launches the cluster idles `--idle-seconds` (two health-check rounds by default)
 * before agents are counted, so a health check that would fail has its chance to. With
 * `AGORA_PROF_DIR=dir` the master writes a CPU profile there (node --cpu-prof).
 *
 * Usage: node --import tsx bench/live-scale.ts [--agents N] [--tasks 20000] [--tasks-per-offer 4]
 *        [--task-seconds 5] [--allocation-interval 1] [--idle-seconds 35] [--runs 1]
 */
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Offer } from '../src/core/messages/offer.js';
import { isTerminalState } from '../src/core/messages/task-state.js';
import type { TaskStatus } from '../src/core/messages/task-status.js';
import { parseResources } from '../src/core/resource-text.js';
import type { Scheduler, SchedulerDriver } from '../src/driver/index.js';
import { EmulatedAgents } from '../src/runtime/live/emulated-agents.js';
import { eventually } from '../src/runtime/live/eventually.js';
import { liveSchedulerDriver } from '../src/runtime/live/live-scheduler.js';
import { SimCommandRunner } from '../src/runtime/sim/sim-command-runner.js';
import { killHard, type Started, startMaster } from '../test/runtime/live/processes.js';
import { benchArgs } from './args.js';
import { offerTasks } from './offer-tasks.js';

const USAGE =
  'node --import tsx bench/live-scale.ts [--agents N] [--tasks 20000] [--tasks-per-offer 4] ' +
  '[--task-seconds 5] [--allocation-interval 1] [--idle-seconds 35] [--runs 1]';

/** Re-runs this script with the soft descriptor limit raised to the hard one (once). */
function raiseDescriptorLimit(): void {
  if (process.env.AGORA_BENCH_FDS_RAISED === '1') return;
  const r = spawnSync(
    '/bin/sh',
    [
      '-c',
      'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"',
      'sh',
      process.execPath,
      ...process.execArgv,
      ...process.argv.slice(1),
    ],
    { stdio: 'inherit', env: { ...process.env, AGORA_BENCH_FDS_RAISED: '1' } },
  );
  process.exit(r.status ?? 1);
}

/** This process's soft limit on open files. */
function descriptorLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const soft = Number(line?.split(/\s{2,}/u)[1]);
  return Number.isFinite(soft) ? soft : 1024;
}

raiseDescriptorLimit();
const values = benchArgs(USAGE, {
  agents: { type: 'string' },
  tasks: { type: 'string', default: '20000' },
  'tasks-per-offer': { type: 'string', default: '4' },
  'task-seconds': { type: 'string', default: '5' },
  'allocation-interval': { type: 'string', default: '1' },
  'idle-seconds': { type: 'string', default: '35' },
  runs: { type: 'string', default: '1' },
  // Internal: this process is the bench's framework, for the master at this URL.
  'framework-for': { type: 'string' },
});

const fdLimit = descriptorLimit();
/** Descriptors kept for everything else (the framework, the master's own, stdio, tsx). */
const FD_RESERVE = 2_000;
const agentCount = Number(values.agents ?? Math.min(10_000, fdLimit - FD_RESERVE));
const tasks = Number(values.tasks);
const tasksPerOffer = Number(values['tasks-per-offer']);
const taskSeconds = Number(values['task-seconds']);
const idleSeconds = Number(values['idle-seconds']);
const LOST_STATES = new Set(['TASK_LOST', 'TASK_UNREACHABLE', 'TASK_DROPPED', 'TASK_GONE']);

/** CPU seconds (user + system) and peak RSS of process `pid`. */
function processUsage(pid: number): { cpuS: number; peakRssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const hwm = /VmHWM:\s+(\d+) kB/u.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuS: ticks / 100, peakRssMb: Number(hwm?.[1] ?? 0) / 1024 };
}

/** Launches `total` tasks on offers as they come, `perOffer` at most on each, and times them. */
class Launcher implements Scheduler {
  readonly offeredAt = new Map<string, number>();
  readonly runningAfterMs: number[] = [];
  readonly states = new Map<string, number>();
  launched = 0;
  running = 0;
  lost = 0;
  firstOfferAt: number | undefined;
  lastRunningAt = 0;
  #resolve: () => void = () => {};
  readonly allRunning = new Promise<void>((resolve) => {
    this.#resolve = resolve;
  });

  readonly total: number;
  readonly perOffer: number;
  readonly #firstOffer: () => void;

  constructor(total: number, perOffer: number, firstOffer: () => void) {
    this.total = total;
    this.perOffer = perOffer;
    this.#firstOffer = firstOffer;
  }

  registered(): void {}
  reregistered(): void {}
  disconnected(): void {}
  offerRescinded(): void {}
  frameworkMessage(): void {}
  slaveLost(): void {}
  executorLost(): void {}
  error(_d: SchedulerDriver, message: string): void {
    console.error(`# error: ${message}`);
  }

  resourceOffers(driver: SchedulerDriver, offers: readonly Offer[]): void {
    const now = performance.now();
    if (this.firstOfferAt === undefined) {
      this.firstOfferAt = now;
      this.#firstOffer();
    }
    for (const offer of offers) {
      const batch = offerTasks(
        offer,
        Math.min(this.perOffer, this.total - this.launched),
        () => {
          const id = `t${this.launched++}`;
          this.offeredAt.set(id, now);
          return id;
        },
        `sleep ${taskSeconds}`,
      );
      if (batch.length === 0) {
        driver.declineOffer(offer.id, { refuse_seconds: 1 });
        continue;
      }
      driver.launchTasks([offer.id], batch, { refuse_seconds: 0 });
    }
    if (this.launched >= this.total) driver.suppressOffers();
  }

  statusUpdate(_d: SchedulerDriver, status: TaskStatus): void {
    this.states.set(status.state, (this.states.get(status.state) ?? 0) + 1);
    if (LOST_STATES.has(status.state)) this.lost++;
    const id = status.task_id.value;
    if (status.state === 'TASK_RUNNING') {
      const at = this.offeredAt.get(id);
      if (at !== undefined) {
        this.offeredAt.delete(id);
        this.runningAfterMs.push(performance.now() - at);
        this.running++;
        this.lastRunningAt = performance.now();
        if (this.running >= this.total) this.#resolve();
      }
    } else if (isTerminalState(status.state) && this.offeredAt.delete(id)) {
      // Ended without ever running: it counts towards the end, not towards the latency.
      this.running++;
      if (this.running >= this.total) this.#resolve();
    }
  }
}

/** The `p` quantile of `sorted`; -1 when it is empty (NaN would not survive the IPC). */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? -1;
}

interface Figures {
  registered: number;
  registrationS: number;
  agentsLost: number;
  duplicates: number;
  launchedPerS: number;
  p50: number;
  p99: number;
  taskLost: number;
  masterCpuPct: number;
  masterRssMb: number;
  /** This process's (the agents' and the framework's) CPU over the same window. */
  benchCpuPct: number;
}

type Metrics = Record<string, number>;

async function metrics(master: Started & { url: string }): Promise<Metrics> {
  return (await fetch(`${master.url}/metrics/snapshot`)).json() as Promise<Metrics>;
}

function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  return eventually(check, timeoutMs, what, { pollMs: 250 });
}

async function runOnce(): Promise<Figures> {
  const master = await startMaster(0, [
    '--allocation-interval',
    values['allocation-interval'] as string,
    '--max-connections',
    String(agentCount + 1_000),
  ]);
  let masterExit: string | undefined;
  master.child.once('exit', (code, signal) => {
    masterExit = `the master exited (code ${code}, signal ${signal})`;
  });
  const resources = parseResources('cpus:4;mem:4096');
  if (!resources.ok) throw new Error('bad resources');
  const startedAt = performance.now();
  const emulated = await EmulatedAgents.start({
    masterUrl: master.url,
    count: agentCount,
    resources: resources.value,
    workDir: mkdtempSync(join(tmpdir(), 'agora-scale-')),
    commandRunner: () => new SimCommandRunner(),
    log: (line) => console.error(`# agents: ${line}`),
  });
  // Agents the master lost at some point: deactivated (sampled), or an agent that had to
  // register anew or reregister (its own view, sampled every second).
  let maxInactive = 0;
  let maxUnreachable = 0;
  const firstIds = new Map<number, string>();
  const lostHere = new Set<number>();
  const watchAgents = setInterval(() => {
    emulated.agents.forEach((agent, i) => {
      const id = agent.agentId;
      if (id === undefined) return;
      const first = firstIds.get(i);
      if (first === undefined) firstIds.set(i, id);
      else if (first !== id) lostHere.add(i);
      if (agent.phase !== 'registered') lostHere.add(i);
    });
  }, 1_000);
  let sampling = true;
  const sampleMaster = (async () => {
    while (sampling) {
      const m = await metrics(master).catch(() => undefined);
      if (m !== undefined) {
        maxInactive = Math.max(maxInactive, m['master/slaves_inactive'] ?? 0);
        maxUnreachable = Math.max(maxUnreachable, m['master/slaves_unreachable'] ?? 0);
      }
      await new Promise((r) => setTimeout(r, 5_000));
    }
  })();
  const framework = fork(
    fileURLToPath(import.meta.url),
    ['--framework-for', master.url, ...process.argv.slice(2)],
    {
      env: { ...process.env, AGORA_BENCH_FDS_RAISED: '1' },
    },
  );
  try {
    await until(
      () => emulated.agents.every((a) => a.agentId !== undefined),
      600_000,
      'every agent to hear its id',
    );
    const registrationS = (performance.now() - startedAt) / 1000;
    const registered = (await metrics(master))['master/slaves_active'] ?? 0;
    let before = processUsage(master.child.pid as number);
    let benchBefore = process.cpuUsage();
    const report = await new Promise<FrameworkReport>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the framework did not finish in 900 s')), 900_000);
      framework.on('message', (m: FrameworkMessage) => {
        if (m.kind === 'first-offer') {
          before = processUsage(master.child.pid as number);
          benchBefore = process.cpuUsage();
        } else {
          clearTimeout(timer);
          resolve(m);
        }
      });
      framework.once('exit', (code) => reject(new Error(`the framework exited with ${code}`)));
      framework.send('start');
    });
    const after = processUsage(master.child.pid as number);
    const bench = process.cpuUsage(benchBefore);
    console.error(`# updates heard: ${JSON.stringify(report.states)}`);
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    if (lostHere.size > 0 || maxInactive + maxUnreachable > 0) {
      // What the master said about it: its log, which names every refused or broken message.
      const log = join(tmpdir(), `agora-scale-master-${master.child.pid}.log`);
      writeFileSync(log, master.stderr());
      if (masterExit !== undefined) console.error(`# ${masterExit}`);
      const lines = master.stderr().trim().split('\n');
      console.error(`# the master's whole log: ${log}`);
      console.error(`# agents lost; the master's log (${lines.length} lines) ends:`);
      for (const l of lines.slice(-15)) console.error(`#   ${l.slice(0, 300)}`);
    }
    const state = (await (await fetch(`${master.url}/master/state`)).json()) as {
      slaves: { active: boolean }[];
      unreachable_slaves: number;
    };
    return {
      registered,
      registrationS,
      agentsLost: Math.max(lostHere.size, maxInactive + maxUnreachable),
      duplicates: Math.max(0, state.slaves.length + state.unreachable_slaves - agentCount),
      launchedPerS: tasks / report.windowS,
      p50: report.p50,
      p99: report.p99,
      taskLost: report.lost,
      masterCpuPct: (100 * (after.cpuS - before.cpuS)) / report.windowS,
      benchCpuPct: (100 * (bench.user + bench.system)) / 1e6 / report.windowS,
      masterRssMb: processUsage(master.child.pid as number).peakRssMb,
    };
  } finally {
    clearInterval(watchAgents);
    sampling = false;
    await sampleMaster;
    framework.kill('SIGKILL');
    await emulated.close();
    // SIGTERM first, so a master started with --cpu-prof writes its profile.
    const exited = new Promise((r) => master.child.once('exit', r));
    master.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    await killHard(master.child);
  }
}

/** What the framework process tells the bench. */
type FrameworkMessage = { readonly kind: 'first-offer' } | FrameworkReport;

/** The framework's figures, once every task has reached TASK_RUNNING (or ended). */
interface FrameworkReport {
  readonly kind: 'done';
  readonly windowS: number;
  readonly p50: number;
  readonly p99: number;
  readonly lost: number;
  /** Updates heard, by state. */
  readonly states: Readonly<Record<string, number>>;
}

/**
 * The framework side, in its own process (a framework is not co-located with ten thousand
 * agents, and in this process its calls would wait behind theirs): launches, reports, then keeps
 * acknowledging until the bench kills it.
 */
async function runFramework(masterUrl: string): Promise<void> {
  const send = (m: FrameworkMessage) => process.send?.(m);
  await new Promise((r) => process.once('message', r));
  const launcher = new Launcher(tasks, tasksPerOffer, () => send({ kind: 'first-offer' }));
  const { driver } = liveSchedulerDriver(launcher, { user: 'bench', name: 'scale' }, { masterUrl });
  driver.start();
  await launcher.allRunning;
  const sorted = [...launcher.runningAfterMs].sort((a, b) => a - b);
  send({
    kind: 'done',
    windowS: (launcher.lastRunningAt - (launcher.firstOfferAt ?? launcher.lastRunningAt)) / 1000,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    lost: launcher.lost,
    states: Object.fromEntries(launcher.states),
  });
}

function line(f: Figures): string {
  return (
    `agents=${agentCount} registered=${f.registered} registration_s=${f.registrationS.toFixed(1)} ` +
    `agents_lost=${f.agentsLost} duplicate_agents=${f.duplicates} tasks=${tasks} ` +
    `launched_per_s=${f.launchedPerS.toFixed(0)} offer_to_running_ms_p50=${f.p50.toFixed(0)} ` +
    `offer_to_running_ms_p99=${f.p99.toFixed(0)} task_lost=${f.taskLost} ` +
    `master_cpu_pct=${f.masterCpuPct.toFixed(0)} master_rss_mb=${f.masterRssMb.toFixed(0)} ` +
    `agents_cpu_pct=${f.benchCpuPct.toFixed(0)}`
  );
}

if (values['framework-for'] !== undefined) {
  await runFramework(values['framework-for']);
  // Stay up, acknowledging updates, until the bench kills this process.
  await new Promise(() => {});
}
console.error(`# descriptor limit ${fdLimit}: ${agentCount} emulated agents`);
const runs = Math.max(1, Number(values.runs));
const all: Figures[] = [];
for (let i = 0; i < runs; i++) {
  const f = await runOnce();
  all.push(f);
  console.log(line(f));
}
if (runs > 1) {
  const median = (pick: (f: Figures) => number) => {
    const s = all.map(pick).sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)] as number;
  };
  console.log(
    `median of ${runs}: ${line({
      registered: median((f) => f.registered),
      registrationS: median((f) => f.registrationS),
      agentsLost: median((f) => f.agentsLost),
      duplicates: median((f) => f.duplicates),
      launchedPerS: median((f) => f.launchedPerS),
      p50: median((f) => f.p50),
      p99: median((f) => f.p99),
      taskLost: median((f) => f.taskLost),
      masterCpuPct: median((f) => f.masterCpuPct),
      masterRssMb: median((f) => f.masterRssMb),
      benchCpuPct: median((f) => f.benchCpuPct),
    })}`,
  );
}
process.exit(0);
