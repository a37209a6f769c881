/**
 * Chaos with several masters (issue 16, `agora chaos --masters 3`): a seed's cluster and its
 * agent and framework faults are drawn as in chaos.ts, the masters contend through the simulated
 * coordination service (coordination/), and a second swarm, from the seed's own `chaos/ha`
 * stream and keyed by fault kind like chaos.ts's table, draws:
 *
 * - **leader-crash**: the master leading now crashes, and restarts 1–60 s later (it contends
 *   again as a follower);
 * - **master-zk-partition**: a master (the leader half the time) is cut off from the service,
 *   both ways, for 1–30 s: shorter than its lease, nothing happens; longer, it stops leading
 *   when the lease runs out; longer than the session timeout, the service expires its session
 *   and another master is elected;
 * - **session-expiry**: the service expires a master's session (the leader's half the time)
 *   and tells it, as ZooKeeper tells a connected client SESSION_EXPIRED;
 * - **zk-crash**: the ensemble loses its quorum for 1–30 s (nothing expires meanwhile; the
 *   leader stops at its lease's end; every session's timeout starts over at recovery).
 *
 * Faults of the single-master table that name the master's address (its crash, partitions
 * between it and agents or schedulers, its clock) are left out: the leader changes address.
 * Every send is checked by {@link LeaderChecker} and by the agent-side checks of
 * {@link InvariantChecker}; after the liveness phase the leader's view, the agents' and the
 * frameworks' must agree, as in chaos.ts.
 */

import { deriveStream } from '../../core/random-streams.js';
import type { Wire } from '../../core/wire.js';
import type { FaultInput } from '../../scenario/schema.js';
import { MASTER_ADDRESS } from '../../scenario/schema.js';
import { validateScenario } from '../../scenario/validate.js';
import { chaosScenario, MAX_FAULTS_PER_MINUTE, SETTLE_SECONDS } from './chaos.js';
import { describeDisagreements, disagreements, persisting } from './convergence.js';
import type { HaMasterFaults } from './coordination/ha-master-process.js';
import { DEFAULT_SESSION_TIMEOUT_MS, type HaMasters, haMasterAddress } from './coordination/ha-masters.js';
import { ZOOKEEPER_ADDRESS } from './coordination/sim-coordination.js';
import { InvariantChecker, LeaderChecker, type LeaderView, type Violation } from './invariants.js';
import { ProcessError } from './process-error.js';
import { ScenarioRun } from './scenario-run.js';
import type { TraceOption } from './trace.js';
import type { WorldObserver } from './world.js';

/** The fault kinds of the masters' swarm, in its order (changing it changes every seed). */
export const HA_FAULT_KINDS = [
  'leader-crash',
  'master-zk-partition',
  'session-expiry',
  'zk-crash',
  'master-clock-skew',
] as const;

/** One of {@link HA_FAULT_KINDS}. */
export type HaFaultKind = (typeof HA_FAULT_KINDS)[number];

/** A drawn fault of the masters' swarm. */
export interface HaFault {
  readonly kind: HaFaultKind;
  /** Seconds into the run. */
  readonly at: number;
  /** For a partition or a crash: how long, in seconds. */
  readonly duration: number;
  /** Which master (1-based), or 0 for the leader at that moment. */
  readonly master: number;
  /** For a clock skew: the jump (s) and the rate, drawn as chaos.ts draws them. */
  readonly jump?: number;
  readonly rate?: number;
}

/** Knobs of a chaos run with several masters. */
export interface HaChaosOptions {
  /** How many masters (>= 2). */
  readonly masters: number;
  /** The masters' session timeout (default Mesos's 10 s). */
  readonly sessionTimeoutMs?: number;
  /** Lose messages (default true), as chaos.ts. */
  readonly messageLoss?: boolean;
  /** A bug planted in every master (the invariant's test). */
  readonly plant?: HaMasterFaults;
  /** Where the run's trace goes (default off), to study a seed. */
  readonly trace?: TraceOption;
}

/** What one run did and found. */
export interface HaChaosResult {
  readonly seed: number;
  readonly masters: number;
  readonly agents: number;
  readonly frameworks: number;
  /** Faults of the single-master table kept (agents, frameworks, their clocks). */
  readonly clusterFaults: number;
  /** Faults of the masters' swarm drawn, and of each kind. */
  readonly haFaults: number;
  readonly haFaultKinds: Readonly<Record<string, number>>;
  /** Elections after the first. */
  readonly leaderChanges: number;
  readonly events: number;
  /** Master sends checked against the group. */
  readonly leaderChecks: number;
  readonly simulatedSeconds: number;
  readonly violation: Violation | undefined;
  readonly problems: readonly string[];
}

/** The seed's faults of the masters' swarm over a safety phase of `safetyS` seconds. */
export function drawHaFaults(seed: number, safetyS: number, masters: number): HaFault[] {
  const r = deriveStream(seed, 'chaos/ha');
  const between = (lo: number, hi: number) => lo + r() * (hi - lo);
  const whole = (lo: number, hi: number) => Math.floor(between(lo, hi + 1));
  // A swarm as chaos.ts draws it, but no kind is ever off here: these are what the run is for.
  const weights = HA_FAULT_KINDS.map(() => whole(1, 100));
  const total = weights.reduce((a, b) => a + b, 0);
  const count = whole(1, Math.max(1, Math.round((MAX_FAULTS_PER_MINUTE * safetyS) / 60)));
  const times = Array.from({ length: count }, () => Math.round(between(10, safetyS - 10) * 10) / 10).sort(
    (a, b) => a - b,
  );
  return times.map((at) => {
    const x = Math.floor(r() * total);
    let upTo = 0;
    let kind: HaFaultKind = 'zk-crash';
    for (let i = 0; i < HA_FAULT_KINDS.length; i++) {
      upTo += weights[i] as number;
      if (x < upTo) {
        kind = HA_FAULT_KINDS[i] as HaFaultKind;
        break;
      }
    }
    const duration = kind === 'leader-crash' ? Math.round(between(1, 60)) : Math.round(between(1, 30));
    const master = kind === 'leader-crash' || r() < 0.5 ? 0 : whole(1, masters);
    if (kind !== 'master-clock-skew') return { kind, at, duration, master };
    const jump = Math.round(between(-60, 60) * 10) / 10;
    const rate = Math.round(between(0.95, 1.05) * 1000) / 1000;
    return { kind, at, duration, master, jump, rate };
  });
}

/** Schedules `fault` in `run` (whose masters are `ha`). */
function inject(run: ScenarioRun, ha: HaMasters, fault: HaFault): void {
  const world = run.world;
  const atMs = fault.at * 1000;
  const target = (): string | undefined =>
    fault.master === 0 ? ha.coordination.leader?.address : haMasterAddress(fault.master);
  const trace = (detail: Record<string, unknown>) =>
    world.traceHarness('@chaos', { kind: `ha-fault.${fault.kind}`, ...detail });
  world.at(atMs, () => {
    switch (fault.kind) {
      case 'leader-crash': {
        const leader = target();
        if (leader === undefined || world.status(leader) !== 'running') {
          trace({ skipped: 'no leader running' });
          return;
        }
        trace({ master: leader, restartAfter: fault.duration });
        world.crash(leader);
        world.at(atMs + fault.duration * 1000, () => {
          if (world.status(leader) !== 'running') world.restart(leader);
        });
        return;
      }
      case 'master-zk-partition': {
        const master = target();
        if (master === undefined) {
          trace({ skipped: 'no leader' });
          return;
        }
        trace({ master, duration: fault.duration });
        world.network.partition(master, ZOOKEEPER_ADDRESS);
        world.at(atMs + fault.duration * 1000, () => world.network.heal(master, ZOOKEEPER_ADDRESS));
        return;
      }
      case 'session-expiry': {
        const master = target();
        const expired = master !== undefined && ha.expireSession(master);
        trace(expired ? { master } : { master: master ?? null, skipped: 'no session it could be told of' });
        return;
      }
      case 'master-clock-skew': {
        const master = target();
        if (master === undefined) {
          trace({ skipped: 'no leader' });
          return;
        }
        trace({ master, jump: fault.jump, rate: fault.rate });
        world.skewClock(master, (fault.jump ?? 0) * 1000, fault.rate ?? 1);
        return;
      }
      case 'zk-crash': {
        if (!ha.coordination.service.up) {
          trace({ skipped: 'already down' });
          return;
        }
        trace({ duration: fault.duration });
        ha.coordination.crash();
        world.at(atMs + fault.duration * 1000, () => ha.coordination.recover());
        return;
      }
    }
  });
}

/** Whether a single-master fault stays in a run with several masters (see the module comment). */
function keeps(f: FaultInput): boolean {
  switch (f.kind) {
    case 'master-crash':
      return false;
    case 'network-partition':
      return !f.sides.some((side) => side.includes(MASTER_ADDRESS));
    case 'clock-skew':
      return f.process !== MASTER_ADDRESS;
    default:
      return true;
  }
}

/** Both checkers, as one observer. */
function both(a: WorldObserver<Wire>, b: WorldObserver<Wire>): WorldObserver<Wire> {
  return {
    sent: (from, to, msg, now) => {
      a.sent?.(from, to, msg, now);
      b.sent?.(from, to, msg, now);
    },
    delivered: (from, to, msg, now) => {
      a.delivered?.(from, to, msg, now);
      b.delivered?.(from, to, msg, now);
    },
    afterEvent: (now) => {
      a.afterEvent?.(now);
      b.afterEvent?.(now);
    },
  };
}

/** Runs one seed with several masters: safety phase checked at every send, then convergence. */
export function runHaChaos(seed: number, safetyMinutes: number, options: HaChaosOptions): HaChaosResult {
  const base = chaosScenario(
    seed,
    safetyMinutes,
    options.messageLoss === false ? { messageLoss: false } : {},
  );
  const clusterFaults = (base.faults ?? []).filter(keeps);
  const safetyS = safetyMinutes * 60;
  const haFaults = drawHaFaults(seed, safetyS, options.masters);
  const lastHaEnd = Math.max(safetyS, ...haFaults.map((f) => f.at + f.duration));
  const file = {
    ...base,
    faults: clusterFaults,
    until: Math.max(base.until ?? 0, Math.ceil(lastHaEnd) + SETTLE_SECONDS),
  };
  const validated = validateScenario(file);
  if (!validated.ok)
    throw new Error(`chaos seed ${seed} made an invalid scenario: ${JSON.stringify(validated.error)}`);
  const scenario = validated.value;
  // The masters exist only once the run does, and the first is elected as it starts: the
  // checker reads them through this view, filled in below.
  let ha: HaMasters | undefined;
  const view = (): LeaderView => (ha as HaMasters).view();
  const leaderChecker = new LeaderChecker({
    isMaster: (a) => view().isMaster(a),
    groupLeader: () => view().groupLeader(),
    epochOf: (a) => view().epochOf(a),
    registryText: () => view().registryText(),
  });
  const agentChecks = new InvariantChecker();
  const observer = both(agentChecks, leaderChecker);
  const run = new ScenarioRun(scenario, {
    ...(options.trace === undefined ? {} : { trace: options.trace }),
    observer,
    lossBreaksConnections: true,
    ha: {
      masters: options.masters,
      sessionTimeoutMs: options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      events: { elected: (address, epoch, now) => leaderChecker.elected(address, epoch, now) },
      built: (masters) => {
        ha = masters;
      },
      ...(options.plant === undefined ? {} : { faults: options.plant }),
    },
  });
  agentChecks.attach(run.world);
  const masters = run.ha as HaMasters;
  for (const fault of haFaults) inject(run, masters, fault);
  const safetyEndMs = safetyS * 1000;
  run.world.at(Math.min(safetyEndMs, run.untilMs), (world) =>
    world.network.configure({ lossProbability: 0, duplicateProbability: 0 }),
  );
  const violation = (): Violation | undefined => leaderChecker.violation ?? agentChecks.violation;
  const agents = scenario.agents.map((a) => a.id);
  const frameworks = new Map([...run.frameworks].map(([name, slot]) => [name, slot.framework]));
  const firstLookMs = run.untilMs - 60_000;
  const step = 10_000;
  let problems: string[] = [];
  let crash: Violation | undefined;
  try {
    for (let t = step; t < firstLookMs && violation() === undefined; t += step) run.advance(t);
    if (violation() === undefined) {
      run.advance(firstLookMs);
      const earlier = disagreements(run.world, agents, frameworks, masters.leader()?.master);
      for (let t = firstLookMs + step; t < run.untilMs + step && violation() === undefined; t += step)
        run.advance(t);
      const leader = masters.leader();
      problems = [
        ...(leader === undefined ? ['no master leads at the end, with every fault healed'] : []),
        ...describeDisagreements(
          persisting(earlier, disagreements(run.world, agents, frameworks, leader?.master)),
        ),
      ];
    }
  } catch (e) {
    if (!(e instanceof ProcessError)) throw e;
    crash = { invariant: 'no-process-error', atMs: e.timeMs, detail: e.message };
  }
  const haFaultKinds: Record<string, number> = {};
  for (const f of haFaults) haFaultKinds[f.kind] = (haFaultKinds[f.kind] ?? 0) + 1;
  const checker = leaderChecker;
  return {
    seed,
    masters: options.masters,
    agents: scenario.agents.length,
    frameworks: scenario.frameworks.length,
    clusterFaults: clusterFaults.length,
    haFaults: haFaults.length,
    haFaultKinds,
    leaderChanges: Math.max(0, checker.elections - 1),
    events: run.world.eventCount,
    leaderChecks: checker.checks,
    simulatedSeconds: run.nowMs / 1000,
    violation: violation() ?? crash,
    problems,
  };
}
