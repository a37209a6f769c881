/**
 * Deterministic simulation testing (reference/anchors.md §6: FoundationDB's simulator,
 * TigerBeetle's VOPR): for one seed, a random cluster shape and random fault rates, a **safety
 * phase** in which faults happen while every event is checked against the invariants
 * (invariants.ts), then a **liveness phase** with faults off (losses and duplicates stop, every
 * partition has healed, every crashed agent is back) after which the master's, the agents' and
 * the frameworks' views must agree and no work may be stuck (convergence.ts). The seed alone
 * decides everything, so a failing seed replays byte for byte.
 *
 * Faults are drawn as a **swarm** (TigerBeetle's `enum_weights`): each seed turns whole fault
 * kinds off and weights the rest, so some seeds hammer one kind and others mix them, and the
 * number of faults grows with the safety phase. Kinds: partitions between the master and any
 * set of agents and schedulers, both ways or one way; agent crashes with restart (a reboot, or
 * an agent process crash recovered from its checkpoint); scheduler crashes with failover before
 * or after the framework's failover timeout; master crashes with a restart that recovers the
 * registry from a disk that may have lost the last unsynced write; clock skew (a jump of up to
 * a minute either way and a drift of up to 5%) of any process. On top: message duplication and
 * delay, and message **loss**, which breaks the connection the message was on (both ends are
 * told, messages still in flight on it are dropped), because over TCP a lost message is a
 * broken connection, never a silent gap (SimWorld `lossBreaksConnections`); a message a
 * partition cuts off breaks its connection too. Reordering within one link stays opt-in
 * (`reorder`): TCP never reorders, and Mesos's master–agent protocol relies on it (a RUN_TASK
 * that overtakes the AGENT_REGISTERED before it is dropped by the agent; the first campaign
 * found exactly this, README "Deterministic simulation testing").
 *
 * Generated clusters draw roles shared by several frameworks, with weights, so the DRF check
 * compares frameworks within a role and roles with each other.
 */

import { assertNever } from '../../core/assert-never.js';
import { deriveStream } from '../../core/random-streams.js';
import type { Master } from '../../master/master.js';
import type { FaultInput, FrameworkInput, JobInput, ScenarioFile } from '../../scenario/schema.js';
import { agentId, MASTER_ADDRESS, schedulerAddress } from '../../scenario/schema.js';
import { validateScenario } from '../../scenario/validate.js';
import {
  describeDisagreements,
  disagreements,
  type ProgressLook,
  persisting,
  STAGING_LIMIT_MS,
  starvedFrameworks,
  stuckStaging,
  waitingWithRoom,
} from './convergence.js';
import { InvariantChecker, type Violation } from './invariants.js';
import { ProcessError } from './process-error.js';
import { ScenarioRun } from './scenario-run.js';

/** How long the cluster gets to settle once faults are off: status updates are retried at 10 s
 * doubling up to 10 min (Mesos's status-update manager), so a retry can be 10 min away. */
export const SETTLE_SECONDS = 20 * 60;

/** The views are compared this long before the end, and again at the end. */
const RECHECK_MS = 60_000;

/**
 * The fault kinds a chaos seed draws from: every scenario fault kind but `agent-restart`, which
 * the swarm never draws on its own (a drawn agent crash carries its restart).
 */
export type ChaosFaultKind = Exclude<FaultInput['kind'], 'agent-restart'>;

/** Faults drawn per simulated minute of the safety phase, at most (on average half of it). */
export const MAX_FAULTS_PER_MINUTE = 1.6;

/** Knobs of a chaos run. */
export interface ChaosOptions {
  /** Take the cluster (agents, frameworks, allocator, master flags) from this scenario. */
  readonly base?: ScenarioFile;
  /** Lose messages (default true); a loss breaks its connection, as over TCP (see SimWorld). */
  readonly messageLoss?: boolean;
  /** Also reorder messages within a link (see the module comment). */
  readonly reorder?: boolean;
}

/**
 * How often chaos frameworks reconcile their live tasks. Mesos advises frameworks to reconcile
 * periodically because the updates a master generates (TASK_LOST for a lost agent, say) are not
 * retried: the first campaigns found frameworks that never learnt of tasks ended while a
 * partition cut them off (README, "Deterministic simulation testing").
 */
export const RECONCILE_SECONDS = 60;

/** What one checked run did and found. */
export interface ChaosResult {
  readonly seed: number;
  readonly agents: number;
  readonly frameworks: number;
  /** Distinct roles of the frameworks. */
  readonly roles: number;
  /** Frameworks the master had removed by the end (framework-gone checked their tasks). */
  readonly frameworksRemoved: number;
  readonly faults: number;
  /** Faults of each kind. */
  readonly faultKinds: Readonly<Record<string, number>>;
  readonly loss: number;
  readonly duplication: number;
  readonly reorder: boolean;
  readonly events: number;
  readonly checks: number;
  /** Offer decisions checked against DRF order (DRF seeds only). */
  readonly offerDecisions: number;
  /** Of those, decisions with at least two eligible frameworks in the role. */
  readonly frameworkRivals: number;
  /** Of those, decisions with at least two eligible roles. */
  readonly roleRivals: number;
  /** Offers checked against their framework's roles; tasks checked against their offers. */
  readonly offersChecked: number;
  readonly launchesChecked: number;
  readonly simulatedSeconds: number;
  /** The first safety violation, if any. */
  readonly violation: Violation | undefined;
  /** Convergence problems at the end, if any. */
  readonly problems: readonly string[];
}

/** A draw's helpers over one seeded stream. */
interface Draws {
  readonly r: () => number;
  readonly between: (lo: number, hi: number) => number;
  readonly whole: (lo: number, hi: number) => number;
}

/** One seed's scenario: `safetyMinutes` of faults, then {@link SETTLE_SECONDS} without. */
export function chaosScenario(seed: number, safetyMinutes: number, options: ChaosOptions = {}): ScenarioFile {
  const base = options.base;
  const r = deriveStream(seed, 'chaos');
  const between = (lo: number, hi: number) => lo + r() * (hi - lo);
  const whole = (lo: number, hi: number) => Math.floor(between(lo, hi + 1));
  const d: Draws = { r, between, whole };
  const safetyS = safetyMinutes * 60;
  const agentCount = base === undefined ? whole(2, 6) : base.agents.reduce((n, g) => n + (g.count ?? 1), 0);
  const frameworks: FrameworkInput[] =
    base === undefined ? generatedFrameworks(d, safetyS) : fittedFrameworks(base.frameworks ?? [], safetyS);
  const faults = drawFaults(d, safetyS, agentCount, frameworks);
  const lastHeal = Math.max(safetyS, ...faults.map(healsAt));
  const latencyMax = Math.round(between(0.001, 0.02) * 10_000) / 10_000;
  // Drawn either way, so --message-loss and --reorder change nothing else about a seed.
  const lossDrawn = r() < 0.3 ? 0 : Math.round(between(0, 0.05) * 1000) / 1000;
  const reorderDrawn = r() < 0.5;
  const duplication = r() < 0.5 ? 0 : Math.round(between(0, 0.05) * 1000) / 1000;
  // Half the frameworks checkpoint, and half the agent crashes are of the agent process alone
  // (it recovers from its checkpoint) rather than reboots of its machine.
  const checkpointing = frameworks.map((f) => ({ ...f, checkpoint: f.checkpoint ?? r() < 0.5 }));
  const recovering = faults.map((f) =>
    f.kind === 'agent-crash'
      ? { ...f, recover: r() < 0.5 ? ('reconnect' as const) : ('reboot' as const) }
      : f,
  );
  const policy = base?.allocator?.policy ?? (['drf', 'asset', 'random'][whole(0, 2)] as string);
  return {
    name: `chaos-${seed}`,
    description: `agora chaos --seeds ${seed} --minutes ${safetyMinutes}`,
    seed,
    until: Math.ceil(lastHeal) + SETTLE_SECONDS,
    allocator: { ...base?.allocator, policy },
    // Quick health checks, so partitions longer than a few seconds make agents unreachable.
    master: base?.master ?? { agentPingTimeout: 2, maxAgentPingTimeouts: 3 },
    network: {
      latency: { min: 0.0005, max: latencyMax },
      loss: options.messageLoss === false ? 0 : lossDrawn,
      duplication,
      reorder: options.reorder === true && reorderDrawn,
    },
    agents: base?.agents ?? [{ count: agentCount, resources: 'cpus:4;mem:8192' }],
    frameworks: checkpointing,
    faults: recovering,
  };
}

/**
 * 1–4 frameworks with Poisson-fed batch work, in 1–4 roles drawn among them (so several
 * frameworks often share one); half the roles weigh 1, the others 0.5, 2 or 3; a third of the
 * roles have a quota limit (never below what one task needs: at most 2 cpus and 1 GiB).
 */
function generatedFrameworks({ r, between, whole }: Draws, safetyS: number): FrameworkInput[] {
  const count = whole(1, 4);
  const roleCount = whole(1, count);
  const roles = Array.from({ length: roleCount }, (_, i) => ({
    name: `r${i}`,
    weight: r() < 0.5 ? 1 : ([0.5, 2, 3][whole(0, 2)] as number),
    quota: r() < 1 / 3 ? { cpus: whole(2, 8), mem: whole(2, 16) * 1024 } : undefined,
  }));
  return Array.from({ length: count }, (_, i) => {
    const role = roles[whole(0, roleCount - 1)] as (typeof roles)[number];
    return {
      name: `F${i}`,
      role: role.name,
      ...(role.weight === 1 ? {} : { weight: role.weight }),
      ...(role.quota === undefined ? {} : { quota: role.quota }),
      failoverTimeout: r() < 0.25 ? 0 : Math.round(between(30, 300)),
      reconcileInterval: RECONCILE_SECONDS,
      jobs: [
        {
          name: 'work',
          arrival: { process: 'poisson' as const, rate: between(0.02, 0.3), until: safetyS },
          tasks: whole(1, 4),
          resources: `cpus:${whole(1, 2)};mem:${whole(1, 4) * 256}`,
          duration: { dist: 'exponential' as const, mean: Math.round(between(5, 60)) },
          failRate: r() < 0.5 ? 0 : Math.round(between(0, 0.2) * 100) / 100,
        },
      ],
    };
  });
}

/**
 * A base scenario's frameworks with their work cut to the safety phase (jobs submitted later are
 * dropped, arrivals stop at its end: the liveness phase drains what is left), a failover
 * timeout and periodic reconciliation unless they set their own.
 */
function fittedFrameworks(frameworks: readonly FrameworkInput[], safetyS: number): FrameworkInput[] {
  const fit = (job: JobInput): JobInput | undefined => {
    if (job.at !== undefined) return job.at < safetyS ? job : undefined;
    const arrival = job.arrival;
    if (arrival === undefined || (arrival.from ?? 0) >= safetyS) return undefined;
    return { ...job, arrival: { ...arrival, until: Math.min(arrival.until ?? safetyS, safetyS) } };
  };
  return frameworks.map((f) => ({
    ...f,
    failoverTimeout: f.failoverTimeout ?? 120,
    reconcileInterval: f.reconcileInterval ?? RECONCILE_SECONDS,
    jobs: (f.jobs ?? []).map(fit).filter((j): j is JobInput => j !== undefined),
  }));
}

/** What the fault draws of one seed share: the cluster, and when each process is up again. */
interface Swarm {
  readonly d: Draws;
  readonly agentCount: number;
  readonly frameworks: readonly FrameworkInput[];
  /** Every process a clock may skew on: the master, the agents, the schedulers. */
  readonly processes: readonly string[];
  readonly agentUpAt: number[];
  readonly frameworkUpAt: Map<string, number>;
  masterUpAt: number;
}

/** Draws one fault of a kind at `at`; undefined skips it (it would hit a process already down). */
type FaultDraw = (swarm: Swarm, at: number) => FaultInput | undefined;

/**
 * How each kind's fault is drawn, in the swarm's order (the order of the weights drawn per seed:
 * changing it changes every seed). The `satisfies` makes a new scenario fault kind a compile
 * error here until it has a draw, and with one it joins the swarm: {@link FAULT_KINDS} is this
 * table's keys.
 */
const FAULT_DRAWS = {
  'agent-crash': ({ d, agentCount, agentUpAt }, at) => {
    const agent = d.whole(0, agentCount - 1);
    if ((agentUpAt[agent] as number) > at) return undefined; // it is down: no second crash
    const restartAfter = Math.round(d.between(5, 90));
    agentUpAt[agent] = at + restartAfter + 1;
    return { kind: 'agent-crash', at, agent, restartAfter };
  },
  'network-partition': ({ d, agentCount, frameworks }, at) => {
    const cut = Array.from({ length: agentCount }, (_, i) => agentId(i)).filter(() => d.r() < 0.5);
    const schedulers = frameworks.map((f) => schedulerAddress(f.name)).filter(() => d.r() < 0.3);
    const side = [...cut, ...schedulers];
    if (side.length === 0) return undefined;
    const oneWay = d.r() < 0.3;
    return {
      kind: 'network-partition',
      at,
      duration: Math.round(d.between(2, 60)),
      // One way: the master's messages to the side are lost, theirs still arrive (or, drawn
      // the other way round, the side hears the master but cannot answer).
      sides: oneWay && d.r() < 0.5 ? [side, [MASTER_ADDRESS]] : [[MASTER_ADDRESS], side],
      ...(oneWay ? { oneWay } : {}),
    };
  },
  'master-crash': (swarm, at) => {
    if (swarm.masterUpAt > at) return undefined;
    const restartAfter = Math.round(swarm.d.between(1, 60));
    swarm.masterUpAt = at + restartAfter + 1;
    return { kind: 'master-crash', at, restartAfter };
  },
  'clock-skew': ({ d, processes }, at) => {
    const process = processes[d.whole(0, processes.length - 1)] as string;
    const jump = Math.round(d.between(-60, 60) * 10) / 10;
    const rate = Math.round(d.between(0.95, 1.05) * 1000) / 1000;
    return { kind: 'clock-skew', at, process, jump, rate };
  },
  'framework-crash': ({ d, frameworks, frameworkUpAt }, at) => {
    const framework = frameworks[d.whole(0, frameworks.length - 1)];
    if (framework === undefined || (frameworkUpAt.get(framework.name) ?? 0) > at) return undefined;
    const failoverAfter = Math.round(d.between(1, 30));
    frameworkUpAt.set(framework.name, at + failoverAfter + 1);
    return { kind: 'framework-crash', at, framework: framework.name, failoverAfter };
  },
} as const satisfies Readonly<Record<ChaosFaultKind, FaultDraw>>;

/** The fault kinds a chaos seed draws from, in the swarm's order. */
export const FAULT_KINDS = Object.keys(FAULT_DRAWS) as readonly ChaosFaultKind[];

/**
 * The faults of one seed, as a swarm: each kind is off with probability 1/2 and weighs 1–100
 * otherwise; up to {@link MAX_FAULTS_PER_MINUTE} per minute of the safety phase are drawn.
 * A fault that would hit a process already down is skipped.
 */
function drawFaults(
  d: Draws,
  safetyS: number,
  agentCount: number,
  frameworks: readonly FrameworkInput[],
): FaultInput[] {
  const { r, between, whole } = d;
  const weights = FAULT_KINDS.map(() => (r() < 0.5 ? 0 : whole(1, 100)));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const faultCount = totalWeight === 0 ? 0 : whole(0, Math.round((MAX_FAULTS_PER_MINUTE * safetyS) / 60));
  const times = Array.from(
    { length: faultCount },
    () => Math.round(between(10, safetyS - 10) * 10) / 10,
  ).sort((a, b) => a - b);
  const pick = (): ChaosFaultKind => {
    // Whole numbers: the draw lands in exactly one kind's share of [0, totalWeight).
    const x = Math.floor(r() * totalWeight);
    let upTo = 0;
    for (let i = 0; i < FAULT_KINDS.length; i++) {
      upTo += weights[i] as number;
      if (x < upTo) return FAULT_KINDS[i] as ChaosFaultKind;
    }
    throw new Error('assertion failed: a fault kind draw beyond the total weight');
  };
  const swarm: Swarm = {
    d,
    agentCount,
    frameworks,
    processes: [
      MASTER_ADDRESS,
      ...Array.from({ length: agentCount }, (_, i) => agentId(i)),
      ...frameworks.map((f) => schedulerAddress(f.name)),
    ],
    agentUpAt: new Array<number>(agentCount).fill(0),
    frameworkUpAt: new Map<string, number>(),
    masterUpAt: 0,
  };
  const faults: FaultInput[] = [];
  for (const at of times) {
    const fault = FAULT_DRAWS[pick()](swarm, at);
    if (fault !== undefined) faults.push(fault);
  }
  return faults;
}

/** When a drawn fault is over: its process back, its partition healed. */
function healsAt(f: FaultInput): number {
  switch (f.kind) {
    case 'agent-crash':
    case 'master-crash':
      return f.at + (f.restartAfter ?? 0);
    case 'network-partition':
      return f.at + f.duration;
    case 'framework-crash':
      return f.at + (f.failoverAfter ?? 0);
    case 'agent-restart':
    case 'clock-skew':
      return f.at;
    default:
      return assertNever(f, 'fault kind');
  }
}

/** Runs one seed: the safety phase checked at every event, then the convergence checks. */
export function runChaos(seed: number, safetyMinutes: number, options: ChaosOptions = {}): ChaosResult {
  const file = chaosScenario(seed, safetyMinutes, options);
  const result = checkScenario(file, safetyMinutes * 60_000);
  if (typeof result === 'string') throw new Error(`chaos seed ${seed} made an invalid scenario: ${result}`);
  return result;
}

/**
 * Runs any scenario as a chaos run does: its faults during the first `safetyEndMs`, with every
 * event checked, then losses and duplicates off until its end, where the views must have
 * converged. A regression test pins a scenario and its faults this way, which outlives a seed
 * whose draws change. Returns why the scenario is invalid, if it is.
 */
export function checkScenario(file: ScenarioFile, safetyEndMs: number): ChaosResult | string {
  const validated = validateScenario(file);
  if (!validated.ok) return JSON.stringify(validated.error.slice(0, 3));
  const scenario = validated.value;
  const checker = new InvariantChecker();
  const run = new ScenarioRun(scenario, {
    observer: checker,
    allocationAudit: checker.auditAllocation,
    // Over TCP a lost message is a broken connection, never a silent gap (see SimWorld).
    lossBreaksConnections: true,
  });
  checker.attach(run.world);
  // Faults off: losses and duplicates stop (partitions and crashes end on their own schedule).
  run.world.at(Math.min(safetyEndMs, run.untilMs), (world) =>
    world.network.configure({ lossProbability: 0, duplicateProbability: 0 }),
  );
  // Stop at the first violation: the rest of the run is its consequence. Views are compared a
  // minute before the end and at the end; only what both show counts (messages in flight make
  // views differ for a moment, and work may still be going on).
  const agents = scenario.agents.map((a) => a.id);
  const frameworks = new Map([...run.frameworks].map(([name, slot]) => [name, slot.framework]));
  const progress = (): Map<string, ProgressLook> => {
    const master = run.world.instance(MASTER_ADDRESS) as Master | undefined;
    const looks = new Map<string, ProgressLook>();
    if (master === undefined || run.world.status(MASTER_ADDRESS) !== 'running') return looks;
    for (const [name, framework] of frameworks) {
      looks.set(name, {
        offersReceived: checker.offersDeliveredTo(schedulerAddress(name)),
        waitingWithRoom: waitingWithRoom(master, framework),
      });
    }
    return looks;
  };
  const firstLookMs = run.untilMs - RECHECK_MS;
  const step = 10_000;
  let problems: string[] = [];
  let frameworksRemoved = 0;
  let crash: Violation | undefined;
  try {
    for (let t = step; t < firstLookMs && checker.violation === undefined; t += step) run.advance(t);
    if (checker.violation === undefined) {
      run.advance(firstLookMs);
      const earlier = disagreements(run.world, agents, frameworks);
      const earlierProgress = progress();
      for (let t = firstLookMs + step; t < run.untilMs + step && checker.violation === undefined; t += step) {
        run.advance(t);
      }
      const master = run.world.instance(MASTER_ADDRESS) as Master | undefined;
      for (const framework of frameworks.values()) {
        const id = framework.frameworkId?.value;
        if (id !== undefined && master?.frameworkConnection(id).kind === 'unknown') frameworksRemoved++;
      }
      problems = describeDisagreements([
        ...persisting(earlier, disagreements(run.world, agents, frameworks)),
        ...starvedFrameworks(earlierProgress, progress()),
        ...(master === undefined
          ? []
          : stuckStaging(master.state(), checker.launchedAtMs, run.nowMs, STAGING_LIMIT_MS)),
      ]);
    }
  } catch (e) {
    // A process that throws (a failed assertion in the master, say) is a finding like any
    // other: the seed replays it.
    if (!(e instanceof ProcessError)) throw e;
    crash = { invariant: 'no-process-error', atMs: e.timeMs, detail: e.message };
  }
  const faultKinds: Record<string, number> = {};
  for (const f of scenario.faults) faultKinds[f.kind] = (faultKinds[f.kind] ?? 0) + 1;
  return {
    seed: scenario.seed,
    agents: scenario.agents.length,
    frameworks: scenario.frameworks.length,
    roles: new Set(scenario.frameworks.map((f) => f.role)).size,
    frameworksRemoved,
    faults: scenario.faults.length,
    faultKinds,
    loss: scenario.network.loss,
    duplication: scenario.network.duplication,
    reorder: scenario.network.reorder,
    events: run.world.eventCount,
    checks: checker.checks,
    offerDecisions: checker.drf.decisions,
    frameworkRivals: checker.drf.frameworkRivals,
    roleRivals: checker.drf.roleRivals,
    offersChecked: checker.ledger.offersChecked,
    launchesChecked: checker.ledger.launchesChecked,
    simulatedSeconds: run.nowMs / 1000,
    violation: checker.violation ?? crash,
    problems,
  };
}
