/**
 * The scenario's agents in the simulated world, and the cluster's changes over time (a trace's
 * machine events): agents that start late, are removed, come back or change size. What each
 * event does, and why it is Mesos's way, is on {@link ClusterEventSpec}: removal is an orderly
 * agent shutdown (it kills its tasks and unregisters; the master removes it at once), an added
 * agent starts with an empty disk and registers as a new agent, and a resize is both at once,
 * with the new `--resources`.
 *
 * Capacity for utilisation follows: an agent counts from its start to its removal.
 */
import { Agent } from '../../agent/agent.js';
import type { Resources } from '../../core/resources.js';
import { type AgentSpec, type ClusterEventSpec, MASTER_ADDRESS } from '../../scenario/schema.js';
import type { ScenarioRun } from './scenario-run.js';
import { SimCommandRunner } from './sim-command-runner.js';

const HARNESS = '@harness';

/**
 * Registers every scenario agent in the run's world, starts those that start at 0, and schedules
 * the later starts and the cluster events. Each agent's factory reads its current resources, so
 * a restart after a resize brings the new size.
 */
export function startScenarioAgents(run: ScenarioRun): void {
  const current = new Map<string, Resources>();
  const { world } = run;
  for (const agent of run.scenario.agents) {
    current.set(agent.id, agent.resources);
    world.add(agent.id, () => newAgent(agent, current.get(agent.id) as Resources));
    if (agent.startMs === 0) start(run, agent.id, current);
    else if (agent.startMs < run.untilMs)
      world.atFault(agent.startMs, [agent.id], () => start(run, agent.id, current));
  }
  for (const event of run.scenario.cluster) {
    if (event.atMs >= run.untilMs) continue;
    world.atFault(event.atMs, [event.agentId], () => apply(run, event, current));
  }
}

function newAgent(spec: AgentSpec, resources: Resources): Agent {
  return new Agent({
    resources,
    masterAddress: MASTER_ADDRESS,
    commandRunner: new SimCommandRunner(),
    hostname: spec.hostname,
    ...(spec.attributes.length === 0 ? {} : { attributes: spec.attributes }),
  });
}

function apply(run: ScenarioRun, event: ClusterEventSpec, current: Map<string, Resources>): void {
  const status = run.world.status(event.agentId);
  switch (event.kind) {
    case 'agent-add':
      if (status === 'running') skipped(run, event, 'the agent is running');
      else start(run, event.agentId, current);
      return;
    case 'agent-remove':
      if (status !== 'running') skipped(run, event, `the agent is ${status}`);
      else stop(run, event.agentId, current);
      return;
    case 'agent-resize': {
      const running = status === 'running';
      if (running) stop(run, event.agentId, current);
      current.set(event.agentId, event.resources);
      if (running) start(run, event.agentId, current);
      return;
    }
  }
}

/** Starts (or starts again, with an empty disk: a new agent) an agent that is not running. */
function start(run: ScenarioRun, agentId: string, current: ReadonlyMap<string, Resources>): void {
  const { world } = run;
  if (world.status(agentId) === 'registered') world.start(agentId);
  else {
    world.wipeDisk(agentId);
    world.restart(agentId);
  }
  run.recorder.capacityChanged(world.now, (current.get(agentId) as Resources).scalarQuantities(), 1);
}

/** An orderly shutdown: the agent kills its tasks and unregisters (Mesos's agent on SIGUSR1). */
function stop(run: ScenarioRun, agentId: string, current: ReadonlyMap<string, Resources>): void {
  run.world.stop(agentId);
  run.recorder.capacityChanged(run.world.now, (current.get(agentId) as Resources).scalarQuantities(), -1);
}

function skipped(run: ScenarioRun, event: ClusterEventSpec, why: string): void {
  run.world.traceHarness(HARNESS, { kind: 'cluster.skipped', event: event.kind, target: event.agentId, why });
}
