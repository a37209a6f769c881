/**
 * Allocator benchmark in the shape of Mesos's `HierarchicalAllocator_BENCHMARK_Test.DeclineOffers`
 * (src/tests/hierarchical_allocator_tests.cpp): agents of `cpus:24;mem:4096;disk:4096;
 * ports:[31000-32000]`, each with `cpus:16;mem:2014;disk:1024` and 16 fragmented ports already
 * used by framework `i % frameworks` (16 one-cpu tasks); every framework declines every offer
 * with refuse_seconds = INT_MAX; `2 × frameworks` rounds of (decline, advance one allocation
 * interval, allocate), timing each allocation cycle.
 *
 * Usage: npm run bench:allocator [-- --agents 1000,10000 --frameworks 100,1000 --rounds N]
 * Each grid point runs in its own process so that peak_rss_mb is that point's own.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import type { Offer } from '../src/allocator/allocator.js';
import { HierarchicalAllocator } from '../src/allocator/hierarchical.js';
import { drfPolicy } from '../src/allocator/sorters/drf.js';
import { formatRanges } from '../src/core/ranges.js';
import { resources } from '../src/core/resource-text.js';
import { benchArgs } from './args.js';

const INT_MAX = 2147483647;
const ROLE = '*';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** One grid point: prints the result line. */
function runPoint(agentCount: number, frameworkCount: number, rounds: number): void {
  let nowMs = 0;
  const random = seedrandom('bench-allocator');
  const allocator = new HierarchicalAllocator({ policy: drfPolicy }, { now: () => nowMs, random });
  for (let f = 0; f < frameworkCount; f++) allocator.addFramework(`framework-${f}`, { roles: [ROLE] });

  const agentTotal = resources('cpus:24;mem:4096;disk:4096;ports:[31000-32000]');
  // 16 single ports spread over the range, as Mesos's makePortRanges(range, 16) fragments it.
  const ports = Array.from({ length: 16 }, (_, i) => 31000 + i * 61 + 7);
  const used = resources(
    `cpus:16;mem:2014;disk:1024;ports:${formatRanges(ports.map((p) => [p, p] as const))}`,
  );
  const addStart = performance.now();
  for (let a = 0; a < agentCount; a++) {
    const agentId = `agent-${a}`;
    allocator.addAgent(agentId, agentTotal, [
      { frameworkId: `framework-${a % frameworkCount}`, agentId, role: ROLE, resources: used },
    ]);
  }
  const addMs = performance.now() - addStart;

  const cycleMs: number[] = [];
  let offers: Offer[] = [];
  let offersMade = 0;
  let declineMs = 0;
  for (let round = 0; round < rounds; round++) {
    const d0 = performance.now();
    for (const o of offers) allocator.recoverResources({ ...o, refuseSeconds: INT_MAX });
    declineMs += performance.now() - d0;
    nowMs += 1000;
    const t0 = performance.now();
    offers = allocator.allocate();
    cycleMs.push(performance.now() - t0);
    if (process.env.BENCH_TRACE) {
      console.error(
        `round ${round} ${cycleMs.at(-1)?.toFixed(2)} ms ${offers.length} offers; declines so far ${declineMs.toFixed(0)} ms`,
      );
    }
    offersMade += offers.length;
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `agents=${agentCount} frameworks=${frameworkCount} cycle_ms_median=${median(cycleMs).toFixed(2)} ` +
      `cycle_ms_max=${Math.max(...cycleMs).toFixed(2)} peak_rss_mb=${peakRssMb.toFixed(0)}`,
  );
  console.error(
    `  rounds=${rounds} offers=${offersMade} add_agents_ms=${addMs.toFixed(0)} ` +
      `first_cycle_ms=${(cycleMs[0] ?? 0).toFixed(2)} last_cycle_ms=${(cycleMs.at(-1) ?? 0).toFixed(2)}`,
  );
}

const values = benchArgs(
  'npm run bench:allocator [-- --agents 1000,10000 --frameworks 100,1000 --rounds N]',
  {
    agents: { type: 'string', default: '1000,10000' },
    frameworks: { type: 'string', default: '100,1000' },
    rounds: { type: 'string' },
    point: { type: 'boolean', default: false },
  },
);
const agentCounts = values.agents.split(',').map(Number);
const frameworkCounts = values.frameworks.split(',').map(Number);

if (values.point) {
  const a = agentCounts[0] as number;
  const f = frameworkCounts[0] as number;
  runPoint(a, f, values.rounds === undefined ? 2 * f : Number(values.rounds));
} else {
  console.error(`node ${process.version}, DeclineOffers shape, one process per grid point`);
  for (const a of agentCounts) {
    for (const f of frameworkCounts) {
      const args = ['--import', 'tsx', process.argv[1] as string, '--point', '--agents', `${a}`];
      args.push('--frameworks', `${f}`);
      if (values.rounds !== undefined) args.push('--rounds', values.rounds);
      execFileSync(process.execPath, args, { stdio: 'inherit' });
    }
  }
}
