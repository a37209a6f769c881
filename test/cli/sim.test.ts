import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import { runCli, scenarioFile, tempDir } from './helpers.js';

test('sim --json prints the deterministic summary with the fields the issue asks for', async (t) => {
  const r = await runCli('sim', 'scenarios/drf-paper.json', '--json');
  t.is(r.code, 0, r.err);
  const s = JSON.parse(r.out);
  for (const key of ['scenario', 'seed', 'policy', 'simulatedSeconds', 'utilization', 'fairness']) {
    t.true(key in s, key);
  }
  // How many events the simulator processed depends on how it represents a run (the fast path
  // processes fewer for the same decisions), so it is a figure on stderr, not an outcome.
  t.false('events' in s);
  for (const key of [
    'tasksLaunched',
    'tasksFinished',
    'tasksFailed',
    'tasksLost',
    'tasksKilled',
    'running',
    'dominantShare',
    'meanDominantShare',
    'meanWaitSeconds',
  ]) {
    t.true(key in s.frameworks.A, key);
  }
  t.is(s.frameworks.A.running, 3);
  t.is(s.frameworks.B.running, 2);
  t.is(typeof s.fairness.jainIndex, 'number');
  // Timings go to stderr, never into the summary.
  t.regex(r.err, /s simulated in [\d.]+ s wall, [\d.]+k? events/u);
  t.notRegex(r.out, /wall/u);
});

test('the same seed gives byte-identical --json output and trace; another seed differs', async (t) => {
  const dir = tempDir('sim');
  const run = (seed: string, trace: string) =>
    runCli(
      'sim',
      'scenarios/mixed.json',
      '--until',
      '600',
      '--seed',
      seed,
      '--json',
      '--trace',
      join(dir, trace),
    );
  const [a, b, c] = [await run('7', 'a.jsonl'), await run('7', 'b.jsonl'), await run('8', 'c.jsonl')];
  t.is(a.code, 0, a.err);
  t.is(a.out, b.out);
  t.is(readFileSync(join(dir, 'a.jsonl'), 'utf8'), readFileSync(join(dir, 'b.jsonl'), 'utf8'));
  t.not(a.out, c.out);
  t.is(JSON.parse(a.out).seed, 7);
  t.is(JSON.parse(a.out).simulatedSeconds, 600);
});

test('--policy overrides the scenario policy; the table form names it', async (t) => {
  const r = await runCli('sim', 'scenarios/drf-paper.json', '--policy', 'asset', '--quiet');
  t.is(r.code, 0, r.err);
  t.regex(r.out, /^scenario drf-paper, seed 1, policy asset: 120 s simulated/u);
  t.regex(r.out, /^A \(a\) /mu);
  t.regex(r.out, /^utilization {2}cpus /mu);
  t.is(r.err, '', '--quiet prints nothing on stderr');
});

test('bad flags exit 2 with one line naming the flag', async (t) => {
  const cases: [string[], RegExp][] = [
    [['--seed', '-1'], /^agora: --seed: expected a whole number/u],
    [['--seed', '1.5'], /^agora: --seed: expected a whole number/u],
    [['--until', '0'], /^agora: --until: expected seconds, more than 0/u],
    [['--until', 'soon'], /^agora: --until: expected seconds/u],
    [['--policy', 'fifo'], /^agora: --policy: unknown policy "fifo" \(expected one of drf, asset, random\)/u],
    [['--serve', 'web'], /^agora: --serve: expected a port number from 0 to 65535, got "web"/u],
    [['--serve', '70000'], /^agora: --serve: expected a port number from 0 to 65535/u],
  ];
  for (const [flags, message] of cases) {
    const r = await runCli('sim', 'scenarios/drf-paper.json', ...flags);
    t.is(r.code, 2, flags.join(' '));
    t.regex(r.err, message);
    t.is(r.out, '');
  }
});

test('a bad scenario is rejected before the run with the path and the problem', async (t) => {
  const path = scenarioFile({
    name: 'bad',
    until: 10,
    agents: [{ resources: 'cpus:1;mem:1024' }],
    frameworks: [
      { name: 'A', jobs: [] },
      { name: 'B', jobs: [{ at: 0, tasks: 1, resources: 'cpu:1', duration: 1 }] },
    ],
  });
  const r = await runCli('sim', path);
  t.is(r.code, 2);
  t.regex(r.err, /frameworks\[1\]\.jobs\[0\]\.resources: unknown resource "cpu" at 0/u);
  t.is(r.out, '');
});

test('a trace file that cannot be written is a usage error', async (t) => {
  const r = await runCli(
    'sim',
    'scenarios/drf-paper.json',
    '--trace',
    join(tempDir('sim'), 'no', 'such', 'dir.jsonl'),
  );
  t.is(r.code, 2);
  t.regex(r.err, /^agora: cannot write trace file .*: ENOENT/u);
});

test('sim --help explains the command', async (t) => {
  const r = await runCli('sim', '--help');
  t.is(r.code, 0);
  t.regex(r.out, /deterministic simulated world/u);
  for (const flag of ['--seed', '--policy', '--until', '--json', '--trace', '--quiet'])
    t.true(r.out.includes(flag), flag);
});

test('sim --serve on a port in use says so before the run, exit 2', async (t) => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  try {
    const port = (taken.address() as AddressInfo).port;
    const r = await runCli('sim', 'scenarios/drf-paper.json', '--serve', String(port));
    t.is(r.code, 2);
    t.regex(r.err, new RegExp(`^agora: --serve: port ${port} is in use`, 'u'));
    t.is(r.out, '', 'no summary: the run did not start');
  } finally {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  }
});
