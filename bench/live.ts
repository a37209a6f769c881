/**
 * Live-mode benchmark: `agora master` and 4 `agora agent` processes on loopback (each its own
 * Node process, as deployed), and one framework in this process that launches `true` tasks as
 * fast as offers allow, over the v1 scheduler HTTP API. It prints one line:
 *
 *     tasks=2000 agents=4 wall_s=… launched_per_s=… updates_per_s=… offer_to_running_ms_p50=… offer_to_running_ms_p99=…
 *
 * - `launched_per_s`: tasks launched (ACCEPTed) per second of wall time, from the first offer to
 *   the last task's terminal update;
 * - `updates_per_s`: status updates the framework received (each acknowledged) per second;
 * - `offer_to_running_ms`: per task, from the framework receiving the offer it was launched on
 *   to its TASK_RUNNING update arriving.
 *
 * For scale (reference/mesos.md §8): Mesos reports one agent launching 1,000 containers in about
 * 30 s. With `--runs N` a `median of N:` line follows.
 *
 * Usage: node --import tsx bench/live.ts [--tasks 2000] [--agents 4] [--allocation-interval 0.1] [--runs 1]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MasterInfo } from '../src/core/messages/cluster-info.js';
import type { FrameworkID } from '../src/core/messages/ids.js';
import type { Offer } from '../src/core/messages/offer.js';
import { isTerminalState } from '../src/core/messages/task-state.js';
import type { TaskStatus } from '../src/core/messages/task-status.js';
import type { Scheduler, SchedulerDriver } from '../src/driver/index.js';
import { liveSchedulerDriver } from '../src/runtime/live/live-scheduler.js';
import { killHard, startAgent, startMaster } from '../test/runtime/live/processes.js';
import { benchArgs } from './args.js';
import { offerTasks } from './offer-tasks.js';

const values = benchArgs(
  'node --import tsx bench/live.ts [--tasks 2000] [--agents 4] [--allocation-interval 0.1] [--runs 1]',
  {
    tasks: { type: 'string', default: '2000' },
    agents: { type: 'string', default: '4' },
    'allocation-interval': { type: 'string', default: '0.1' },
    runs: { type: 'string', default: '1' },
  },
);

/** Launches `total` `true` tasks on every offer that has room, and times them. */
class Launcher implements Scheduler {
  readonly offeredAt = new Map<string, number>();
  readonly runningAfterMs: number[] = [];
  updates = 0;
  ended = 0;
  launched = 0;
  firstOfferAt: number | undefined;
  lastEndAt = 0;
  #resolve: () => void = () => {};
  readonly done = new Promise<void>((resolve) => {
    this.#resolve = resolve;
  });

  readonly total: number;

  constructor(total: number) {
    this.total = total;
  }

  registered(_d: SchedulerDriver, _id: FrameworkID, _m: MasterInfo | undefined): void {}
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
    this.firstOfferAt ??= now;
    for (const offer of offers) {
      const tasks = offerTasks(
        offer,
        this.total - this.launched,
        () => {
          const id = `t${this.launched++}`;
          this.offeredAt.set(id, now);
          return id;
        },
        'true',
      );
      if (tasks.length === 0) {
        driver.declineOffer(offer.id, { refuse_seconds: 1 });
        continue;
      }
      driver.launchTasks([offer.id], tasks, { refuse_seconds: 0 });
    }
    if (this.launched >= this.total) driver.suppressOffers();
  }

  statusUpdate(_d: SchedulerDriver, status: TaskStatus): void {
    this.updates++;
    const id = status.task_id.value;
    if (status.state === 'TASK_RUNNING') {
      const at = this.offeredAt.get(id);
      if (at !== undefined) this.runningAfterMs.push(performance.now() - at);
    }
    if (isTerminalState(status.state)) {
      this.ended++;
      this.lastEndAt = performance.now();
      if (this.ended >= this.total) this.#resolve();
    }
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

interface Figures {
  wallS: number;
  launchedPerS: number;
  updatesPerS: number;
  p50: number;
  p99: number;
}

async function runOnce(tasks: number, agents: number): Promise<Figures> {
  const master = await startMaster(0, ['--allocation-interval', values['allocation-interval'] as string]);
  const started = await Promise.all(
    Array.from({ length: agents }, () =>
      startAgent(master.url, mkdtempSync(join(tmpdir(), 'agora-bench-agent-')), 'cpus:16;mem:16384'),
    ),
  );
  const launcher = new Launcher(tasks);
  const { driver, close } = liveSchedulerDriver(
    launcher,
    { user: 'bench', name: 'launcher' },
    { masterUrl: master.url },
  );
  try {
    driver.start();
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`not done after 600 s: ${launcher.ended}/${tasks} ended`)),
        600_000,
      ).unref(),
    );
    await Promise.race([launcher.done, timeout]);
    const wallS = (launcher.lastEndAt - (launcher.firstOfferAt ?? launcher.lastEndAt)) / 1000;
    const sorted = [...launcher.runningAfterMs].sort((a, b) => a - b);
    return {
      wallS,
      launchedPerS: tasks / wallS,
      updatesPerS: launcher.updates / wallS,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
    };
  } finally {
    driver.stop();
    await close();
    await Promise.all(started.map((a) => killHard(a.child)));
    await killHard(master.child);
  }
}

function line(tasks: number, agents: number, f: Figures): string {
  return (
    `tasks=${tasks} agents=${agents} wall_s=${f.wallS.toFixed(2)} launched_per_s=${f.launchedPerS.toFixed(0)} ` +
    `updates_per_s=${f.updatesPerS.toFixed(0)} offer_to_running_ms_p50=${f.p50.toFixed(0)} offer_to_running_ms_p99=${f.p99.toFixed(0)}`
  );
}

const tasks = Number(values.tasks);
const agents = Number(values.agents);
const runs = Math.max(1, Number(values.runs));
const all: Figures[] = [];
for (let i = 0; i < runs; i++) {
  const f = await runOnce(tasks, agents);
  all.push(f);
  console.log(line(tasks, agents, f));
}
if (runs > 1) {
  const median = (pick: (f: Figures) => number) => {
    const s = all.map(pick).sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)] as number;
  };
  console.log(
    `median of ${runs}: ${line(tasks, agents, {
      wallS: median((f) => f.wallS),
      launchedPerS: median((f) => f.launchedPerS),
      updatesPerS: median((f) => f.updatesPerS),
      p50: median((f) => f.p50),
      p99: median((f) => f.p99),
    })}`,
  );
}
