import test from 'ava';
import { RunRecorder } from '../../src/metrics/run-recorder.js';
import { runSummary } from '../../src/metrics/run-summary.js';

const q = (cpus: number, mem: number) =>
  new Map([
    ['cpus', cpus * 1000],
    ['mem', mem * 1000],
  ]);

function recorder(): RunRecorder {
  const r = new RunRecorder(
    [
      { name: 'A', weight: 1 },
      { name: 'B', weight: 2 },
    ],
    q(10, 100),
  );
  r.capacityChanged(0, q(10, 100), 1);
  return r;
}

const input = {
  scenario: 's',
  seed: 1,
  policy: 'drf',
  untilMs: 100,
  events: 0,
  roles: new Map([
    ['A', 'a'],
    ['B', 'b'],
  ]),
  master: { allocationRuns: 0, offersMade: 0, offersAccepted: 0, offersDeclined: 0, offersRescinded: 0 },
};

test('dominant share is the largest resource share; its mean is over the whole run', (t) => {
  const r = recorder();
  r.submitted('A', 0, 2);
  r.taskLaunched('A', 0, 0, q(1, 40)); // mem 40% dominates cpus 10%
  r.taskLaunched('A', 50, 30, q(5, 0)); // now cpus 60% dominates mem 40%
  r.taskEnded('A', 75, 'failed', q(5, 0));
  const s = runSummary(input, r);
  const a = s.frameworks.A;
  t.is(a?.dominantShare, 0.4);
  // 0.4 for 50 ms, 0.6 for 25 ms, 0.4 for 25 ms: 0.45.
  t.is(a?.meanDominantShare, 0.45);
  t.like(a, {
    tasksLaunched: 2,
    tasksFailed: 1,
    running: 1,
    pending: 0,
    meanWaitSeconds: 0.015,
    maxWaitSeconds: 0.03,
  });
  // cpus: 1 for 100 ms + 5 for 25 ms over 10 × 100; mem: 40 over 100.
  t.deepEqual(s.utilization, { cpus: 0.225, mem: 0.4 });
});

test("Jain's index compares mean shares over weights: B at twice A's share is perfectly fair", (t) => {
  const r = recorder();
  r.taskLaunched('A', 0, 0, q(1, 0));
  r.taskLaunched('B', 0, 0, q(2, 0));
  t.is(runSummary(input, r).fairness.jainIndex, 1);
  const unequal = recorder();
  unequal.taskLaunched('A', 0, 0, q(1, 0));
  t.is(runSummary(input, unequal).fairness.jainIndex, 0.5);
});

test('an unknown framework is a caller bug', (t) => {
  t.throws(() => recorder().submitted('C', 0, 1), { message: /no framework C/u });
});
