/**
 * The cluster conformance suite (cluster.case.ts) on the live world: a real master and agents on
 * loopback ports, schedulers over the v1 HTTP API, tasks as real `sleep` processes, at time
 * scale 1 (scenario ms are real ms).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { LiveHarness } from '../../src/runtime/live/live-harness.js';
import { clusterConformance } from './cluster.case.js';

clusterConformance(test, {
  name: 'live',
  async make() {
    const workDir = mkdtempSync(join(tmpdir(), 'agora-conformance-'));
    return new LiveHarness({ timeScale: 1, workDir, seed: 1 });
  },
});
