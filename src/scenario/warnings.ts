/**
 * Warnings: what a valid scenario says that probably is not what its author meant. They do not
 * stop a run; `agora validate` and `agora sim` print them on stderr.
 */
import type { Scenario } from './schema.js';

/** The scenario's warnings, one sentence each. */
export function scenarioWarnings(scenario: Scenario): string[] {
  const warnings: string[] = [];
  const gpuAgents = scenario.agents.filter((a) => a.resources.scalarMilli('gpus') > 0);
  const gpuFrameworks = scenario.frameworks.filter((f) => f.capabilities.includes('GPU_RESOURCES'));
  if (gpuAgents.length > 0 && gpuFrameworks.length === 0 && scenario.master.filterGpuResources) {
    warnings.push(
      `${gpuAgents.length} agent${gpuAgents.length === 1 ? ' has' : 's have'} GPUs but no framework has the GPU_RESOURCES capability: ` +
        'with master.filterGpuResources on (the default, as Mesos --filter_gpu_resources), those agents are never offered. ' +
        'Add "capabilities": ["GPU_RESOURCES"] to the frameworks that use GPUs.',
    );
  }
  for (const f of scenario.frameworks) {
    if (f.capabilities.includes('GPU_RESOURCES')) continue;
    const job = f.jobs.find((j) => j.resources.scalarMilli('gpus') > 0);
    if (job !== undefined) {
      warnings.push(
        `framework "${f.name}" runs job "${job.name}", which asks for GPUs, without the GPU_RESOURCES capability: ` +
          (scenario.master.filterGpuResources
            ? 'it is never offered an agent with GPUs, so those tasks never launch.'
            : 'it is offered agents with GPUs only because master.filterGpuResources is off.'),
      );
    }
  }
  return warnings;
}
