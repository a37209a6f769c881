import test from 'ava';
import { type CliResult, runCli } from './helpers.js';

/** Runs `agora fair-share ...args` with buffered output. */
function fairShare(...args: string[]): Promise<CliResult> {
  return runCli('fair-share', ...args);
}

const PAPER_ARGS = [
  '--capacity',
  'cpus:9;mem:18432',
  '--user',
  'A=cpus:1;mem:4096',
  '--user',
  'B=cpus:3;mem:1024',
];

const PAPER_JSON =
  '{"policy":"drf","users":{"A":{"tasks":3,"dominantShare":0.6667,"allocated":"cpus:3;mem:12288"},' +
  '"B":{"tasks":2,"dominantShare":0.6667,"allocated":"cpus:6;mem:2048"}},"free":"cpus:0;mem:4096"}\n';

test('--json prints the issue example byte for byte', async (t) => {
  t.deepEqual(await fairShare(...PAPER_ARGS, '--json'), { code: 0, out: PAPER_JSON, err: '' });
});

test('without --capacity and --user it runs the DRF paper example', async (t) => {
  t.deepEqual(await fairShare('--json'), { code: 0, out: PAPER_JSON, err: '' });
  t.deepEqual(await fairShare(), {
    code: 0,
    out: [
      "(no --capacity or --user given: the DRF paper's example, Ghodsi et al., NSDI 2011)",
      'policy drf on pool cpus:9;mem:18432',
      'user  weight  tasks  dominant share  allocated',
      'A          1      3          0.6667  cpus:3;mem:12288',
      'B          1      2          0.6667  cpus:6;mem:2048',
      'free cpus:0;mem:4096',
      '',
    ].join('\n'),
    err: '',
  });
});

test('the table aligns columns and shows weights, caps and users with nothing', async (t) => {
  const r = await fairShare(
    '--capacity',
    'cpus:12;mem:100;disk:5',
    '--user',
    'web=cpus:1;mem:2',
    '--user',
    'batch=cpus:0.5',
    '--user',
    'huge=cpus:20',
    '--weight',
    'web=2',
    '--max-tasks',
    'batch=4',
  );
  t.deepEqual(r, {
    code: 0,
    out: [
      'policy drf on pool cpus:12;mem:100;disk:5',
      'user   weight  tasks  dominant share  allocated',
      'web         2     10          0.8333  cpus:10;mem:20',
      'batch       1      4          0.1667  cpus:2',
      'huge        1      0          0.0000  -',
      'free cpus:0;mem:80;disk:5',
      '',
    ].join('\n'),
    err: '',
  });
});

test('--policy asset on the DRF paper counter-example (70 CPU / 70 GB)', async (t) => {
  const r = await fairShare(
    '--capacity',
    'cpus:70;mem:70',
    '--user',
    'u1=cpus:2;mem:2',
    '--user',
    'u2=cpus:1;mem:2',
    '--policy',
    'asset',
    '--json',
  );
  t.deepEqual(r, {
    code: 0,
    out:
      '{"policy":"asset","users":{"u1":{"tasks":15,"dominantShare":0.4286,"allocated":"cpus:30;mem:30"},' +
      '"u2":{"tasks":20,"dominantShare":0.5714,"allocated":"cpus:20;mem:40"}},"free":"cpus:20;mem:0"}\n',
    err: '',
  });
});

test('JSON keeps users in the order given, even with integer-like names', async (t) => {
  const r = await fairShare('--capacity', 'cpus:4', '--user', 'b=cpus:1', '--user', '2=cpus:1', '--json');
  t.is(
    r.out,
    '{"policy":"drf","users":{"b":{"tasks":2,"dominantShare":0.5,"allocated":"cpus:2"},' +
      '"2":{"tasks":2,"dominantShare":0.5,"allocated":"cpus:2"}},"free":"cpus:0"}\n',
  );
});

test('a user with no tasks has an empty allocation in JSON', async (t) => {
  const r = await fairShare('--capacity', 'cpus:2', '--user', 'a=cpus:3', '--json');
  t.is(
    r.out,
    '{"policy":"drf","users":{"a":{"tasks":0,"dominantShare":0,"allocated":""}},"free":"cpus:2"}\n',
  );
});

test('--help explains the default example and the policies', async (t) => {
  const r = await fairShare('--help');
  t.is(r.code, 0);
  t.is(r.err, '');
  t.regex(r.out, /Usage: agora fair-share \[options\]/);
  t.regex(r.out, /With no --capacity and no --user it runs the DRF paper's worked example/);
  t.regex(r.out, /drf or asset \(random is not offered/);
  t.regex(r.out, /At most 100000 tasks are placed/);
});

const BAD: [string, string[], string][] = [
  [
    'bad user resources',
    ['--capacity', 'cpus:9', '--user', 'A=cpus:1', '--user', 'B=cpu:1'],
    '--user B: unknown resource "cpu" at 0 (expected one of cpus, gpus, mem, disk, ports)',
  ],
  [
    'bad capacity',
    ['--capacity', 'cpus:9;mem:x', '--user', 'A=cpus:1'],
    '--capacity: invalid number "x" for "mem" (expected a non-negative decimal) at 11',
  ],
  ['--user without =', ['--capacity', 'cpus:9', '--user', 'A'], '--user "A": expected NAME=RESOURCES'],
  [
    '--user without a name',
    ['--capacity', 'cpus:9', '--user', '=cpus:1'],
    '--user "=cpus:1": missing the user name before "="',
  ],
  [
    'duplicate user',
    ['--capacity', 'cpus:9', '--user', 'A=cpus:1', '--user', 'A=cpus:2'],
    '--user A: given twice',
  ],
  ['empty demand', ['--capacity', 'cpus:9', '--user', 'A='], '--user A: the task demand is empty'],
  ['empty pool', ['--capacity', '', '--user', 'A=cpus:1'], '--capacity: the pool is empty'],
  [
    '--weight for an unknown user',
    [...PAPER_ARGS, '--weight', 'C=2'],
    '--weight C: no such user (users: A, B)',
  ],
  ['--weight zero', [...PAPER_ARGS, '--weight', 'A=0'], '--weight A: expected a positive number, got "0"'],
  [
    '--weight negative',
    [...PAPER_ARGS, '--weight', 'A=-1'],
    '--weight A: expected a positive number, got "-1"',
  ],
  [
    '--weight not a number',
    [...PAPER_ARGS, '--weight', 'A=two'],
    '--weight A: expected a positive number, got "two"',
  ],
  ['--weight without =', [...PAPER_ARGS, '--weight', 'A'], '--weight "A": expected NAME=NUMBER'],
  ['--weight twice', [...PAPER_ARGS, '--weight', 'A=2', '--weight', 'A=3'], '--weight A: given twice'],
  [
    '--max-tasks for an unknown user',
    [...PAPER_ARGS, '--max-tasks', 'Z=1'],
    '--max-tasks Z: no such user (users: A, B)',
  ],
  [
    '--max-tasks zero',
    [...PAPER_ARGS, '--max-tasks', 'A=0'],
    '--max-tasks A: expected a positive whole number, got "0"',
  ],
  [
    '--max-tasks fractional',
    [...PAPER_ARGS, '--max-tasks', 'A=1.5'],
    '--max-tasks A: expected a positive whole number, got "1.5"',
  ],
  [
    '--max-tasks not a number',
    [...PAPER_ARGS, '--max-tasks', 'A=NaN'],
    '--max-tasks A: expected a positive whole number, got "NaN"',
  ],
  [
    'unknown policy',
    [...PAPER_ARGS, '--policy', 'fifo'],
    '--policy: unknown policy "fifo" (fair-share supports drf, asset)',
  ],
  [
    'random policy',
    ['--policy', 'random'],
    '--policy: unknown policy "random" (fair-share supports drf, asset)',
  ],
  ['users without capacity', ['--user', 'A=cpus:1'], '--user given without --capacity'],
  ['capacity without users', ['--capacity', 'cpus:1'], '--capacity given without any --user'],
  [
    '--weight on the default example for an unknown user',
    ['--weight', 'C=1'],
    '--weight C: no such user (users: A, B)',
  ],
  [
    'too many tasks',
    ['--capacity', 'cpus:1e9', '--user', 'A=cpus:0.001'],
    'more than 100000 tasks fit in the pool (the work limit); cap users with --max-tasks NAME=N or give larger demands',
  ],
];

for (const [title, args, message] of BAD) {
  test(`bad input, exit 2 and one line: ${title}`, async (t) => {
    t.deepEqual(await fairShare(...args), { code: 2, out: '', err: `agora: ${message}\n` });
  });
}

test('--max-tasks makes a huge pool usable', async (t) => {
  const r = await fairShare(
    '--capacity',
    'cpus:1e9',
    '--user',
    'A=cpus:0.001',
    '--max-tasks',
    'A=5',
    '--json',
  );
  t.is(r.code, 0);
  t.is(
    r.out,
    '{"policy":"drf","users":{"A":{"tasks":5,"dominantShare":0,"allocated":"cpus:0.005"}},"free":"cpus:999999999.995"}\n',
  );
});

test('--weight applies to the default example', async (t) => {
  const r = await fairShare('--weight', 'B=2', '--json');
  t.is(r.code, 0);
  t.regex(r.out, /^\{"policy":"drf","users":\{"A":\{"tasks":/);
});

test('commander errors (unknown option, missing value) also exit 2 with one line', async (t) => {
  t.deepEqual(await fairShare('--bogus'), { code: 2, out: '', err: "error: unknown option '--bogus'\n" });
  t.deepEqual(await fairShare('--capacity'), {
    code: 2,
    out: '',
    err: "error: option '--capacity <resources>' argument missing\n",
  });
});
