/**
 * Deterministic simulation testing (reference/anchors.md §6: FoundationDB's simulator,
 * TigerBeetle's VOPR): for one seed, a random cluster shape and random fault rates, a **safety
 * phase** in which faults happen while every event is checked against the invariants
 * (invariants.ts), then a **liveness phase** with faults off (losses and duplicates stop, every
 * partition has healed, every crashed agent is back) after which the master's, the agents' and
 * the frameworks' views must agree and no work may be stuck (convergence.ts). The seed alone decides everything, so a failing seed replays
 * byte for byte.
 *
 * Faults drawn: message duplication, reordering and delay; partitions between the master and
 * any set of agents and schedulers, both ways or one way; agent crashes with restart (state
 * lost); scheduler crashes with failover before or after the framework's failover timeout;
 * master crashes with a restart that recovers the registry from a disk that may have lost the
 * last unsynced write; clock skew (a jump of up to a minute either way and a drift of up to 5%)
 * of any process; and message **loss**, which breaks the connection the message was on (both
 * ends are told, messages still in flight on it are dropped), because over TCP a lost message
 * is a broken connection, never a silent gap (SimWorld `lossBreaksConnections`). Reordering
 * within one link stays opt-in (`reorder`): TCP never reorders, and Mesos's master–agent
 * protocol relies on it (a RUN_TASK that overtakes the AGENT_REGISTERED before it is dropped by
 * the agent; the first campaign found exactly this, README "Deterministic simulation testing").
 */

import type { Master } from '../../master/master.js';
import type { FaultInput, FrameworkInput, ScenarioFile } from '../../scenario/schema.js';
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
import { deriveStream } from './random-streams.js';
import { ScenarioRun } from './scenario-run.js';

/** How long the cluster gets to settle once faults are off: status updates are retried at 10 s
 * doubling up to 10 min (Mesos's status-update manager), so a retry can be 10 min away. */
export const SETTLE_SECONDS = 20 * 60;

/** The views are compared this long before the end, and again at the end. */
const RECHECK_MS = 60_000;

/** The fault kinds a chaos seed draws from. */
export const FAULT_KINDS = [
  'agent-crash',
  'network-partition',
  'master-crash',
  'clock-skew',
  'framework-crash',
] as const;

/** One of {@link FAULT_KINDS}. */
export type ChaosFaultKind = (typeof FAULT_KINDS)[number];

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

/** One seed's scenario: `safetyMinutes` of faults, then {@link SETTLE_SECONDS} without. */
export function chaosScenario(seed: number, safetyMinutes: number, options: ChaosOptions = {}): ScenarioFile {
  const base = options.base;
  const r = deriveStream(seed, 'chaos');
  const between = (lo: number, hi: number) => lo + r() * (hi - lo);
  const whole = (lo: number, hi: number) => Math.floor(between(lo, hi + 1));
  const safetyS = safetyMinutes * 60;
  const agentCount = base === undefined ? whole(2, 6) : base.agents.reduce((n, g) => n + (g.count ?? 1), 0);
  const frameworks: FrameworkInput[] =
    base?.frameworks?.map((f) => ({
      ...f,
      failoverTimeout: f.failoverTimeout ?? 120,
      reconcileInterval: f.reconcileInterval ?? RECONCILE_SECONDS,
    })) ??
    Array.from({ length: whole(1, 3) }, (_, i) => ({
      name: `F${i}`,
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
    }));
  const faults: FaultInput[] = [];
  const agentUpAt = new Array<number>(agentCount).fill(0);
  const frameworkUpAt = new Map<string, number>();
  const faultCount = whole(0, 8);
  const times = Array.from(
    { length: faultCount },
    () => Math.round(between(10, safetyS - 10) * 10) / 10,
  ).sort((a, b) => a - b);
  let masterUpAt = 0;
  const processes = [
    'master',
    ...Array.from({ length: agentCount }, (_, i) => agentId(i)),
    ...frameworks.map((f) => `scheduler-${f.name}`),
  ];
  // Kinds, by one draw: 30% agent crash, 30% partition, 10% master crash, 10% clock skew and
  // 20% scheduler crash (the draw's two ranges left, [0.6, 0.7) and [0.9, 1)).
  for (const at of times) {
    const kind = r();
    if (kind < 0.3) {
      const agent = whole(0, agentCount - 1);
      if ((agentUpAt[agent] as number) > at) continue; // it is down: no second crash
      const restartAfter = Math.round(between(5, 90));
      faults.push({ kind: 'agent-crash', at, agent, restartAfter });
      agentUpAt[agent] = at + restartAfter + 1;
    } else if (kind < 0.6) {
      const cut = Array.from({ length: agentCount }, (_, i) => agentId(i)).filter(() => r() < 0.5);
      const schedulers = frameworks.map((f) => `scheduler-${f.name}`).filter(() => r() < 0.3);
      const side = [...cut, ...schedulers];
      if (side.length === 0) continue;
      const oneWay = r() < 0.3;
      faults.push({
        kind: 'network-partition',
        at,
        duration: Math.round(between(2, 60)),
        // One way: the master's messages to the side are lost, theirs still arrive (or, drawn
        // the other way round, the side hears the master but cannot answer).
        sides: oneWay && r() < 0.5 ? [side, ['master']] : [['master'], side],
        ...(oneWay ? { oneWay } : {}),
      });
    } else if (kind >= 0.7 && kind < 0.8) {
      if (masterUpAt > at) continue;
      const restartAfter = Math.round(between(1, 60));
      faults.push({ kind: 'master-crash', at, restartAfter });
      masterUpAt = at + restartAfter + 1;
    } else if (kind >= 0.8 && kind < 0.9) {
      const process = processes[whole(0, processes.length - 1)] as string;
      const jump = Math.round(between(-60, 60) * 10) / 10;
      const rate = Math.round(between(0.95, 1.05) * 1000) / 1000;
      faults.push({ kind: 'clock-skew', at, process, jump, rate });
    } else {
      const framework = frameworks[whole(0, frameworks.length - 1)];
      if (framework === undefined || (frameworkUpAt.get(framework.name) ?? 0) > at) continue;
      const failoverAfter = Math.round(between(1, 30));
      faults.push({ kind: 'framework-crash', at, framework: framework.name, failoverAfter });
      frameworkUpAt.set(framework.name, at + failoverAfter + 1);
    }
  }

  const lastHeal = Math.max(
    safetyS,
    ...faults.map((f) =>
      f.kind === 'agent-crash'
        ? f.at + (f.restartAfter ?? 0)
        : f.kind === 'network-partition'
          ? f.at + f.duration
          : f.kind === 'framework-crash'
            ? f.at + (f.failoverAfter ?? 0)
            : f.kind === 'master-crash'
              ? f.at + (f.restartAfter ?? 0)
              : f.at,
    ),
  );
  const latencyMax = Math.round(between(0.001, 0.02) * 10_000) / 10_000;
  // Drawn either way, so --message-loss changes nothing else about a seed.
  const lossDrawn = r() < 0.3 ? 0 : Math.round(between(0, 0.05) * 1000) / 1000;
  const reorderDrawn = r() < 0.5;
  // Drawn last, so the rest of a seed is as it was before agents checkpointed: half the
  // frameworks checkpoint, and half the agent crashes are of the agent process alone (it
  // recovers from its checkpoint) rather than reboots of its machine.
  const checkpointing = frameworks.map((f) => ({ ...f, checkpoint: f.checkpoint ?? r() < 0.5 }));
  // A third of the generated frameworks have a quota limit on their role (never below what one
  // of their tasks needs: at most 2 cpus and 1 GiB). A base scenario's frameworks keep theirs.
  const limited = checkpointing.map((f) => {
    const quota = r() < 1 / 3 ? { cpus: whole(2, 8), mem: whole(2, 16) * 1024 } : undefined;
    return base !== undefined || f.quota !== undefined || quota === undefined ? f : { ...f, quota };
  });
  const recovering = faults.map((f) =>
    f.kind === 'agent-crash'
      ? { ...f, recover: r() < 0.5 ? ('reconnect' as const) : ('reboot' as const) }
      : f,
  );
  return {
    name: `chaos-${seed}`,
    description: `agora chaos --seeds ${seed} --minutes ${safetyMinutes}`,
    seed,
    until: Math.ceil(lastHeal) + SETTLE_SECONDS,
    allocator: base?.allocator ?? { policy: ['drf', 'asset', 'random'][whole(0, 2)] as string },
    // Quick health checks, so partitions longer than a few seconds make agents unreachable.
    master: base?.master ?? { agentPingTimeout: 2, maxAgentPingTimeouts: 3 },
    network: {
      latency: { min: 0.0005, max: latencyMax },
      loss: options.messageLoss === false ? 0 : lossDrawn,
      duplication: r() < 0.5 ? 0 : Math.round(between(0, 0.05) * 1000) / 1000,
      reorder: options.reorder === true && reorderDrawn,
    },
    agents: base?.agents ?? [{ count: agentCount, resources: 'cpus:4;mem:8192' }],
    frameworks: limited,
    faults: recovering,
  };
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
