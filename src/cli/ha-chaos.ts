/**
 * `agora chaos --masters N`: the campaign of chaos runs with several masters (see
 * src/runtime/sim/ha-chaos.ts), its per-seed lines and its totals.
 */
import { HA_FAULT_KINDS, type HaChaosResult, runHaChaos } from '../runtime/sim/ha-chaos.js';
import { printSeed } from './chaos.js';
import type { Output } from './main.js';
import { formatCount, Progress } from './progress.js';
import { CommandExit } from './usage-error.js';

function describe(r: HaChaosResult): string {
  const kinds = Object.entries(r.haFaultKinds)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  return (
    `${r.masters} masters, ${r.agents} agents, ${r.frameworks} frameworks, ${r.haFaults} masters' faults (${kinds}), ` +
    `${r.clusterFaults} other faults, ${r.leaderChanges} leader changes, ${formatCount(r.leaderChecks)} master sends checked, ` +
    `${r.simulatedSeconds} s simulated, ${formatCount(r.events)} events`
  );
}

/** Runs the seeds and prints as `agora chaos` does; exit 1 if any fails. */
export function runHaCampaign(
  output: Output,
  seeds: readonly number[],
  minutes: number,
  masters: number,
  messageLoss: boolean,
  json: boolean,
  quiet: boolean,
  replay: (seed: number) => string,
): void {
  const progress = new Progress(output, 'chaos', quiet);
  const kinds = new Map<string, number>(HA_FAULT_KINDS.map((k) => [k, 0]));
  let failed = 0;
  let events = 0;
  let changes = 0;
  let checks = 0;
  let seconds = 0;
  seeds.forEach((seed, i) => {
    const r = runHaChaos(seed, minutes, { masters, messageLoss });
    events += r.events;
    changes += r.leaderChanges;
    checks += r.leaderChecks;
    seconds += r.simulatedSeconds;
    for (const [k, n] of Object.entries(r.haFaultKinds)) kinds.set(k, (kinds.get(k) ?? 0) + n);
    progress.updateItems(i + 1, seeds.length, 'seeds', events);
    if (!printSeed(output, progress, json, r, describe(r), replay(seed))) failed++;
  });
  progress.done();
  const drawn = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
  output.out(
    `${seeds.length - failed} of ${seeds.length} seeds passed: ${(seconds / 3600).toFixed(1)} simulated hours, ` +
      `masters' faults drawn: ${drawn}; ${changes} leader changes; ${formatCount(checks)} master sends checked ` +
      `against the group; ${formatCount(events)} events\n`,
  );
  if (failed > 0) throw new CommandExit(1);
}
