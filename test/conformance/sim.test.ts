/**
 * The cluster conformance suite (cluster.case.ts) on the simulated world: the real master, agents
 * and drivers in a {@link SimWorld} with 1 ms links that report a closed connection, and durable
 * disks (a restarted master recovers its registry, a restarted agent its checkpoint).
 */
import test from 'ava';
import type { Wire } from '../../src/core/wire.js';
import { SimHarness } from '../../src/runtime/sim/sim-harness.js';
import { SimWorld } from '../../src/runtime/sim/world.js';
import { clusterConformance } from './cluster.case.js';

clusterConformance(test, {
  name: 'sim',
  async make() {
    const world = new SimWorld<Wire>({
      seed: 1,
      network: { latencyMsMin: 1, latencyMsMax: 1 },
      linkMessage: (exited) => ({ channel: 'link', exited }),
      disks: true,
    });
    return new SimHarness(world);
  },
});
