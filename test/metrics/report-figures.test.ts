/**
 * The figures the reports add: Jain's index per bin, the contention threshold, the mean of bins
 * up to a time (utilisation up to the makespan) and the 95% confidence interval of a mean.
 */
import test from 'ava';
import { meanOfBinsUpTo } from '../../src/metrics/binned-mean.js';
import { meanConfidence, t95 } from '../../src/metrics/confidence.js';
import { contentionIsMeaningful, MEANINGFUL_CONTENTION } from '../../src/metrics/contended-fairness.js';
import { jainPerBin } from '../../src/metrics/jain-over-time.js';

test("Jain's index per bin: over the frameworks with tasks pending, of share over weight", (t) => {
  const perBin = jainPerBin([
    // Weight 2 holding twice the share of a weight-1 framework is fair: index 1 in bin 0.
    { dominantShare: [0.4, 0.4, 0.5, 0.3], pending: [3, 3, 0, 1], weight: 2 },
    { dominantShare: [0.2, 0.6, 0.5, 0.1], pending: [1, 2, 4, 1], weight: 1 },
    { dominantShare: [0.1, 0.1, 0.0, 0.0], pending: [0.2, 0, 2, 0], weight: 1 },
  ]);
  t.is(
    perBin[0],
    1,
    'equal weighted shares (0.2, 0.2); the third, with a queue of 0.2 tasks on average, is not waiting',
  );
  // Bin 1: weighted shares 0.2 and 0.6: (0.8)² / (2 · 0.4) = 0.8.
  t.is(perBin[1], 0.8);
  // Bin 2: the first has nothing pending; 0.5 and 0 among the other two: 1/n = 0.5.
  t.is(perBin[2], 0.5);
  // Bin 3: 0.15 and 0.1: 0.0625 / (2 · 0.0325) = 0.961538.
  t.is(perBin[3], 0.961538);
  t.deepEqual(
    jainPerBin([
      { dominantShare: [0.5], pending: [1], weight: 1 },
      { dominantShare: [0.5], pending: [0], weight: 1 },
    ]),
    [null],
    'one framework waiting is no contention: no index, a gap in the chart',
  );
});

test('contention counts from 5% of the run and 30 allocation cycles', (t) => {
  t.is(MEANINGFUL_CONTENTION.runShare, 0.05);
  t.false(contentionIsMeaningful(0.35, 3600, 1), "mixed.json's 0.35 s of overlap is not contention");
  t.false(contentionIsMeaningful(179, 3600, 1), 'just under 5% of an hour');
  t.true(contentionIsMeaningful(180, 3600, 1), '5% of an hour');
  t.false(contentionIsMeaningful(20, 120, 1), '17% of a 2-minute run, but only 20 cycles');
  t.true(contentionIsMeaningful(30, 120, 1), '30 cycles of 1 s');
  t.false(contentionIsMeaningful(30, 120, 2), 'only 15 cycles of 2 s');
});

test('the mean of bins up to a time weighs a cut bin by the part before it', (t) => {
  // Bins of 10 s over a 30 s run: 1, 0.5, 0.
  t.is(meanOfBinsUpTo([1, 0.5, 0], 10, 30, 30), 0.5);
  t.is(meanOfBinsUpTo([1, 0.5, 0], 10, 30, 20), 0.75);
  t.is(meanOfBinsUpTo([1, 0.5, 0], 10, 30, 15), (10 * 1 + 5 * 0.5) / 15);
  t.is(meanOfBinsUpTo([1, 0.5, 0], 10, 30, 99), 0.5, 'never past the run');
  t.is(meanOfBinsUpTo([1, 0.5, 0], 10, 25, 25), (10 + 5) / 25, 'the last bin cut by the run end');
  t.is(meanOfBinsUpTo([], 10, 30, 30), 0);
});

test("the 95% confidence interval of a mean uses Student's t for few seeds", (t) => {
  t.is(t95(4), 2.776);
  t.is(t95(1000), 1.96);
  t.true(t95(60) < t95(30) && t95(60) > 1.98, 'between the table and the normal: in between');
  const { mean, halfWidth } = meanConfidence([1, 2, 3, 4, 5]);
  t.is(mean, 3);
  // sd = √2.5, standard error √0.5, times t(4) = 2.776.
  t.true(Math.abs(halfWidth - 2.776 * Math.sqrt(0.5)) < 1e-12);
  t.deepEqual(meanConfidence([7]), { mean: 7, halfWidth: 0 });
  t.throws(() => meanConfidence([]), { instanceOf: RangeError });
  t.throws(() => t95(0), { instanceOf: RangeError });
});
