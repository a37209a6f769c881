/**
 * The live run's lag: the smallest timing it is judged against, the largest time scale it
 * allows, how samples become the report, and `agora live` refusing a scale it cannot hold.
 */
import test from 'ava';
import { readScenarioFile } from '../../../src/cli/scenario-file.js';
import {
  LAG_TOLERANCE,
  LagMeter,
  maxTimeScale,
  smallestTimingMs,
} from '../../../src/runtime/live/live-lag.js';
import { clusterPlan } from '../../../src/runtime/plan/cluster-plan.js';
import { runCli, scenarioFile } from '../../cli/helpers.js';

const contended = clusterPlan(readScenarioFile('scenarios/contended.json'));

test('the smallest timing is the shortest of the allocation interval, filters, timeouts and reconcile intervals', (t) => {
  t.deepEqual(smallestTimingMs(contended), { ms: 1000, what: 'the allocation interval' });
  t.is(maxTimeScale(contended), 50);
  const plan = clusterPlan(
    readScenarioFile(
      scenarioFile({
        name: 'fast-reconcile',
        until: 10,
        allocator: { allocationInterval: 2, refuseSeconds: 5 },
        agents: [{ count: 1, resources: 'cpus:1;mem:128' }],
        frameworks: [{ name: 'A', reconcileInterval: 0.4, jobs: [] }],
      }),
    ),
  );
  t.deepEqual(smallestTimingMs(plan), { ms: 400, what: "A's reconcile interval" });
});

test('lag samples are reported in scenario ms and judged against the smallest timing', (t) => {
  const meter = new LagMeter(20);
  for (let i = 0; i < 100; i++) meter.action(i * 1000, i * 1000 + (i < 98 ? 10 : 500));
  meter.action(5000, 4990); // early is not negative lag
  const report = meter.report(contended);
  t.is(report.actions.count, 101);
  t.is(report.actions.p50Ms, 10);
  t.is(report.actions.maxMs, 500);
  t.is(report.probe.count, 0);
  t.is(report.fraction, report.actions.p99Ms / 1000);
  t.is(report.exceeded, report.fraction > LAG_TOLERANCE);
  const calm = new LagMeter(20);
  calm.action(0, 50);
  t.false(calm.report(contended).exceeded, '50 ms of a 1 s interval is within 10%');
});

test('agora live refuses a time scale that would put the smallest timing under 20 ms of real time', async (t) => {
  const r = await runCli('live', 'scenarios/contended.json', '--time-scale', '10000', '--quiet');
  t.is(r.code, 2, r.err);
  t.regex(r.err, /--time-scale: 10000 would run the allocation interval .* in 0\.10 ms of real time/u);
  t.regex(r.err, /The largest time scale for this scenario is 50\./u);
});
