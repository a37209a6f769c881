/**
 * A plan's faults as harness actions at their scenario times. A fault that cannot apply when its
 * time comes (restarting an agent that is up, crashing one that is down) is traced as skipped
 * rather than thrown: validation cannot know, for instance, that an earlier crash already had a
 * restart. A fault the harness cannot replay at all (harness.cannotReplay: live, for now, agent
 * and master crashes and partitions) is skipped the same way, with the harness's reason, so no
 * run drops a fault silently.
 */
import { assertNever } from '../../core/assert-never.js';
import {
  type AgentRecovery,
  type FaultSpec,
  MASTER_ADDRESS,
  schedulerAddress,
} from '../../scenario/schema.js';
import type { FrameworkSlot, PlanRun } from './run-loop.js';

/** A fault or cluster change that did not apply, and why. */
export interface FaultSkipped {
  /** Scenario ms when it was due. */
  readonly atMs: number;
  /** The fault's kind (`agent-crash`, …; `framework-failover` for a crash's sequel). */
  readonly fault: string;
  /** What it was aimed at (an agent id, `master`, a framework's name). */
  readonly target: string;
  readonly why: string;
}

/** Schedules every fault of the run's plan (all fall before its end). */
export function scheduleFaults(run: PlanRun): void {
  const { harness } = run;
  for (const fault of run.plan.faults) {
    // An agent whose clock jumps checks its ping deadline at moments that depend on when each
    // ping arrived: in the simulator its health checks stay messages (see health-elision.ts).
    if (fault.kind === 'clock-skew' && fault.process !== MASTER_ADDRESS)
      harness.clockSkew?.planned(fault.process);
    harness.atFault(fault.atMs, touched(fault), () => applyFault(run, fault));
  }
}

/**
 * The processes a fault touches, for the simulator's fault calendar (SimWorld.atFault);
 * undefined when it touches the master, which is at one end of every health check.
 */
function touched(fault: FaultSpec): readonly string[] | undefined {
  switch (fault.kind) {
    case 'agent-crash':
    case 'agent-restart':
      return [fault.agentId];
    case 'network-partition': {
      const processes = [...fault.sides[0], ...fault.sides[1]];
      return processes.includes(MASTER_ADDRESS) ? undefined : processes;
    }
    case 'master-crash':
      return undefined;
    case 'clock-skew':
      return fault.process === MASTER_ADDRESS ? undefined : [fault.process];
    case 'framework-crash':
      return [schedulerAddress(fault.framework)];
    default:
      return assertNever(fault);
  }
}

function target(fault: FaultSpec): string {
  switch (fault.kind) {
    case 'agent-crash':
    case 'agent-restart':
      return fault.agentId;
    case 'network-partition':
      return `${fault.sides[0].join(',')} | ${fault.sides[1].join(',')}`;
    case 'master-crash':
      return MASTER_ADDRESS;
    case 'clock-skew':
      return fault.process;
    case 'framework-crash':
      return fault.framework;
    default:
      return assertNever(fault);
  }
}

function applyFault(run: PlanRun, fault: FaultSpec): void {
  const cannot =
    run.harness.cannotReplay(fault.kind) ??
    (fault.kind === 'clock-skew' && run.harness.clockSkew === undefined
      ? `this world cannot skew a clock`
      : undefined);
  if (cannot !== undefined) {
    skipped(run, fault.kind, target(fault), cannot);
    return;
  }
  switch (fault.kind) {
    case 'agent-crash':
      crashAgent(run, fault.agentId, fault.restartAfterMs, fault.recover);
      return;
    case 'agent-restart':
      restartAgent(run, fault.agentId);
      return;
    case 'network-partition':
      partition(run, fault.sides, fault.durationMs, fault.oneWay);
      return;
    case 'master-crash':
      crashMaster(run, fault.restartAfterMs);
      return;
    case 'clock-skew':
      run.harness.clockSkew?.skew(fault.process, fault.jumpMs, fault.rate);
      return;
    case 'framework-crash':
      crashFramework(run, fault.framework, fault.failoverAfterMs);
      return;
    default:
      assertNever(fault);
  }
}

/** Records a fault that did not apply: in the harness's trace and in the run's list. */
export function skipped(run: PlanRun, fault: string, target: string, why: string): void {
  run.harness.trace({ kind: 'fault.skipped', fault, target, why });
  run.skipped.push({ atMs: run.harness.now(), fault, target, why });
}

function crashAgent(
  run: PlanRun,
  agentId: string,
  restartAfterMs: number | undefined,
  recover: AgentRecovery,
): void {
  const { harness } = run;
  if (harness.status(agentId) !== 'running') {
    skipped(run, 'agent-crash', agentId, `the agent is ${harness.status(agentId)}`);
    return;
  }
  harness.crash(agentId);
  // A reboot: the tasks died with the machine and the agent will not trust its checkpoint.
  // Otherwise only the agent process died: its checkpoint and its checkpointed commands remain.
  if (recover === 'reboot') harness.wipeDisk(agentId);
  run.recorder.capacityChanged(harness.now(), agentQuantities(run, agentId), -1);
  if (restartAfterMs !== undefined && harness.now() + restartAfterMs < run.plan.untilMs) {
    harness.atFault(harness.now() + restartAfterMs, [agentId], () => restartAgent(run, agentId));
  }
}

function restartAgent(run: PlanRun, agentId: string): void {
  const { harness } = run;
  const status = harness.status(agentId);
  if (status !== 'crashed' && status !== 'stopped') {
    skipped(run, 'agent-restart', agentId, `the agent is ${status}`);
    return;
  }
  // It recovers what its disk holds: nothing after a reboot (it registers anew, with a new
  // agent id), else its checkpoint (it reregisters under its id).
  harness.restart(agentId);
  run.recorder.capacityChanged(harness.now(), agentQuantities(run, agentId), 1);
}

function partition(
  run: PlanRun,
  sides: readonly [readonly string[], readonly string[]],
  durationMs: number,
  oneWay: boolean,
): void {
  const { harness } = run;
  const [left, right] = sides;
  for (const a of left) for (const b of right) harness.partition(a, b, oneWay);
  const healAtMs = harness.now() + durationMs;
  if (healAtMs < run.plan.untilMs) {
    const sides = [...left, ...right];
    harness.atFault(healAtMs, sides.includes(MASTER_ADDRESS) ? undefined : sides, () => {
      for (const a of left) for (const b of right) harness.heal(a, b);
    });
  }
}

/**
 * The master dies; its restart recovers the registry from its disk (the world keeps the disk
 * across the crash). Agents and schedulers see the connection close and find it again as
 * standalone Mesos components do: agents when their ping timeout fires, drivers at once.
 */
function crashMaster(run: PlanRun, restartAfterMs: number | undefined): void {
  const { harness } = run;
  if (harness.status(MASTER_ADDRESS) !== 'running') {
    skipped(run, 'master-crash', MASTER_ADDRESS, `the master is ${harness.status(MASTER_ADDRESS)}`);
    return;
  }
  harness.crash(MASTER_ADDRESS);
  if (restartAfterMs !== undefined && harness.now() + restartAfterMs < run.plan.untilMs) {
    harness.atFault(harness.now() + restartAfterMs, undefined, () => harness.restart(MASTER_ADDRESS));
  }
}

function crashFramework(run: PlanRun, name: string, failoverAfterMs: number | undefined): void {
  const slot = run.frameworks.get(name) as FrameworkSlot;
  const { harness } = run;
  if (harness.status(slot.address) !== 'running') {
    skipped(run, 'framework-crash', name, `its scheduler is ${harness.status(slot.address)}`);
    return;
  }
  harness.crash(slot.address);
  // The old driver's process is gone; its scheduler must not call it any more.
  slot.framework.detach();
  if (failoverAfterMs !== undefined && harness.now() + failoverAfterMs < run.plan.untilMs) {
    harness.at(harness.now() + failoverAfterMs, () => {
      // Its supervisor may have brought it back already (a driver that aborted is restarted).
      if (harness.status(slot.address) === 'running') {
        skipped(run, 'framework-failover', name, 'its scheduler is running again');
        return;
      }
      run.failover(slot);
    });
  }
}

function agentQuantities(run: PlanRun, agentId: string): ReadonlyMap<string, number> {
  const plan = run.plan.agents.find((a) => a.id === agentId);
  if (plan === undefined) throw new Error(`assertion failed: no agent ${agentId} in the plan`);
  return plan.resources.scalarQuantities();
}
