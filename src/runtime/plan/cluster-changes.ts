/**
 * A plan's agents, and the cluster's changes over time (a trace's machine events): agents that
 * start late, are removed, come back or change size. What each event does, and why it is Mesos's
 * way, is on {@link ClusterEventSpec}: removal is an orderly agent shutdown (it kills its tasks
 * and unregisters; the master removes it at once), an added agent starts with an empty disk and
 * registers as a new agent, and a resize is both at once, with the new `--resources`.
 *
 * Capacity for utilisation follows: an agent counts from its start to its removal.
 */
import { assertNever } from '../../core/assert-never.js';
import type { Resources } from '../../core/resources.js';
import type { ClusterEventSpec } from '../../scenario/schema.js';
import type { PlanRun } from './run-loop.js';

/**
 * Adds every plan agent to the harness, starts those that start at 0, and schedules the later
 * starts and the cluster events. Each agent reads its current resources at each start, so a
 * restart after a resize brings the new size.
 */
export function startAgents(run: PlanRun): void {
  const current = new Map<string, Resources>();
  const { harness } = run;
  for (const agent of run.plan.agents) {
    current.set(agent.id, agent.resources);
    harness.addAgent(agent, () => current.get(agent.id) as Resources);
    if (agent.startMs === 0) start(run, agent.id, current);
    else if (agent.startMs < run.plan.untilMs)
      harness.atFault(agent.startMs, [agent.id], () => start(run, agent.id, current));
  }
  for (const event of run.plan.cluster) {
    harness.atFault(event.atMs, [event.agentId], () => apply(run, event, current));
  }
}

function apply(run: PlanRun, event: ClusterEventSpec, current: Map<string, Resources>): void {
  const status = run.harness.status(event.agentId);
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
    default:
      assertNever(event);
  }
}

/** Starts (or starts again, with an empty disk: a new agent) an agent that is not running. */
function start(run: PlanRun, agentId: string, current: ReadonlyMap<string, Resources>): void {
  const { harness } = run;
  if (harness.status(agentId) === 'registered') harness.start(agentId);
  else {
    harness.wipeDisk(agentId);
    harness.restart(agentId);
  }
  run.recorder.capacityChanged(harness.now(), (current.get(agentId) as Resources).scalarQuantities(), 1);
}

/** An orderly shutdown: the agent kills its tasks and unregisters (Mesos's agent on SIGUSR1). */
function stop(run: PlanRun, agentId: string, current: ReadonlyMap<string, Resources>): void {
  run.harness.stop(agentId);
  run.recorder.capacityChanged(run.harness.now(), (current.get(agentId) as Resources).scalarQuantities(), -1);
}

function skipped(run: PlanRun, event: ClusterEventSpec, why: string): void {
  run.harness.trace({ kind: 'cluster.skipped', event: event.kind, target: event.agentId, why });
  run.skipped.push({ atMs: run.harness.now(), fault: event.kind, target: event.agentId, why });
}
