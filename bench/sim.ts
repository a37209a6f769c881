/**
 * Whole-simulator benchmark: a generated scenario (src/scenario/generate.ts) replayed end to end
 * by the real master, agents and drivers in the simulated world, tracing off. By default it runs
 * the shape (10,000 agents, 100 frameworks, 1,000,000 tasks over a simulated day) and the
 * same with half the tasks, each in its own process so peak RSS is per run, and prints one line
 * per run:
 *
 *     tasks=1000000 wall_s=… events_per_s=… sim_s_per_wall_s=… peak_rss_mb=…
 *
 * `wall_s` covers the run itself (world construction included), not generating and validating
 * the scenario, which is printed separately as `setup_s`.
 *
 * With `--runs N` (N > 1) each size also gets a `median of N: …` line.
 *
 * Usage: node --import tsx bench/sim.ts [--agents 10000] [--frameworks 100] [--tasks 1000000]
 *        [--hours 24] [--seed 1] [--policy drf] [--half true] [--runs 1]
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { ScenarioRun } from '../src/runtime/sim/scenario-run.js';
import { generateScenario } from '../src/scenario/generate.js';
import { validateScenario } from '../src/scenario/validate.js';
import { benchArgs } from './args.js';

const values = benchArgs(
  'node --import tsx bench/sim.ts [--agents 10000] [--frameworks 100] [--tasks 1000000]',
  {
    agents: { type: 'string', default: '10000' },
    frameworks: { type: 'string', default: '100' },
    tasks: { type: 'string', default: '1000000' },
    hours: { type: 'string', default: '24' },
    seed: { type: 'string', default: '1' },
    policy: { type: 'string', default: 'drf' },
    half: { type: 'string', default: 'true' },
    runs: { type: 'string', default: '1' },
    child: { type: 'boolean', default: false },
  },
);

function runOnce(tasks: number): void {
  const setupStart = performance.now();
  const file = generateScenario({
    seed: Number(values.seed),
    agents: Number(values.agents),
    frameworks: Number(values.frameworks),
    tasks,
    horizonSeconds: Number(values.hours) * 3600,
  });
  const validated = validateScenario(file);
  if (!validated.ok)
    throw new Error(`generated scenario is invalid: ${JSON.stringify(validated.error.slice(0, 3))}`);
  const setupS = (performance.now() - setupStart) / 1000;
  const start = performance.now();
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
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const launched = Object.values(summary.frameworks).reduce((n, f) => n + f.tasksLaunched, 0);
  const finished = Object.values(summary.frameworks).reduce((n, f) => n + f.tasksFinished, 0);
  console.log(
    `tasks=${tasks} wall_s=${wallS.toFixed(1)} events_per_s=${Math.round(run.world.eventCount / wallS)} ` +
      `sim_s_per_wall_s=${Math.round(summary.simulatedSeconds / wallS)} peak_rss_mb=${Math.round(peakRssMb)} ` +
      `(setup_s=${setupS.toFixed(1)} events=${run.world.eventCount} launched=${launched} finished=${finished} ` +
      `cpu_utilization=${summary.utilization.cpus} jain=${summary.fairness.jainIndex})`,
  );
}

if (values.child) {
  runOnce(Number(values.tasks));
} else {
  const full = Number(values.tasks);
  const sizes = values.half === 'true' ? [Math.round(full / 2), full] : [full];
  const passThrough = ['agents', 'frameworks', 'hours', 'seed', 'policy'].flatMap((k) => [
    `--${k}`,
    String(values[k as keyof typeof values]),
  ]);
  console.log(
    `# bench:sim ${values.agents} agents, ${values.frameworks} frameworks, ${values.hours} h simulated, ` +
      `policy ${values.policy}, seed ${values.seed}; node ${process.version}`,
  );
  for (const tasks of sizes) {
    const lines: string[] = [];
    for (let r = 0; r < Number(values.runs); r++) {
      const out = execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '--max-old-space-size=4096',
          process.argv[1] as string,
          '--child',
          '--tasks',
          String(tasks),
          ...passThrough,
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      process.stdout.write(out);
      lines.push(out);
    }
    if (lines.length > 1) console.log(medianLine(tasks, lines));
  }
}

/** The median of each figure over the runs' result lines, in the same `key=value` form. */
function medianLine(tasks: number, lines: readonly string[]): string {
  const keys = ['wall_s', 'events_per_s', 'sim_s_per_wall_s', 'peak_rss_mb'];
  const figures = keys.map((key) => {
    const values = lines
      .map((line) => Number(new RegExp(`\\b${key}=([\\d.]+)`, 'u').exec(line)?.[1]))
      .sort((a, b) => a - b);
    const mid = values.length >> 1;
    const median =
      values.length % 2 === 1 ? values[mid] : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
    return `${key}=${median}`;
  });
  return `median of ${lines.length}: tasks=${tasks} ${figures.join(' ')}`;
}
