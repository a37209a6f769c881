/**
 * The cluster conformance suite (cluster.case.ts) on the live world with the master and each
 * agent in its own OS process (`agora live --processes`): crashes are SIGKILLs of real `agora
 * master` / `agora agent` processes, restarts come back on their work dirs and registry, and
 * partitions cut the fault links between them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { LiveHarness } from '../../src/runtime/live/live-harness.js';
import { clusterConformance } from './cluster.case.js';

clusterConformance(test, {
  name: 'live --processes',
  async make() {
    const workDir = mkdtempSync(join(tmpdir(), 'agora-conformance-'));
    return new LiveHarness({ timeScale: 1, workDir, seed: 1, processes: true });
  },
});
