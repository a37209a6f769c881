/**
 * Scenarios shared by the src/scenario tests: the example from the issue that introduced
 * scenario files (verbatim), and a small valid base that each bad-scenario case breaks in one
 * place.
 */
import seedrandom from 'seedrandom';

/** The scenario from the issue text, exactly as written there. */
export const ISSUE_EXAMPLE = `    { "name": "mixed", "seed": 1, "until": 3600,
      "allocator": { "policy": "drf", "allocationInterval": 1, "refuseSeconds": 5 },
      "network": { "latency": { "min": 0.0005, "max": 0.002 }, "loss": 0 },
      "agents": [ { "count": 10, "resources": "cpus:8;mem:16384;ports:[31000-32000]" } ],
      "frameworks": [ { "name": "A", "role": "a", "weight": 1, "maxTasksPerOffer": 1,
          "jobs": [ { "at": 0, "tasks": 100, "resources": "cpus:1;mem:4096", "duration": 60 } ] } ],
      "faults": [ { "at": 120, "kind": "agent-crash", "agent": 3, "restartAfter": 60 } ] }`;

/** A JSON-like value the tests may mutate. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A valid scenario with two frameworks (A in role a, B in its own role), ten agents and one
 * fault; a fresh copy each call.
 */
export function base(): { [key: string]: Json } {
  return {
    name: 'base',
    seed: 1,
    until: 3600,
    allocator: { policy: 'drf', allocationInterval: 1, refuseSeconds: 5 },
    network: { latency: { min: 0.0005, max: 0.002 }, loss: 0 },
    agents: [{ count: 10, resources: 'cpus:8;mem:16384;ports:[31000-32000]' }],
    frameworks: [
      {
        name: 'A',
        role: 'a',
        maxTasksPerOffer: 1,
        jobs: [{ at: 0, tasks: 100, resources: 'cpus:1;mem:4096', duration: 60 }],
      },
      {
        name: 'B',
        jobs: [
          { at: 10, tasks: 5, resources: 'cpus:3;mem:1024', duration: { dist: 'exponential', mean: 30 } },
        ],
      },
    ],
    faults: [{ at: 120, kind: 'agent-crash', agent: 3, restartAfter: 60 }],
  };
}

/** A seeded uniform stream for tests. */
export function stream(seed: string | number): () => number {
  return seedrandom.alea(`test:${seed}`);
}

/** Wraps a stream to count its draws. */
export function counting(random: () => number): { random: () => number; draws: () => number } {
  let n = 0;
  return {
    random: () => {
      n++;
      return random();
    },
    draws: () => n,
  };
}
