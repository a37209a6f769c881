/** A small run whose master crashes at 120 s and is back at 150 s, for the replay's tests. */
import type { ScenarioFile } from '../../src/scenario/schema.js';

export const MASTER_DOWN: ScenarioFile = {
  name: 'master-down',
  seed: 7,
  until: 300,
  agents: [{ count: 2, resources: 'cpus:4;mem:8192' }],
  frameworks: [{ name: 'A', jobs: [{ at: 1, tasks: 4, resources: 'cpus:1;mem:1024', duration: 200 }] }],
  faults: [{ kind: 'master-crash', at: 120, restartAfter: 30 }],
};
