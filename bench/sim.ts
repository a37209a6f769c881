/**
 * Whole-simulator benchmark: a generated scenario (src/scenario/generate.ts) replayed end to end
 * by the real master, agents and drivers in the simulated world (the default, fast
 * representation; tracing off). Each run is its own process, so peak RSS is the run's own.
 *
 * By default it runs the issue's shape, 10,000 agents, 100 frameworks and 1,000,000 tasks over
 * 24 simulated hours, and prints one line per run:
 *
 *     agents=10000 frameworks=100 tasks=1000000 hours=24 wall_s=… cpu_s=… peak_rss_mb=… …
 *
 * `wall_s` and `cpu_s` (user + system) cover the run itself, world construction included, not
 * generating and validating the scenario (`setup_s`). With `--runs N` each shape also gets a
 * `median of N:` line. With `--table` it runs the growth table instead: 250k, 500k and 1M tasks
 * at 10,000 agents, and 2,500, 5,000, 10,000 and 20,000 agents at 1M tasks, and prints it as a
 * Markdown table of medians.
 *
 * Usage: node --import tsx bench/sim.ts [--agents 10000] [--frameworks 100] [--tasks 1000000]
 *        [--hours 24] [--seed 1] [--policy drf] [--runs 1] [--table]
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { ScenarioRun } from '../src/runtime/sim/scenario-run.js';
import { generateScenario } from '../src/scenario/generate.js';
import { validateScenario } from '../src/scenario/validate.js';
import { benchArgs } from './args.js';

const USAGE =
  'node --import tsx bench/sim.ts [--agents 10000] [--frameworks 100] [--tasks 1000000] [--hours 24] ' +
  '[--seed 1] [--policy drf] [--runs 1] [--table]';

const values = benchArgs(USAGE, {
  agents: { type: 'string', default: '10000' },
  frameworks: { type: 'string', default: '100' },
  tasks: { type: 'string', default: '1000000' },
  hours: { type: 'string', default: '24' },
  seed: { type: 'string', default: '1' },
  policy: { type: 'string', default: 'drf' },
  runs: { type: 'string', default: '1' },
  table: { type: 'boolean', default: false },
  child: { type: 'boolean', default: false },
});

interface Shape {
  readonly agents: number;
  readonly frameworks: number;
  readonly tasks: number;
  readonly hours: number;
}

/** The figures of one run, as the child prints them. */
const FIGURES = [
  'wall_s',
  'cpu_s',
  'peak_rss_mb',
  'events',
  'sim_s_per_wall_s',
  'launched',
  'finished',
] as const;

function runOnce(shape: Shape): void {
  const setupStart = performance.now();
  const file = generateScenario({
    seed: Number(values.seed),
    agents: shape.agents,
    frameworks: shape.frameworks,
    tasks: shape.tasks,
    horizonSeconds: shape.hours * 3600,
  });
  const validated = validateScenario(file);
  if (!validated.ok)
    throw new Error(`generated scenario is invalid: ${JSON.stringify(validated.error.slice(0, 3))}`);
  const setupS = (performance.now() - setupStart) / 1000;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const run = new ScenarioRun(validated.value, { policy: values.policy as string });
  // Progress on stderr (stdout keeps only the result line): a slow shape shows where it is.
  const slices = 24;
  for (let i = 1; i <= slices; i++) {
    run.advance((run.untilMs * i) / slices);
    const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
    console.error(
      `#   ${(run.nowMs / 3_600_000).toFixed(2)} h simulated: wall ${((performance.now() - start) / 1000).toFixed(1)} s, ` +
        `${run.world.eventCount} events, rss ${rssMb} MB`,
    );
  }
  const summary = run.summary();
  const wallS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const launched = Object.values(summary.frameworks).reduce((n, f) => n + f.tasksLaunched, 0);
  const finished = Object.values(summary.frameworks).reduce((n, f) => n + f.tasksFinished, 0);
  console.log(
    `agents=${shape.agents} frameworks=${shape.frameworks} tasks=${shape.tasks} hours=${shape.hours} ` +
      `wall_s=${wallS.toFixed(1)} cpu_s=${cpuS.toFixed(1)} peak_rss_mb=${Math.round(peakRssMb)} ` +
      `events=${run.world.eventCount} sim_s_per_wall_s=${Math.round(summary.simulatedSeconds / wallS)} ` +
      `launched=${launched} finished=${finished} (setup_s=${setupS.toFixed(1)} ` +
      `health_elisions=${run.world.healthElisions} cpu_utilization=${summary.utilization.cpus} ` +
      `jain=${summary.fairness.jainIndex})`,
  );
}

/** Runs `shape` `runs` times, each in its own process; returns the result lines. */
function runShape(shape: Shape, runs: number): string[] {
  const lines: string[] = [];
  for (let r = 0; r < runs; r++) {
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--max-old-space-size=4096',
        process.argv[1] as string,
        '--child',
        ...(['agents', 'frameworks', 'tasks', 'hours'] as const).flatMap((k) => [`--${k}`, String(shape[k])]),
        ...(['seed', 'policy'] as const).flatMap((k) => [`--${k}`, String(values[k])]),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
    );
    process.stdout.write(out);
    lines.push(out);
  }
  return lines;
}

function figure(line: string, key: string): number {
  return Number(new RegExp(`\\b${key}=([\\d.]+)`, 'u').exec(line)?.[1]);
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The median of each figure over runs, as `key=value` pairs. */
function medians(lines: readonly string[]): Record<(typeof FIGURES)[number], number> {
  return Object.fromEntries(FIGURES.map((k) => [k, median(lines.map((l) => figure(l, k)))])) as Record<
    (typeof FIGURES)[number],
    number
  >;
}

const shapeOf = (agents: number, tasks: number): Shape => ({
  agents,
  frameworks: Number(values.frameworks),
  tasks,
  hours: Number(values.hours),
});

if (values.child) {
  runOnce(shapeOf(Number(values.agents), Number(values.tasks)));
} else {
  const runs = Number(values.runs);
  console.log(
    `# bench:sim ${values.frameworks} frameworks, ${values.hours} h simulated, policy ${values.policy}, ` +
      `seed ${values.seed}; node ${process.version}; ${runs} run(s) per shape, each in its own process`,
  );
  if (!values.table) {
    const lines = runShape(shapeOf(Number(values.agents), Number(values.tasks)), runs);
    if (lines.length > 1) {
      const m = medians(lines);
      console.log(`median of ${lines.length}: ${FIGURES.map((k) => `${k}=${m[k]}`).join(' ')}`);
    }
  } else {
    const shapes: Shape[] = [
      shapeOf(10_000, 250_000),
      shapeOf(10_000, 500_000),
      shapeOf(10_000, 1_000_000),
      shapeOf(2_500, 1_000_000),
      shapeOf(5_000, 1_000_000),
      shapeOf(20_000, 1_000_000),
    ];
    const rows: string[] = [];
    for (const shape of shapes) {
      const m = medians(runShape(shape, runs));
      rows.push(
        `| ${shape.agents.toLocaleString('en')} | ${shape.tasks.toLocaleString('en')} | ${m.wall_s.toFixed(1)} | ` +
          `${m.cpu_s.toFixed(1)} | ${Math.round(m.peak_rss_mb)} | ${(m.events / 1e6).toFixed(1)} M |`,
      );
    }
    console.log('\n| agents | tasks | wall_s | cpu_s | peak_rss_mb | events |');
    console.log('| -----: | ----: | -----: | ----: | ----------: | -----: |');
    for (const row of rows) console.log(row);
  }
}
