/**
 * The per-task cost of the simulator (issue 12): a generated scenario with few agents, so that
 * offers and health checks hardly matter and what is measured is the task's own path (ACCEPT,
 * RUN_TASK, the command's end timer, and for each of TASK_STARTING, TASK_RUNNING and
 * TASK_FINISHED the status update, its forwarding, acknowledgement and retry timers). Each run is
 * its own process; it prints the CPU time (user + system, `process.cpuUsage`) of the run itself
 * (world construction to summary, not generating and validating the scenario) per task of the
 * scenario and per simulated event, the wall time, and the share of the wall time spent in
 * garbage-collection pauses (a rough figure: on a busy machine pauses stretch with the wall time):
 *
 *     run 1: cpu_s=… wall_s=… events=… cpu_us_per_task=… cpu_us_per_event=… gc_share_of_wall=…
 *     median of 3: cpu_us_per_task=… cpu_us_per_event=… cpu_s=… wall_s=…
 *
 * CPU time, not wall time, is the figure to compare: the machine is shared.
 *
 * Usage: node --import tsx bench/task-path.ts [--agents 100] [--frameworks 4] [--tasks 100000]
 *        [--hours 4] [--seed 1] [--policy drf] [--runs 3]
 */
import { execFileSync } from 'node:child_process';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { ScenarioRun } from '../src/runtime/sim/scenario-run.js';
import { generateScenario } from '../src/scenario/generate.js';
import { validateScenario } from '../src/scenario/validate.js';
import { benchArgs } from './args.js';

const USAGE =
  'node --import tsx bench/task-path.ts [--agents 100] [--frameworks 4] [--tasks 100000] [--hours 4] ' +
  '[--seed 1] [--policy drf] [--runs 3]';
const values = benchArgs(USAGE, {
  agents: { type: 'string', default: '100' },
  frameworks: { type: 'string', default: '4' },
  tasks: { type: 'string', default: '100000' },
  hours: { type: 'string', default: '4' },
  seed: { type: 'string', default: '1' },
  policy: { type: 'string', default: 'drf' },
  runs: { type: 'string', default: '3' },
  child: { type: 'boolean', default: false },
});

/** One run in this process; prints its `key=value` result line. */
async function runOnce(): Promise<void> {
  const tasks = Number(values.tasks);
  const validated = validateScenario(
    generateScenario({
      seed: Number(values.seed),
      agents: Number(values.agents),
      frameworks: Number(values.frameworks),
      tasks,
      horizonSeconds: Number(values.hours) * 3600,
    }),
  );
  if (!validated.ok) throw new Error(`generated scenario is invalid: ${JSON.stringify(validated.error[0])}`);
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const run = new ScenarioRun(validated.value, { policy: values.policy as string });
  run.runToEnd();
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  // GC entries reach the observer from a timer of the event loop: let it run before reading them.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  const cpuUs = cpu.user + cpu.system;
  const events = run.world.eventCount;
  console.log(
    `cpu_s=${(cpuUs / 1e6).toFixed(2)} wall_s=${(wallMs / 1000).toFixed(2)} events=${events} ` +
      `cpu_us_per_task=${(cpuUs / tasks).toFixed(1)} cpu_us_per_event=${(cpuUs / events).toFixed(3)} ` +
      `gc_share_of_wall=${(gcMs / wallMs).toFixed(2)}`,
  );
}

/** The median of `key` over the result lines. */
function median(lines: readonly string[], key: string): number {
  const sorted = lines
    .map((line) => Number(new RegExp(`\\b${key}=([\\d.]+)`, 'u').exec(line)?.[1]))
    .sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

if (values.child) {
  await runOnce();
} else {
  const passThrough = ['agents', 'frameworks', 'tasks', 'hours', 'seed', 'policy'].flatMap((k) => [
    `--${k}`,
    String(values[k as keyof typeof values]),
  ]);
  console.log(
    `# bench:task-path ${values.agents} agents, ${values.frameworks} frameworks, ${values.tasks} tasks, ` +
      `${values.hours} h simulated, policy ${values.policy}, seed ${values.seed}; node ${process.version}`,
  );
  const lines: string[] = [];
  for (let r = 1; r <= Number(values.runs); r++) {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', process.argv[1] as string, '--child', ...passThrough],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    ).trim();
    console.log(`run ${r}: ${out}`);
    lines.push(out);
  }
  console.log(
    `median of ${lines.length}: cpu_us_per_task=${median(lines, 'cpu_us_per_task')} ` +
      `cpu_us_per_event=${median(lines, 'cpu_us_per_event')} cpu_s=${median(lines, 'cpu_s')} ` +
      `wall_s=${median(lines, 'wall_s')}`,
  );
}
