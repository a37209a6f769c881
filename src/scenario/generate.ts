/**
 * A seeded generator of large synthetic scenarios (the `bench:sim` workload: 10,000 agents, 100
 * frameworks, 1,000,000 tasks over a simulated day). It writes the file form
 * ({@link ScenarioFile}), so its output goes through the same validation as a hand-written file.
 *
 * To stay fast at a million tasks it produces jobs, not tasks: each job carries a task count,
 * the way Google's and Alibaba's traces group tasks into jobs. The shape of the workload:
 * - agents in three machine shapes (8, 16 and 32 CPUs with 4 GB per CPU);
 * - frameworks, each its own role, weight 1 or 2; every tenth one is a service that starts its
 *   tasks at time 0 and runs them forever; the others are batch frameworks;
 * - batch job sizes are Pareto-distributed (α = 1.5: most jobs small, a few large), arrival
 *   times uniform over the first 95 % of the horizon, task shapes drawn from a small menu,
 *   durations exponential or lognormal with a mean chosen so that the CPUs asked for average
 *   about `load` of the cluster over the horizon.
 */
import seedrandom from 'seedrandom';
import {
  type AgentGroupInput,
  type DurationInput,
  type FaultInput,
  type FrameworkInput,
  type JobInput,
  LIMITS,
  type ScenarioFile,
} from './schema.js';

/** What to generate. */
export interface GenerateOptions {
  /** Seeds the generator, and becomes the scenario's `seed`. */
  readonly seed: number;
  readonly agents: number;
  readonly frameworks: number;
  /** Total tasks over all jobs, exactly. */
  readonly tasks: number;
  /** The run's length (`until`), in seconds. */
  readonly horizonSeconds: number;
  /** Default `generated-<agents>a-<frameworks>f-<tasks>t`. */
  readonly name?: string;
  /** Target mean fraction of the cluster's CPUs asked for by batch tasks, in (0, 1]. Default 0.6. */
  readonly load?: number;
  /** How many distinct agents crash (each restarts 300 s later). Default 0. */
  readonly agentCrashes?: number;
}

interface Shape {
  readonly cpus: number;
  readonly memMb: number;
}

const PORTS = 'ports:[31000-32000]';
/** Machine shapes and the fraction of agents of each; the first takes the rounding remainder. */
const MACHINES: readonly (Shape & { readonly share: number })[] = [
  { cpus: 16, memMb: 65536, share: 0.5 },
  { cpus: 8, memMb: 32768, share: 0.3 },
  { cpus: 32, memMb: 131072, share: 0.2 },
];
/** Task shapes; every one fits the smallest machine. */
const TASKS: readonly Shape[] = [
  { cpus: 0.5, memMb: 1024 },
  { cpus: 1, memMb: 2048 },
  { cpus: 1, memMb: 4096 },
  { cpus: 2, memMb: 4096 },
  { cpus: 2, memMb: 16384 },
  { cpus: 4, memMb: 8192 },
];
const SERVICE_TASK: Shape = { cpus: 1, memMb: 2048 };
/** Every n-th framework is a service. */
const SERVICE_EVERY = 10;
/** Share of all tasks that go to services (they run forever, so they must stay few). */
const SERVICE_TASK_SHARE = 0.01;
const PARETO_ALPHA = 1.5;
const MAX_JOB_TASKS = 10_000;
const ARRIVAL_SPAN = 0.95;
const RESTART_AFTER_SECONDS = 300;

function resourceText(s: Shape): string {
  return `cpus:${s.cpus};mem:${s.memMb}`;
}

/** Rounds seconds to the millisecond, so the file is tidy and reads back exactly. */
function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(`generateScenario: ${message}`);
}

function checkOptions(o: GenerateOptions): void {
  const whole = (n: number, min: number, max: number) => Number.isSafeInteger(n) && n >= min && n <= max;
  check(whole(o.seed, 0, LIMITS.seed), `seed must be a whole number >= 0, got ${o.seed}`);
  check(
    whole(o.agents, 1, LIMITS.agents),
    `agents must be a whole number in [1, ${LIMITS.agents}], got ${o.agents}`,
  );
  check(
    whole(o.frameworks, 1, LIMITS.frameworks),
    `frameworks must be a whole number in [1, ${LIMITS.frameworks}], got ${o.frameworks}`,
  );
  check(
    whole(o.tasks, 0, LIMITS.tasks),
    `tasks must be a whole number in [0, ${LIMITS.tasks}], got ${o.tasks}`,
  );
  check(
    o.horizonSeconds >= 1 && o.horizonSeconds <= LIMITS.seconds,
    `horizonSeconds must be in [1, ${LIMITS.seconds}], got ${o.horizonSeconds}`,
  );
  const load = o.load ?? 0.6;
  check(load > 0 && load <= 1, `load must be in (0, 1], got ${load}`);
  const crashes = o.agentCrashes ?? 0;
  check(whole(crashes, 0, o.agents), `agentCrashes must be a whole number in [0, agents], got ${crashes}`);
}

/** Splits `total` into integer parts proportional to `weights` (largest remainder first). */
export function apportion(total: number, weights: readonly number[]): number[] {
  check(weights.length > 0 || total === 0, `cannot split ${total} into no parts`);
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (sum > 0 ? (total * w) / sum : 0));
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) {
    const i = order[k]?.i ?? 0;
    parts[i] = (parts[i] ?? 0) + 1;
  }
  return parts;
}

/** Generates a valid scenario; the same options always give the same scenario. */
export function generateScenario(options: GenerateOptions): ScenarioFile {
  checkOptions(options);
  const random = seedrandom.alea(`agora-generate:${options.seed}`);
  const { agents, frameworks, tasks, horizonSeconds } = options;

  const machineCounts = apportion(
    agents,
    MACHINES.map((m) => m.share),
  );
  const agentGroups: AgentGroupInput[] = [];
  let totalCpus = 0;
  MACHINES.forEach((m, i) => {
    const count = machineCounts[i] ?? 0;
    totalCpus += count * m.cpus;
    if (count > 0) agentGroups.push({ count, resources: `${resourceText(m)};${PORTS}` });
  });

  const isService = (i: number) => i % SERVICE_EVERY === SERVICE_EVERY - 1;
  const services = Array.from({ length: frameworks }, (_, i) => i).filter(isService).length;
  const serviceTasks = services === 0 ? 0 : Math.min(tasks, Math.round(tasks * SERVICE_TASK_SHARE));
  const batchTasks = tasks - serviceTasks;
  const perService = apportion(
    serviceTasks,
    Array.from({ length: services }, () => 1),
  );
  const perBatch = apportion(
    batchTasks,
    Array.from({ length: frameworks - services }, () => 0.5 + random()),
  );

  // The batch task mean duration that makes the CPUs asked for average `load` of the cluster.
  const meanJobTasks = Math.max(20, Math.ceil(tasks / 200_000));
  const plans = perBatch.map((n) => planBatchJobs(n, meanJobTasks, random));
  const cpuTasks = plans.flat().reduce((sum, j) => sum + j.tasks * j.shape.cpus, 0);
  const load = options.load ?? 0.6;
  const meanSeconds =
    cpuTasks === 0
      ? 60
      : Math.min(horizonSeconds / 4, Math.max(1, (load * totalCpus * horizonSeconds) / cpuTasks));

  const width = String(frameworks - 1).length;
  const list: FrameworkInput[] = [];
  let batchIndex = 0;
  let serviceIndex = 0;
  for (let i = 0; i < frameworks; i++) {
    const name = `fw-${String(i).padStart(width, '0')}`;
    const weight = i % 3 === 0 ? 2 : 1;
    if (isService(i)) {
      const n = perService[serviceIndex++] ?? 0;
      const jobs: JobInput[] =
        n === 0
          ? []
          : [
              {
                name: 'service',
                at: 0,
                tasks: n,
                resources: resourceText(SERVICE_TASK),
                duration: 'forever',
              },
            ];
      list.push({ name, weight, jobs });
      continue;
    }
    const plan = plans[batchIndex++] ?? [];
    list.push({ name, weight, jobs: batchJobs(plan, i, meanSeconds, horizonSeconds, random) });
  }

  const scenario: ScenarioFile = {
    name: options.name ?? `generated-${agents}a-${frameworks}f-${tasks}t`,
    description: `Generated by generateScenario (seed ${options.seed}): ${agents} agents, ${frameworks} frameworks, ${tasks} tasks over ${horizonSeconds} s.`,
    seed: options.seed,
    until: horizonSeconds,
    agents: agentGroups,
    frameworks: list,
  };
  const crashes = options.agentCrashes ?? 0;
  return crashes === 0
    ? scenario
    : { ...scenario, faults: agentCrashes(crashes, agents, horizonSeconds, random) };
}

interface PlannedJob {
  readonly tasks: number;
  readonly shape: Shape;
}

/** Job sizes (Pareto, mean about `meanJobTasks`) and shapes for `total` tasks. */
function planBatchJobs(total: number, meanJobTasks: number, random: () => number): PlannedJob[] {
  // Two shapes per framework: frameworks differ in what they ask for, as in the DRF paper.
  const first = TASKS[Math.floor(random() * TASKS.length)] ?? TASKS[0];
  const second = TASKS[Math.floor(random() * TASKS.length)] ?? TASKS[0];
  const xm = (meanJobTasks * (PARETO_ALPHA - 1)) / PARETO_ALPHA;
  const jobs: PlannedJob[] = [];
  for (let left = total; left > 0; ) {
    const size = Math.min(
      left,
      MAX_JOB_TASKS,
      Math.max(1, Math.round(xm / (1 - random()) ** (1 / PARETO_ALPHA))),
    );
    const shape = random() < 0.5 ? first : second;
    jobs.push({ tasks: size, shape: shape as Shape });
    left -= size;
  }
  return jobs;
}

function batchJobs(
  plan: readonly PlannedJob[],
  framework: number,
  meanSeconds: number,
  horizonSeconds: number,
  random: () => number,
): JobInput[] {
  // Frameworks differ in their task lengths too; the factors average 1, so the load holds.
  const mean = roundMs(Math.max(0.001, meanSeconds * (0.5 + random())));
  const duration: DurationInput =
    framework % 2 === 0
      ? { dist: 'exponential', mean }
      : { dist: 'lognormal', mean, stddev: roundMs(mean * 1.5) };
  const failRate = framework % 4 === 1 ? 0.01 : 0;
  const latest = horizonSeconds * ARRIVAL_SPAN;
  const times = plan.map(() => Math.min(roundMs(random() * latest), latest));
  times.sort((a, b) => a - b);
  return plan.map((job, k) => {
    const j: JobInput = {
      name: `job-${k}`,
      at: times[k] ?? 0,
      tasks: job.tasks,
      resources: resourceText(job.shape),
      duration,
    };
    return failRate === 0 ? j : { ...j, failRate };
  });
}

function agentCrashes(
  count: number,
  agents: number,
  horizonSeconds: number,
  random: () => number,
): FaultInput[] {
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(random() * agents));
  return [...chosen].map((agent) => {
    const at = roundMs(horizonSeconds * (0.1 + 0.8 * random()));
    const fault: FaultInput = { kind: 'agent-crash', at, agent };
    return at + RESTART_AFTER_SECONDS < horizonSeconds
      ? { ...fault, restartAfter: RESTART_AFTER_SECONDS }
      : fault;
  });
}
