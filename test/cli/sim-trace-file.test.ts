/**
 * `agora sim` with trace tasks in a JSON-lines file beside the scenario (gzipped or not): read
 * lazily, the same summary as the same tasks inline, and a bad line named by file and line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import test from 'ava';
import { runCli, tempDir } from './helpers.js';

const TASKS = [
  { at: 0, framework: 'A', id: 'a0', resources: 'cpus:1;mem:512', duration: 100, scheduled: 1, band: 'prod' },
  {
    at: 5,
    framework: 'A',
    id: 'a1',
    resources: 'cpus:1;mem:512',
    duration: 50,
    outcome: 'failed',
    band: 'prod',
  },
  {
    at: 5,
    framework: 'B',
    id: 'b0',
    resources: 'cpus:2;mem:512',
    duration: 20,
    outcome: 'evicted',
    scheduled: 9,
  },
  { at: 30, framework: 'B', id: 'b1', resources: 'cpus:2;mem:512' },
];

function scenario(dir: string, tasks: unknown): string {
  const path = join(dir, 'scenario.json');
  writeFileSync(
    path,
    JSON.stringify({
      name: 'trace-file',
      until: 600,
      agents: [{ count: 2, resources: 'cpus:4;mem:4096' }],
      frameworks: [{ name: 'A' }, { name: 'B' }],
      tasks,
    }),
  );
  return path;
}

test('tasks from a file, plain or gzipped, give the same summary as inline', async (t) => {
  const dir = tempDir('trace-file');
  const lines = `${TASKS.map((x) => JSON.stringify(x)).join('\n')}\n`;
  writeFileSync(join(dir, 'tasks.jsonl'), lines);
  writeFileSync(join(dir, 'tasks.jsonl.gz'), gzipSync(lines));
  const inline = await runCli('sim', scenario(tempDir('inline'), TASKS), '--json', '--quiet');
  t.is(inline.code, 0, inline.err);
  const plain = await runCli('sim', scenario(dir, { file: 'tasks.jsonl' }), '--json', '--quiet');
  t.is(plain.code, 0, plain.err);
  t.is(plain.out, inline.out);
  const gz = await runCli('sim', scenario(dir, { file: 'tasks.jsonl.gz' }), '--json', '--quiet');
  t.is(gz.out, inline.out);
  const s = JSON.parse(gz.out);
  t.deepEqual(s.trace.tasks, { read: 4, held: 0, launched: 4 });
  t.deepEqual(s.trace.endedAsTraced, { finished: 1, failed: 1, killed: 0, evicted: 1, lost: 0 });
  const table = await runCli('sim', scenario(dir, { file: 'tasks.jsonl.gz' }), '--quiet');
  t.regex(table.out, /^trace tasks {2}4 read, 4 launched, 0 held for dependencies at the end$/mu);
  t.regex(table.out, /^ {2}ended as traced: finished 1, failed 1, evicted 1; otherwise: none$/mu);
  t.regex(table.out, /^ {2}band +sim n +p50/mu);
  const report = join(dir, 'report');
  const withReport = await runCli(
    'sim',
    scenario(dir, { file: 'tasks.jsonl.gz' }),
    '--quiet',
    '--out',
    report,
  );
  t.is(withReport.code, 0, withReport.err);
  const html = readFileSync(join(report, 'index.html'), 'utf8');
  t.regex(html, /Wait from ready to launch: simulated beside the trace/u);
  t.regex(html, /trace tasks: 4 read, 4 launched/u);
});

test('a bad line stops the run with file:line: field: problem', async (t) => {
  const dir = tempDir('trace-bad');
  const lines = [JSON.stringify(TASKS[0]), '', JSON.stringify({ ...TASKS[1], resources: 'cpu:1' })].join(
    '\n',
  );
  writeFileSync(join(dir, 'tasks.jsonl'), lines);
  const r = await runCli('sim', scenario(dir, { file: 'tasks.jsonl' }), '--quiet');
  t.is(r.code, 2);
  t.is(
    r.err,
    `agora: ${join(dir, 'tasks.jsonl')}:3: resources: unknown resource "cpu" at 0 (expected one of cpus, gpus, mem, disk, ports)\n`,
  );
  writeFileSync(
    join(dir, 'tasks.jsonl'),
    `${JSON.stringify(TASKS[2])}\n${JSON.stringify(TASKS[0])}\n{oops\n`,
  );
  const order = await runCli('sim', scenario(dir, { file: 'tasks.jsonl' }), '--quiet');
  t.is(
    order.err,
    `agora: ${join(dir, 'tasks.jsonl')}:2: at: tasks must be in submission order: 0 s comes after 5 s\n`,
  );
  const missing = await runCli('sim', scenario(dir, { file: 'nope.jsonl' }), '--quiet');
  t.is(missing.err, `agora: cannot read ${join(dir, 'nope.jsonl')}: no such file\n`);
});
