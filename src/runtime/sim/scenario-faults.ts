/**
 * A scenario's faults as harness actions on the simulated world, at their scenario times. A
 * fault that cannot apply when its time comes (restarting an agent that is up, crashing one that
 * is down) is traced as skipped rather than thrown: validation cannot know, for instance, that an
 * earlier crash already had a restart.
 */
import {
  type AgentRecovery,
  type FaultSpec,
  MASTER_ADDRESS,
  schedulerAddress,
} from '../../scenario/schema.js';
import type { FrameworkSlot, ScenarioRun } from './scenario-run.js';

/** The trace source of harness actions. */
const HARNESS = '@harness';

/** Schedules every fault of the run's scenario that falls before its end. */
export function scheduleFaults(run: ScenarioRun): void {
  for (const fault of run.scenario.faults) {
    if (fault.atMs >= run.untilMs) continue;
    // An agent whose clock jumps checks its ping deadline at moments that depend on when each
    // ping arrived: its health checks stay messages (see health-elision.ts).
    if (fault.kind === 'clock-skew' && fault.process !== MASTER_ADDRESS)
      run.world.keepHealthChecks(fault.process);
    run.world.atFault(fault.atMs, touched(fault), () => applyFault(run, fault));
  }
}

/**
 * The processes a fault touches, for the world's fault calendar (SimWorld.atFault); undefined
 * when it touches the master, which is at one end of every health check.
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
  }
}

function applyFault(run: ScenarioRun, fault: FaultSpec): void {
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
      run.world.skewClock(fault.process, fault.jumpMs, fault.rate);
      return;
    case 'framework-crash':
      crashFramework(run, fault.framework, fault.failoverAfterMs);
      return;
  }
}

function skipped(run: ScenarioRun, fault: string, target: string, why: string): void {
  run.world.traceHarness(HARNESS, { kind: 'fault.skipped', fault, target, why });
}

function crashAgent(
  run: ScenarioRun,
  agentId: string,
  restartAfterMs: number | undefined,
  recover: AgentRecovery,
): void {
  const { world } = run;
  if (world.status(agentId) !== 'running') {
    skipped(run, 'agent-crash', agentId, `the agent is ${world.status(agentId)}`);
    return;
  }
  world.crash(agentId);
  // A reboot: the tasks died with the machine and the agent will not trust its checkpoint.
  // Otherwise only the agent process died: its checkpoint and its checkpointed commands remain.
  if (recover === 'reboot') world.wipeDisk(agentId);
  run.recorder.capacityChanged(world.now, agentQuantities(run, agentId), -1);
  if (restartAfterMs !== undefined && world.now + restartAfterMs < run.untilMs) {
    world.atFault(world.now + restartAfterMs, [agentId], () => restartAgent(run, agentId));
  }
}

function restartAgent(run: ScenarioRun, agentId: string): void {
  const { world } = run;
  const status = world.status(agentId);
  if (status !== 'crashed' && status !== 'stopped') {
    skipped(run, 'agent-restart', agentId, `the agent is ${status}`);
    return;
  }
  // It recovers what its disk holds: nothing after a reboot (it registers anew, with a new
  // agent id), else its checkpoint (it reregisters under its id).
  world.restart(agentId);
  run.recorder.capacityChanged(world.now, agentQuantities(run, agentId), 1);
}

function partition(
  run: ScenarioRun,
  sides: readonly [readonly string[], readonly string[]],
  durationMs: number,
  oneWay: boolean,
): void {
  const { network } = run.world;
  const [left, right] = sides;
  for (const a of left) for (const b of right) network.partition(a, b, { oneWay });
  const healAtMs = run.world.now + durationMs;
  if (healAtMs < run.untilMs) {
    const sides = [...left, ...right];
    run.world.atFault(healAtMs, sides.includes(MASTER_ADDRESS) ? undefined : sides, () => {
      for (const a of left) for (const b of right) network.heal(a, b);
    });
  }
}

/**
 * The master dies; its restart recovers the registry from its disk (the world keeps the disk
 * across the crash). Agents and schedulers see the connection close and find it again as
 * standalone Mesos components do: agents when their ping timeout fires, drivers at once.
 */
function crashMaster(run: ScenarioRun, restartAfterMs: number | undefined): void {
  const { world } = run;
  if (world.status(MASTER_ADDRESS) !== 'running') {
    skipped(run, 'master-crash', MASTER_ADDRESS, `the master is ${world.status(MASTER_ADDRESS)}`);
    return;
  }
  world.crash(MASTER_ADDRESS);
  if (restartAfterMs !== undefined && world.now + restartAfterMs < run.untilMs) {
    world.atFault(world.now + restartAfterMs, undefined, () => world.restart(MASTER_ADDRESS));
  }
}

function crashFramework(run: ScenarioRun, name: string, failoverAfterMs: number | undefined): void {
  const slot = run.frameworks.get(name) as FrameworkSlot;
  const { world } = run;
  if (world.status(slot.address) !== 'running') {
    skipped(run, 'framework-crash', name, `its scheduler is ${world.status(slot.address)}`);
    return;
  }
  world.crash(slot.address);
  // The old driver's process is gone; its scheduler must not call it any more.
  slot.framework.detach();
  if (failoverAfterMs !== undefined && world.now + failoverAfterMs < run.untilMs) {
    world.at(world.now + failoverAfterMs, () => {
      // Its supervisor may have brought it back already (a driver that aborted is restarted).
      if (world.status(slot.address) === 'running') {
        skipped(run, 'framework-failover', name, 'its scheduler is running again');
        return;
      }
      run.failover(slot);
    });
  }
}

function agentQuantities(run: ScenarioRun, agentId: string): ReadonlyMap<string, number> {
  const spec = run.scenario.agents.find((a) => a.id === agentId);
  if (spec === undefined) throw new Error(`assertion failed: no agent ${agentId} in the scenario`);
  return spec.resources.scalarQuantities();
}
