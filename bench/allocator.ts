/**
 * Allocator benchmark in the shape of Mesos's `HierarchicalAllocator_BENCHMARK_Test.DeclineOffers`
 * (src/tests/hierarchical_allocator_tests.cpp): agents of `cpus:24;mem:4096;disk:4096;
 * ports:[31000-32000]`, each with `cpus:16;mem:2014;disk:1024` and 16 fragmented ports already
 * used by framework `i % frameworks` (16 one-cpu tasks); every framework declines every offer
 * with refuse_seconds = INT_MAX; `2 × frameworks` rounds of (decline, advance one allocation
 * interval, allocate), timing each allocation cycle.
 *
 * What is timed is what the master does (src/master/allocation.ts, offer-lifecycle.ts): a cycle
 * is one `allocateGrants()` (the master then wraps each grant in an offer batch whose offers are
 * built only when read); a decline is `takeEntry` then `recoverResources` with the filter, offer
 * by offer, as a DECLINE naming each offer id does (Mesos's benchmark declines offer by offer
 * too). `--api offers` times the legacy `allocate()` instead (it also takes every entry back and
 * builds an `Offer` object per offer inside the cycle).
 *
 * Only the cycles that make offers are summarised (the median, p90 and max of their wall time,
 * and of their CPU time: the machine may be shared, and CPU time is what a busy neighbour does
 * not inflate). Once every framework filters every agent (after `frameworks` rounds) a cycle
 * offers nothing and costs O(agents); those are reported apart, as `idle_cycle_ms_median`.
 *
 * Usage: npm run bench:allocator [-- --agents 1000,10000 --frameworks 100,1000 --rounds N --runs N]
 * Each grid point runs in its own process so that peak_rss_mb is that point's own; with
 * `--runs N` each point runs N times and a last line per point gives the median of each figure.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import type { Offer } from '../src/allocator/allocator.js';
import type { Grant } from '../src/allocator/grant.js';
import { HierarchicalAllocator } from '../src/allocator/hierarchical.js';
import { drfPolicy } from '../src/allocator/sorters/drf.js';
import { formatRanges } from '../src/core/ranges.js';
import { resources } from '../src/core/resource-text.js';
import { benchArgs } from './args.js';

const INT_MAX = 2147483647;
const ROLE = '*';
const USAGE =
  'npm run bench:allocator [-- --agents 1000,10000 --frameworks 100,1000 --rounds N --runs N --api grants|offers]';

function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  if (q === 0.5) {
    const m = s.length >> 1;
    return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  }
  // Nearest rank, as a p90 of n samples is usually read.
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number;
}

/** CPU time of this process so far (user + system), in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** One grid point: prints the result line. */
function runPoint(agentCount: number, frameworkCount: number, rounds: number, api: string): void {
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

  /** Wall and CPU time of the cycles that made offers, and the wall time of those that did not. */
  const offerWallMs: number[] = [];
  const offerCpuMs: number[] = [];
  const idleWallMs: number[] = [];
  const declineWallMs: number[] = [];
  const declineCpuMs: number[] = [];
  let grants: Grant[] = [];
  let legacyOffers: Offer[] = [];
  let offers = 0;
  let offersMade = 0;
  for (let round = 0; round < rounds; round++) {
    const d0 = performance.now();
    const c0 = cpuMs();
    // The master's DECLINE of one offer: take it out of its grant, recover it with the filter.
    for (const grant of grants) {
      for (let p = 0; p < grant.size; p++) {
        const bag = allocator.takeEntry(grant, p);
        allocator.recoverResources({
          frameworkId: grant.frameworkId,
          agentId: grant.agentId(p),
          role: grant.role,
          resources: bag,
          refuseSeconds: INT_MAX,
        });
      }
    }
    for (const o of legacyOffers) allocator.recoverResources({ ...o, refuseSeconds: INT_MAX });
    if (offers > 0) {
      declineWallMs.push(performance.now() - d0);
      declineCpuMs.push(cpuMs() - c0);
    }
    nowMs += 1000;
    const cpu0 = cpuMs();
    const t0 = performance.now();
    if (api === 'offers') {
      // The legacy API has taken every entry back already: its offers are plain allocations.
      legacyOffers = allocator.allocate();
      const wall = performance.now() - t0;
      const cpu = cpuMs() - cpu0;
      offers = legacyOffers.length;
      record(wall, cpu);
    } else {
      grants = allocator.allocateGrants();
      const wall = performance.now() - t0;
      const cpu = cpuMs() - cpu0;
      offers = 0;
      for (const g of grants) offers += g.size;
      record(wall, cpu);
    }
    offersMade += offers;
  }

  function record(wall: number, cpu: number): void {
    if (offers > 0) {
      offerWallMs.push(wall);
      offerCpuMs.push(cpu);
    } else {
      idleWallMs.push(wall);
    }
    if (process.env.BENCH_TRACE) {
      console.error(
        `round ${offerWallMs.length + idleWallMs.length - 1}: ${offers} offers, ` +
          `${wall.toFixed(2)} ms wall, ${cpu.toFixed(2)} ms cpu`,
      );
    }
  }

  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const f = (x: number): string => x.toFixed(2);
  console.log(
    `agents=${agentCount} frameworks=${frameworkCount} offer_cycles=${offerWallMs.length} ` +
      `cycle_ms_median=${f(quantile(offerWallMs, 0.5))} cycle_ms_p90=${f(quantile(offerWallMs, 0.9))} ` +
      `cycle_ms_max=${f(Math.max(...offerWallMs))} ` +
      `cycle_cpu_ms_median=${f(quantile(offerCpuMs, 0.5))} cycle_cpu_ms_p90=${f(quantile(offerCpuMs, 0.9))} ` +
      `cycle_cpu_ms_max=${f(Math.max(...offerCpuMs))} ` +
      `idle_cycle_ms_median=${f(quantile(idleWallMs, 0.5))} ` +
      `decline_round_ms_median=${f(quantile(declineWallMs, 0.5))} ` +
      `decline_round_cpu_ms_median=${f(quantile(declineCpuMs, 0.5))} ` +
      `peak_rss_mb=${peakRssMb.toFixed(0)}`,
  );
  console.error(
    `  api=${api} rounds=${rounds} offers=${offersMade} add_agents_ms=${addMs.toFixed(0)} ` +
      `first_offer_cycle_ms=${f(offerWallMs[0] ?? Number.NaN)} ` +
      `last_offer_cycle_ms=${f(offerWallMs.at(-1) ?? Number.NaN)}`,
  );
}

/** The per-figure median of several result lines of one grid point (same keys, same order). */
function medianLine(lines: readonly string[]): string {
  const rows = lines.map((line) => line.split(' ').map((kv) => kv.split('=') as [string, string]));
  const first = rows[0] as [string, string][];
  return first
    .map(([key, value], i) => {
      const values = rows.map((r) => Number((r[i] as [string, string])[1]));
      const decimals = value.includes('.') ? 2 : 0;
      return `${key}=${quantile(values, 0.5).toFixed(decimals)}`;
    })
    .join(' ');
}

const values = benchArgs(USAGE, {
  agents: { type: 'string', default: '1000,10000' },
  frameworks: { type: 'string', default: '100,1000' },
  rounds: { type: 'string' },
  runs: { type: 'string', default: '1' },
  api: { type: 'string', default: 'grants' },
  point: { type: 'boolean', default: false },
});
const agentCounts = values.agents.split(',').map(Number);
const frameworkCounts = values.frameworks.split(',').map(Number);
const runs = Number(values.runs);
const counts = [...agentCounts, ...frameworkCounts, runs];
if (counts.some((n) => !Number.isInteger(n) || n <= 0)) {
  console.error(`bench: --agents, --frameworks and --runs take positive whole numbers\n${USAGE}`);
  process.exit(2);
}
if (values.api !== 'grants' && values.api !== 'offers') {
  console.error(`bench: --api is "grants" or "offers", not "${values.api}"\n${USAGE}`);
  process.exit(2);
}

if (values.point) {
  const a = agentCounts[0] as number;
  const f = frameworkCounts[0] as number;
  runPoint(a, f, values.rounds === undefined ? 2 * f : Number(values.rounds), values.api);
} else {
  console.error(`node ${process.version}, DeclineOffers shape, one process per grid point and run`);
  for (const a of agentCounts) {
    for (const f of frameworkCounts) {
      const args = ['--import', 'tsx', process.argv[1] as string, '--point', '--agents', `${a}`];
      args.push('--frameworks', `${f}`, '--api', values.api);
      if (values.rounds !== undefined) args.push('--rounds', values.rounds);
      const lines: string[] = [];
      for (let run = 0; run < runs; run++) {
        const out = execFileSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
        const line = out.toString().trim();
        console.log(runs > 1 ? `run ${run + 1}/${runs}: ${line}` : line);
        lines.push(line);
      }
      if (runs > 1) console.log(`median of ${runs}: ${medianLine(lines)}`);
    }
  }
}
