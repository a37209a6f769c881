/**
 * Sim and live agree: each shipped small scenario (drf-paper, contended, mixed) replayed from the
 * same plan in the simulator and on a live loopback cluster, compared:
 * - task counts by outcome (submitted, launched, finished, failed, lost, killed, error, running,
 *   pending), per framework: equal;
 * - mean wait per framework, makespan (the last task end), utilisation per resource: within 10%
 *   of the simulator's figure, or within the live run's own measured lag (p99, scenario time),
 *   whichever is larger: a run cannot resolve time more finely than its timers fire.
 *
 * Counts can only be equal where they do not depend on timing at the cut, so each scenario is
 * cut where the simulator shows nothing starting or ending close by: drf-paper runs whole (its
 * tasks never end), contended runs until every task has ended, and mixed is cut at a quiet
 * instant found in the simulator (no launch or end within ±QUIET_MS).
 *
 * Faults the live harness cannot replay yet are taken out of both worlds' scenario (not of
 * live's alone), and the test says which in its output: today mixed's agent-crash at 900 s
 * (the master and agents run in one process; live crashes come with the fault proxy work).
 * Scheduler crashes and failovers are replayed live, and compared (the last case).
 *
 * mixed is marked failing, with the measurement that shows why (see its case).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { readScenarioFile } from '../../../src/cli/scenario-file.js';
import type { RunSummary } from '../../../src/metrics/run-summary.js';
import { LiveHarness } from '../../../src/runtime/live/live-harness.js';
import { runLiveScenario } from '../../../src/runtime/live/live-scenario-run.js';
import { ScenarioRun } from '../../../src/runtime/sim/scenario-run.js';
import type { Scenario } from '../../../src/scenario/schema.js';
import { scenarioFile } from '../../cli/helpers.js';

/** How far from any launch or task end a cut must be, in the simulator (scenario ms). */
const QUIET_MS = 3000;

/** The relative tolerance of timing figures. */
const TOLERANCE = 0.1;

type Counts = Record<string, Record<string, number>>;

function counts(summary: RunSummary): Counts {
  return Object.fromEntries(
    Object.entries(summary.frameworks).map(([name, f]) => [
      name,
      {
        submitted: f.tasksSubmitted,
        launched: f.tasksLaunched,
        finished: f.tasksFinished,
        failed: f.tasksFailed,
        lost: f.tasksLost,
        killed: f.tasksKilled,
        error: f.tasksError,
        running: f.running,
        pending: f.pending,
      },
    ]),
  );
}

/** The scenario without the faults live cannot replay yet, and what was taken out (said in the output). */
function replayable(scenario: Scenario): { scenario: Scenario; excluded: string[] } {
  const probe = new LiveHarness({ timeScale: 1, workDir: tmpdir(), seed: 1 });
  const excluded: string[] = [];
  const faults = scenario.faults.filter((f) => {
    const why = probe.cannotReplay(f.kind) ?? (f.kind === 'clock-skew' ? 'no clock skew live' : undefined);
    if (why !== undefined) excluded.push(`${f.kind} at ${f.atMs / 1000} s (${why})`);
    return why === undefined;
  });
  return { scenario: { ...scenario, faults }, excluded };
}

/** Task counts in the simulator at `atMs`, from a run advanced there. */
function simCountsAt(run: ScenarioRun, atMs: number): string {
  run.advance(atMs);
  const c = counts(run.summary());
  return JSON.stringify(
    Object.values(c).map((f) => [f.launched, f.finished, f.failed, f.lost, f.killed, f.error]),
  );
}

/** The first cut in [fromMs, toMs] (steps of 10 s) with no launch or task end within ±QUIET_MS in the simulator. */
function quietCut(scenario: Scenario, fromMs: number, toMs: number): number {
  for (let cut = fromMs; cut <= toMs; cut += 10_000) {
    const run = new ScenarioRun(scenario, { untilMs: cut + QUIET_MS });
    if (simCountsAt(run, cut - QUIET_MS) === simCountsAt(run, cut + QUIET_MS)) return cut;
  }
  throw new Error(`no quiet instant between ${fromMs} and ${toMs} ms`);
}

/** Within the tolerance: 10% of `sim`, or the live run's lag, whichever is larger. */
function close(live: number, sim: number, lagS: number): boolean {
  return Math.abs(live - sim) <= Math.max(TOLERANCE * Math.abs(sim), lagS) + 1e-9;
}

function makespanS(summary: RunSummary): number | null {
  const ends = Object.values(summary.frameworks)
    .map((f) => f.lastTaskEndSeconds)
    .filter((e): e is number => e !== null);
  return ends.length === 0 ? null : Math.max(...ends);
}

async function compare(
  t: ExecutionContext,
  path: string,
  options: { timeScale: number; untilMs?: number; quiet?: [number, number] },
): Promise<void> {
  const { scenario, excluded } = replayable(readScenarioFile(path));
  t.log(
    excluded.length === 0
      ? `${scenario.name}: every fault replayed in both worlds`
      : `${scenario.name}: not replayed live yet, so taken out of both worlds: ${excluded.join('; ')}`,
  );
  const untilMs =
    options.quiet === undefined
      ? (options.untilMs ?? scenario.untilMs)
      : quietCut(scenario, ...options.quiet);
  const sim = new ScenarioRun(scenario, { untilMs }).runToEnd();
  const live = await runLiveScenario(scenario, {
    timeScale: options.timeScale,
    workDir: mkdtempSync(join(tmpdir(), 'agora-replay-')),
    untilMs,
  });
  const lagS = Math.max(live.lag.actions.p99Ms, live.lag.probe.p99Ms) / 1000;
  t.log(
    `${scenario.name}: ${untilMs / 1000} s at ×${options.timeScale}; live lag p99 ${lagS.toFixed(3)} s ` +
      `(${(live.lag.fraction * 100).toFixed(1)}% of ${live.lag.smallestTiming})`,
  );
  t.deepEqual(live.skipped, [], 'nothing was skipped live');
  t.deepEqual(counts(live.summary), counts(sim), 'task counts by outcome');
  for (const [name, f] of Object.entries(sim.frameworks)) {
    const l = live.summary.frameworks[name];
    if (l === undefined) throw new Error(`no framework ${name} live`);
    t.true(
      close(l.meanWaitSeconds, f.meanWaitSeconds, lagS),
      `${name}: mean wait live ${l.meanWaitSeconds} s, sim ${f.meanWaitSeconds} s`,
    );
  }
  const [ms, ml] = [makespanS(sim), makespanS(live.summary)];
  t.true(
    ms === null ? ml === null : ml !== null && close(ml, ms, lagS),
    `makespan live ${ml} s, sim ${ms} s`,
  );
  for (const [resource, u] of Object.entries(sim.utilization)) {
    const l = live.summary.utilization[resource] ?? Number.NaN;
    t.true(close(l, u, 0), `${resource} utilisation live ${l}, sim ${u}`);
  }
}

test.serial('drf-paper agrees live and simulated (whole run: its tasks never end)', async (t) => {
  await compare(t, 'scenarios/drf-paper.json', { timeScale: 20 });
});

// Known to fail today, and why: mixed starts 345 tasks at time 0 on 100 agents, and every agent
// of `agora live` shares this process's event loop, which child_process.spawn() blocks until the
// child has exec'd (libuv waits on a close-on-exec pipe): 7.5 ms a task on this loaded machine,
// whatever the parent's size (7.45 ms at 51 MB, 7.68 ms at 207 MB). That is 3.3 s of real time
// at the start, 33 s of scenario time at ×10, so tasks start and end seconds later than in the
// simulator and the counts at any cut differ (e.g. analytics 190 finished live, 195 simulated,
// at 470 s). Agents as their own processes (`agora live --processes`, issue 14 item 4) take the
// spawns off the master's and schedulers' loop; when this passes, `failing` must go.
test.serial.failing(
  'mixed agrees live and simulated (cut at a quiet instant; its agent crash is past the cut)',
  async (t) => {
    await compare(t, 'scenarios/mixed.json', { timeScale: 10, quiet: [200_000, 880_000] });
  },
);

test.serial('contended agrees live and simulated (run until every task has ended)', async (t) => {
  await compare(t, 'scenarios/contended.json', { timeScale: 10, untilMs: 1_100_000 });
});

test.serial(
  'quotas, checkpointing and a scheduler crash with failover agree live and simulated',
  async (t) => {
    // Quota holds A to 2 CPUs at a time; B checkpoints, crashes at 20 s and fails over 5 s later
    // (within its failover timeout), keeping its running tasks. Every task ends before the cut.
    const path = scenarioFile({
      name: 'quota-checkpoint-failover',
      seed: 7,
      until: 90,
      agents: [{ count: 2, resources: 'cpus:4;mem:4096' }],
      frameworks: [
        {
          name: 'A',
          quota: { cpus: 2 },
          jobs: [{ name: 'a', at: 0, tasks: 10, resources: 'cpus:1;mem:256', duration: 5, failRate: 0.2 }],
        },
        {
          name: 'B',
          checkpoint: true,
          failoverTimeout: 60,
          jobs: [
            {
              name: 'b',
              at: 2,
              tasks: 8,
              resources: 'cpus:1;mem:512',
              duration: { dist: 'uniform', min: 10, max: 30 },
            },
          ],
        },
      ],
      faults: [{ at: 20, kind: 'framework-crash', framework: 'B', failoverAfter: 5 }],
    });
    await compare(t, path, { timeScale: 10 });
  },
);
