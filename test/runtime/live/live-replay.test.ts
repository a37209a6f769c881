/**
 * Sim and live agree: each shipped small scenario (drf-paper, contended, mixed) replayed from the
 * same plan in the simulator and on a live loopback cluster, compared:
 * - task counts by outcome (submitted, launched, finished, failed, lost, killed, error, running,
 *   pending), per framework: equal;
 * - mean wait per framework, makespan (the last task end): within 10% of the simulator's figure,
 *   or within what a live run cannot resolve, whichever is larger: one allocation interval plus
 *   the run's own measured lag (p99, scenario time). Launches happen on the master's allocation
 *   grid; the simulator's grid starts with the scenario clock, a live master's started when the
 *   master did, before its agents registered, so its phase against the scenario clock is
 *   anywhere in one interval (drf-paper at ×20, strict 10%: A waited 5.36–5.49 s live against
 *   6.31 s simulated, B 3.49–3.60 s against 4.00 s, in 4 of 6 runs). The strict 10% figure of
 *   each comparison is printed, held or not;
 * - utilisation per resource: within 10%.
 *
 * Counts can only be equal where they do not depend on timing at the cut, so each scenario is
 * cut where the simulator shows nothing starting or ending close by: drf-paper runs whole (its
 * tasks never end), contended runs until every task has ended, and mixed is cut at a quiet
 * instant found in the simulator (no launch or end within ±QUIET_MS).
 *
 * Faults the live harness cannot replay (clock skew) are taken out of both worlds' scenario (not
 * of live's alone), and the test says which in its output. Agent and master crashes,
 * partitions and scheduler crashes and failovers are replayed live; the last case compares one.
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

/** Within the tolerance: 10% of `sim`, or `floorS` (what the live run cannot resolve), whichever is larger. */
function close(live: number, sim: number, floorS: number): boolean {
  return Math.abs(live - sim) <= Math.max(TOLERANCE * Math.abs(sim), floorS) + 1e-9;
}

/** Logs whether `live` is within a strict 10% of `sim`, whatever the test's floor. */
function logStrict(t: ExecutionContext, what: string, live: number, sim: number): void {
  const within = close(live, sim, 0);
  t.log(
    `${what}: live ${live.toFixed(3)} s, sim ${sim.toFixed(3)} s (${within ? 'within' : 'outside'} a strict 10%)`,
  );
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
  const floorS = scenario.allocator.allocationIntervalMs / 1000 + lagS;
  t.log(
    `${scenario.name}: ${untilMs / 1000} s at ×${options.timeScale}; live lag p99 ${lagS.toFixed(3)} s ` +
      `(${(live.lag.fraction * 100).toFixed(1)}% of ${live.lag.smallestTiming})`,
  );
  t.deepEqual(live.skipped, [], 'nothing was skipped live');
  t.deepEqual(counts(live.summary), counts(sim), 'task counts by outcome');
  for (const [name, f] of Object.entries(sim.frameworks)) {
    const l = live.summary.frameworks[name];
    if (l === undefined) throw new Error(`no framework ${name} live`);
    logStrict(t, `${name} mean wait`, l.meanWaitSeconds, f.meanWaitSeconds);
    t.true(
      close(l.meanWaitSeconds, f.meanWaitSeconds, floorS),
      `${name}: mean wait live ${l.meanWaitSeconds} s, sim ${f.meanWaitSeconds} s`,
    );
  }
  const [ms, ml] = [makespanS(sim), makespanS(live.summary)];
  if (ms !== null && ml !== null) logStrict(t, 'makespan', ml, ms);
  t.true(
    ms === null ? ml === null : ml !== null && close(ml, ms, floorS),
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

// Known to fail today, and why (measured 2026-12-05 with the offers each framework received and
// the master's trace, both worlds; figures and commands in the mixed note of this work): the
// task counts at the cut are equal, and so are makespan and utilisation, but etl's and web's
// mean waits are not (×10: etl 2.9-8.4 s live against 0.40 s simulated, web 0.2-12.5 s against
// 0.10 s). Two causes, neither a wrong offer (live offers carry the same resources and ports,
// and the simulator's offer-batch path decides byte for byte as the Offer path):
// 1. In the simulator agents register during the first second, after the frameworks
//    subscribed, and each is offered alone; live they have all registered before the clock
//    starts, so the first allocation offers the whole cluster to the one or two frameworks
//    subscribed by then (analytics took 29 of 62 agents and declined the rest).
// 2. Live, a framework's calls go one at a time over one connection, and each round trip
//    spans several turns of an event loop that 340 task spawns and their status updates keep
//    busy for about 2 s of real time: analytics's DECLINE of its surplus reached the master
//    0.95 s (real) after it was made at ×1 and 1.2 s at ×10, behind its 29 ACCEPTs, while web and
//    etl were offered only leftovers (cpus:4 and no memory).
// Letting live agents register from time 0, as the simulator's do, fixes 1 but moves the
// start-up burst into the measured time: at ×1 etl still waits 1.9 s (web's surplus is held
// behind its own calls), at ×10 analytics's finished count at the cut differs. Agreement needs
// both: registration from time 0 and calls that reach the master without waiting for earlier
// calls' answers (pipelined, as Mesos's scheduler library sends them), or the start-up burst
// off the master's event loop. When this passes, `failing` must go.
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
