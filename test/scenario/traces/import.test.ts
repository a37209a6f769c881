/**
 * `agora import` on small hand-written files in each format: exact counts of agents, cluster
 * events, tasks, outcomes and durations; bad rows as `file:line: column: problem` or, with
 * --lenient, skipped and counted; and the imported scenario replays in `agora sim`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import test from 'ava';
import { runCli, tempDir } from '../../cli/helpers.js';
import {
  ALIBABA_INSTANCES,
  ALIBABA_MACHINES,
  ALIBABA_TASKS,
  GOOGLE_JOBS,
  GOOGLE_MACHINES,
  GOOGLE_TASKS_0,
  GOOGLE_TASKS_1,
  OPENB_NODES,
  OPENB_PODS,
  writeTable,
} from './fixtures.js';

function tasksOf(path: string): Record<string, unknown>[] {
  return gunzipSync(readFileSync(path))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function googleFiles(dir: string): string[] {
  return [
    writeTable(dir, 'task_events/part-00001-of-00002.csv.gz', GOOGLE_TASKS_1),
    writeTable(dir, 'task_events/part-00000-of-00002.csv.gz', GOOGLE_TASKS_0),
    writeTable(dir, 'machine_events/part-00000-of-00001.csv', GOOGLE_MACHINES),
    writeTable(dir, 'job_events/part-00000-of-00001.csv.gz', GOOGLE_JOBS),
  ];
}

test('google-2011: machines, machine events, task lives, outcomes, durations and waits', async (t) => {
  const dir = tempDir('google');
  const out = join(dir, 'google.json');
  const r = await runCli('import', 'google-2011', ...googleFiles(dir), '--out', out, '--json');
  t.is(r.code, 0, r.err);
  const report = JSON.parse(r.out);
  t.is(report.agents, 4);
  t.is(report.clusterEvents, 3);
  t.is(report.tasks, 6);
  t.is(report.tasksWritten, 6);
  t.is(report.jobEventRows, 2);
  t.deepEqual(report.outcomes, {
    failed: 1,
    finished: 1,
    evicted: 1,
    killed: 1,
    'running at the end': 1,
    'pending at the end': 1,
  });
  t.deepEqual(report.leftOut, {
    'machines with no capacity given': 1,
    'tasks that ended before being scheduled': 1,
    'tasks still pending at the end (replayed as pending, never ending)': 1,
  });
  const scenario = JSON.parse(readFileSync(out, 'utf8'));
  t.deepEqual(scenario.agents[3], {
    resources: 'cpus:8;mem:32768',
    hostname: 'm5',
    attributes: 'platform:P1',
    at: 100,
  });
  t.deepEqual(scenario.cluster, [
    { at: 200, kind: 'agent-remove', agent: 1 },
    { at: 300, kind: 'agent-add', agent: 1 },
    { at: 400, kind: 'agent-resize', agent: 2, resources: 'cpus:16;mem:65536' },
  ]);
  t.is(scenario.until, 401);
  t.deepEqual(scenario.frameworks.map((f: { name: string; role: string }) => `${f.name}:${f.role}`).sort(), [
    'u0-production:production',
    'u1-free:free',
    'u2-production:production',
  ]);
  const tasks = tasksOf(join(dir, 'google.tasks.jsonl.gz'));
  t.deepEqual(
    tasks.map((x) => [x.id, x.at, x.duration, x.outcome, x.scheduled, x.band]),
    [
      ['10.0@0', 0, 50, 'finished', undefined, 'production'],
      ['11.0@10', 10, 18, 'failed', 12, 'free'],
      ['11.1@10', 10, 75, 'killed', 15, 'free'],
      ['11.0@35', 35, 24, 'evicted', 36, 'free'],
      ['13.0@40', 40, undefined, undefined, undefined, 'production'],
      ['14.0@70', 70, undefined, undefined, undefined, 'production'],
    ],
  );
  t.deepEqual(tasks[1]?.constraints, [['hostname', 'UNIQUE']]);
  t.is(tasks[1]?.resources, 'cpus:8;mem:16384');
  t.is(tasks[4]?.resources, 'cpus:16;mem:32768', 'the request given by UPDATE_RUNNING');
  // The imported scenario runs; the trace's waits are in the summary.
  const sim = await runCli('sim', out, '--json', '--quiet', '--until', '399');
  t.is(sim.code, 0, sim.err);
  const s = JSON.parse(sim.out);
  t.deepEqual(s.trace.tasks, { read: 6, held: 0, launched: 6 });
  t.deepEqual(s.trace.endedAsTraced, { finished: 1, failed: 1, killed: 1, evicted: 1, lost: 0 });
  const free = s.trace.waits.find((w: { band: string }) => w.band === 'free');
  t.deepEqual(free.trace, { count: 3, p50: 2, p90: 5, p99: 5, max: 5 });
  t.is(free.simulated.count, 3);
});

test('google-2011: windows and samples', async (t) => {
  const dir = tempDir('google-window');
  const files = googleFiles(dir);
  const r = await runCli(
    'import',
    'google-2011',
    ...files,
    '--out',
    join(dir, 'w.json'),
    '--window',
    '30,65',
    '--json',
  );
  t.is(r.code, 0, r.err);
  const tasks = tasksOf(join(dir, 'w.tasks.jsonl.gz'));
  // At the window's start (30 s) job 10 runs (submitted before: at 0, no trace wait); job 11's
  // first life ends at 30 s, so it is outside. Later lives are shifted by -30 s; ends past 65 s
  // are cut (the task runs on).
  t.deepEqual(
    tasks.map((x) => [x.id, x.at, x.duration, x.scheduled]),
    [
      ['10.0@0', 0, 20, undefined],
      ['11.1@0', 0, undefined, undefined],
      ['11.0@5', 5, 24, 6],
      ['13.0@10', 10, undefined, undefined],
    ],
  );
  const half = await runCli(
    'import',
    'google-2011',
    ...files,
    '--out',
    join(dir, 'h.json'),
    '--sample-jobs',
    '0.5',
    '--json',
  );
  t.is(half.code, 0, half.err);
  t.true(JSON.parse(half.out).tasks < 6);
});

test('google-2011: a bad row names file, line and column; --lenient skips and counts it', async (t) => {
  const dir = tempDir('google-bad');
  const bad = writeTable(dir, 'task_events/part-00000-of-00001.csv', [
    ...GOOGLE_TASKS_0.slice(0, 3),
    '11000000,,11,x,,0,userB,2,0,0.25,0.125,,1',
    '12000000,,11,0,2,9,userB,2,0,0.25,0.125,,1',
  ]);
  const machines = writeTable(dir, 'machine_events/part-00000-of-00001.csv', GOOGLE_MACHINES);
  const r = await runCli('import', 'google-2011', machines, bad, '--out', join(dir, 'b.json'));
  t.is(r.code, 2);
  t.is(r.err, `agora: ${bad}:4: task index: expected a whole number, got "x"\n`);
  const lenient = await runCli(
    'import',
    'google-2011',
    machines,
    bad,
    '--out',
    join(dir, 'b.json'),
    '--lenient',
    '--json',
  );
  t.is(lenient.code, 0, lenient.err);
  t.deepEqual(JSON.parse(lenient.out).badRowsSkipped, { [bad]: 2 });
  const unknown = await runCli('import', 'google-2011', join(dir, 'x.csv'), '--out', join(dir, 'b.json'));
  t.regex(unknown.err, /cannot tell which google-2011 table it holds/u);
});

test('alibaba-gpu-2023 (openb): GPUs, models, gpu_spec constraints, fractional GPUs rounded up', async (t) => {
  const dir = tempDir('openb');
  const nodes = writeTable(dir, 'openb_node_list.csv', OPENB_NODES);
  const pods = writeTable(dir, 'openb_pod_list.csv', OPENB_PODS);
  const out = join(dir, 'openb.json');
  const r = await runCli('import', 'alibaba-gpu-2023', nodes, pods, '--out', out, '--json');
  t.is(r.code, 0, r.err);
  const report = JSON.parse(r.out);
  t.is(report.agents, 3);
  t.is(report.gpuAgents, 2);
  t.is(report.tasks, 5);
  t.deepEqual(report.outcomes, { killed: 2, finished: 2, failed: 1 });
  t.is(report.fractionalGpuPods, 1);
  t.deepEqual(report.gpuDemand, { askedGpus: 4.5, givenWholeGpus: 5, fractionalShareRoundedUp: 0.5 });
  t.deepEqual(report.leftOut, { 'pods never scheduled (Pending)': 1 });
  const scenario = JSON.parse(readFileSync(out, 'utf8'));
  t.deepEqual(scenario.agents[0], {
    resources: 'cpus:32;mem:262144;gpus:8',
    hostname: 'node-a',
    attributes: 'gpu_model:V100M16',
  });
  t.deepEqual(scenario.agents[2], { resources: 'cpus:96;mem:786432', hostname: 'node-c' });
  t.deepEqual(
    scenario.frameworks.map((f: { name: string; capabilities?: string[] }) => [f.name, f.capabilities]),
    [
      ['qos-ls', ['GPU_RESOURCES']],
      ['qos-be', ['GPU_RESOURCES']],
      ['qos-burstable', ['GPU_RESOURCES']],
    ],
  );
  const tasks = tasksOf(join(dir, 'openb.tasks.jsonl.gz'));
  t.deepEqual(
    tasks.map((x) => [x.id, x.at, x.duration, x.outcome, x.scheduled, x.band, x.resources]),
    [
      ['pod-0', 0, 5000, 'killed', undefined, 'LS', 'cpus:4;mem:16384;gpus:1'],
      ['pod-1', 100, 570, 'finished', 130, 'BE', 'cpus:8;mem:32768;gpus:1'],
      ['pod-2', 200, 50, 'failed', 210, 'LS', 'cpus:2;mem:8192;gpus:1'],
      ['pod-3', 300, 1000, 'killed', 300, 'LS', 'cpus:16;mem:65536'],
      ['pod-4', 400, 940, 'finished', 460, 'Burstable', 'cpus:12;mem:49152;gpus:2'],
    ],
  );
  t.deepEqual(tasks[2]?.constraints, [['gpu_model', 'IN', '{V100M16,V100M32}']]);
  const sim = await runCli('sim', out, '--json', '--quiet');
  t.is(sim.code, 0, sim.err);
  const s = JSON.parse(sim.out);
  t.deepEqual(s.trace.tasks, { read: 5, held: 0, launched: 5 });
  t.deepEqual(s.trace.endedAsTraced, { finished: 2, failed: 1, killed: 2, evicted: 0, lost: 0 });
  t.deepEqual(
    s.trace.waits.map((w: { band: string; trace: { count: number } }) => [w.band, w.trace.count]),
    [
      ['BE', 1],
      ['Burstable', 1],
      ['LS', 2],
    ],
  );
});

test('alibaba-2018: machines, DAG stages, instances from batch_instance, statuses', async (t) => {
  const dir = tempDir('alibaba');
  const files = [
    writeTable(dir, 'machine_meta.csv', ALIBABA_MACHINES),
    writeTable(dir, 'batch_task.csv.gz', ALIBABA_TASKS),
    writeTable(dir, 'batch_instance.csv', ALIBABA_INSTANCES),
  ];
  const out = join(dir, 'ali.json');
  const r = await runCli('import', 'alibaba-2018', ...files, '--out', out, '--json');
  t.is(r.code, 0, r.err);
  const report = JSON.parse(r.out);
  t.is(report.agents, 2);
  t.is(report.jobs, 2);
  t.is(report.tasks, 7);
  t.deepEqual(report.outcomes, { finished: 6, failed: 1 });
  t.deepEqual(report.leftOut, { 'jobs with no known start': 1 });
  const scenario = JSON.parse(readFileSync(out, 'utf8'));
  t.deepEqual(scenario.agents[1], {
    resources: 'cpus:64;mem:65536',
    hostname: 'm_2',
    attributes: 'fd1:1;fd2:3',
  });
  const tasks = tasksOf(join(dir, 'ali.tasks.jsonl.gz'));
  t.deepEqual(
    tasks.map((x) => [x.id, x.at, x.duration, x.outcome, x.group, x.after]),
    [
      ['j_1.M1.ins_1', 100, 80, 'finished', 'j_1/1', undefined],
      ['j_1.M1.ins_2', 100, 95, 'finished', 'j_1/1', undefined],
      ['j_1.M2.0', 100, 40, 'failed', 'j_1/2', undefined],
      ['j_1.R3_1_2.0', 100, 50, 'finished', 'j_1/3', ['j_1/1', 'j_1/2']],
      ['j_2.task_abc.0', 500, 60, 'finished', 'j_2/task_abc', undefined],
      ['j_2.task_abc.1', 500, 60, 'finished', 'j_2/task_abc', undefined],
      ['j_2.task_abc.2', 500, 60, 'finished', 'j_2/task_abc', undefined],
    ],
  );
  t.is(tasks[0]?.resources, 'cpus:2;mem:1311');
  const sim = await runCli('sim', out, '--json', '--quiet');
  t.is(sim.code, 0, sim.err);
  const s = JSON.parse(sim.out);
  t.deepEqual(s.trace.tasks, { read: 7, held: 0, launched: 7 });
  t.is(s.frameworks.batch.tasksFinished, 6);
  t.true(s.frameworks.batch.lastTaskEndSeconds > 560 && s.frameworks.batch.lastTaskEndSeconds < 563);
});

test('agora sim --trace-format replays trace files directly, as imported', async (t) => {
  const dir = tempDir('openb-direct');
  const nodes = writeTable(dir, 'openb_node_list.csv', OPENB_NODES);
  const pods = writeTable(dir, 'openb_pod_list.csv', OPENB_PODS);
  const direct = await runCli('sim', '--trace-format', 'alibaba-gpu-2023', nodes, pods, '--json');
  t.is(direct.code, 0, direct.err);
  t.regex(direct.err, /^tasks: 5$/mu, 'the import summary goes to stderr');
  t.deepEqual(JSON.parse(direct.out).trace.tasks, { read: 5, held: 0, launched: 5 });
  const two = await runCli('sim', nodes, pods);
  t.is(two.code, 2);
  t.is(two.err, 'agora: expected one scenario file, got 2 arguments (trace files need --trace-format)\n');
});
