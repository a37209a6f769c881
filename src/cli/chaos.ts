/**
 * `agora chaos [--seeds 1-100] [--minutes 5] [--scenario FILE] [--no-message-loss]`: deterministic
 * simulation testing. Each seed draws a cluster and fault rates, runs a safety phase with faults
 * (invariants checked after every event) and a liveness phase without them (the views must
 * converge); every failure prints the one command that replays it. Exit 1 if any seed fails.
 */
import type { Command } from '@commander-js/extra-typings';
import { type ChaosResult, FAULT_KINDS, runChaos } from '../runtime/sim/chaos.js';
import type { ScenarioFile } from '../scenario/schema.js';
import { runHaCampaign } from './ha-chaos.js';
import type { Output } from './main.js';
import { formatCount, Progress } from './progress.js';
import { parseSeeds } from './run-flags.js';
import { parseScenarioText, readScenarioText } from './scenario-file.js';
import { CommandExit, UsageError } from './usage-error.js';

/** The flags of `agora chaos`. */
interface ChaosFlags {
  readonly seeds: string;
  readonly minutes: string;
  readonly scenario?: string;
  /** On unless `--no-message-loss`. */
  readonly messageLoss: boolean;
  readonly reorder?: true;
  readonly json?: true;
  readonly quiet?: true;
  readonly masters?: string;
}

/** The command that replays one seed exactly. */
export function replayCommand(seed: number, flags: ChaosFlags): string {
  return [
    'agora chaos',
    `--seeds ${seed}`,
    `--minutes ${flags.minutes}`,
    ...(flags.scenario === undefined ? [] : [`--scenario ${flags.scenario}`]),
    ...(flags.messageLoss ? [] : ['--no-message-loss']),
    ...(flags.reorder === true ? ['--reorder'] : []),
    ...(flags.masters === undefined ? [] : [`--masters ${flags.masters}`]),
  ].join(' ');
}

function describe(r: ChaosResult): string {
  return (
    `${r.agents} agents, ${r.frameworks} frameworks in ${r.roles} roles, ${r.faults} faults, loss ${r.loss}, duplication ${r.duplication}, ` +
    `${r.reorder ? 'reordering, ' : ''}` +
    `${r.simulatedSeconds} s simulated, ${formatCount(r.events)} events, each checked`
  );
}

/** What a campaign did, summed over its seeds: the figures that show its checks were not vacuous. */
export class CampaignTotals {
  events = 0;
  simulatedSeconds = 0;
  faults = 0;
  frameworks = 0;
  frameworksRemoved = 0;
  readonly faultKinds = new Map<string, number>(FAULT_KINDS.map((k) => [k, 0]));
  seedsWithLoss = 0;
  seedsWithDuplication = 0;
  offerDecisions = 0;
  frameworkRivals = 0;
  roleRivals = 0;
  offersChecked = 0;
  launchesChecked = 0;

  add(r: ChaosResult): void {
    this.events += r.events;
    this.simulatedSeconds += r.simulatedSeconds;
    this.faults += r.faults;
    this.frameworks += r.frameworks;
    this.frameworksRemoved += r.frameworksRemoved;
    for (const [kind, n] of Object.entries(r.faultKinds))
      this.faultKinds.set(kind, (this.faultKinds.get(kind) ?? 0) + n);
    if (r.loss > 0) this.seedsWithLoss++;
    if (r.duplication > 0) this.seedsWithDuplication++;
    this.offerDecisions += r.offerDecisions;
    this.frameworkRivals += r.frameworkRivals;
    this.roleRivals += r.roleRivals;
    this.offersChecked += r.offersChecked;
    this.launchesChecked += r.launchesChecked;
  }

  describe(): string {
    const kinds = [...this.faultKinds].map(([kind, n]) => `${n} ${kind}`).join(', ');
    return (
      `${(this.simulatedSeconds / 3600).toFixed(1)} simulated hours, ${this.faults} faults injected (${kinds}), ` +
      `loss in ${this.seedsWithLoss} seeds, duplication in ${this.seedsWithDuplication}; ` +
      `${this.frameworksRemoved} of ${this.frameworks} frameworks removed by the master; ${formatCount(this.events)} events checked; ` +
      `${formatCount(this.offerDecisions)} offers checked against DRF order, ${formatCount(this.frameworkRivals)} with >= 2 eligible frameworks in the role, ` +
      `${formatCount(this.roleRivals)} with >= 2 eligible roles; ${formatCount(this.offersChecked)} offers checked against their roles, ` +
      `${formatCount(this.launchesChecked)} tasks against their offers`
    );
  }
}

/** What a checked seed's result has in common, whatever the run. */
export interface SeedOutcome {
  readonly seed: number;
  readonly violation:
    | { readonly invariant: string; readonly atMs: number; readonly detail: string }
    | undefined;
  readonly problems: readonly string[];
}

/**
 * Prints one seed's line (or JSON object), as every chaos campaign does: ok with what it did,
 * or FAILED with why and the command that replays it. Returns whether the seed passed.
 */
export function printSeed(
  output: Output,
  progress: Progress,
  json: boolean,
  r: SeedOutcome,
  described: string,
  replay: string,
): boolean {
  const ok = r.violation === undefined && r.problems.length === 0;
  if (json) {
    output.out(`${JSON.stringify({ ...r, ok, replay })}\n`);
    return ok;
  }
  if (ok) {
    output.out(`seed ${r.seed}: ok (${described})\n`);
    return ok;
  }
  progress.done();
  const why =
    r.violation !== undefined
      ? `${r.violation.invariant} at ${(r.violation.atMs / 1000).toFixed(3)} s: ${r.violation.detail}`
      : r.problems.join('; ');
  output.out(`seed ${r.seed}: FAILED ${why}\n  (${described})\n  replay: ${replay}\n`);
  return ok;
}

/** Registers `chaos`. */
export function registerChaos(program: Command, output: Output): void {
  program
    .command('chaos')
    .summary('deterministic simulation testing: random faults, invariants checked')
    .description(
      'Deterministic simulation testing: for each seed, a random cluster (frameworks sharing ' +
        'weighted roles) and a swarm of faults (each seed turns whole kinds off and weights the ' +
        'rest; more faults for a longer --minutes): message loss, which breaks the connection as ' +
        'over TCP; duplication; delay; partitions both ways and one way; agent, scheduler and ' +
        'master crashes; clock skew; reordering within a link with --reorder. During the safety ' +
        'phase the invariants are checked after every event; after a liveness phase without ' +
        'faults the master, agents and frameworks must agree and no work may be stuck. The ' +
        'totals say how much was compared (faults per kind, DRF decisions with rivals). A failure ' +
        'prints the command that replays it byte for byte; any failure makes the exit code 1.',
    )
    .option('--seeds <list>', 'seeds to run: 1-100, 1,5,9 or 1-5,10', '1-20')
    .option('--minutes <m>', 'length of the safety phase, in simulated minutes', '5')
    .option('--scenario <file>', 'take the cluster and frameworks from this scenario (faults stay random)')
    .option('--no-message-loss', 'do not lose messages (a lost message breaks its connection, as over TCP)')
    .option('--reorder', 'also reorder messages within a link, which TCP never does (see the README)')
    .option(
      '--masters <n>',
      'run n masters (2-7) contending through a simulated ZooKeeper; draws leader crashes, ' +
        'master-ZooKeeper partitions, session expiries and ZooKeeper crashes, and checks that no ' +
        'deposed leader acts and nothing acknowledged is lost across a leader change',
    )
    .option('--json', 'print one JSON object per seed')
    .option('--quiet', 'no progress on stderr')
    .action((flags: ChaosFlags) => {
      const seeds = parseSeeds(flags.seeds);
      const minutes = Number(flags.minutes);
      if (!(minutes > 0 && minutes <= 24 * 60)) {
        throw new UsageError(
          `--minutes: expected simulated minutes above 0 and at most 1440, got "${flags.minutes}"`,
        );
      }
      let base: ScenarioFile | undefined;
      if (flags.scenario !== undefined) {
        const text = readScenarioText(flags.scenario);
        parseScenarioText(text, flags.scenario); // refuses a bad file with every problem
        base = JSON.parse(text) as ScenarioFile;
      }
      if (flags.masters !== undefined) {
        const masters = Number(flags.masters);
        if (!(Number.isInteger(masters) && masters >= 2 && masters <= 7)) {
          throw new UsageError(
            `--masters: expected a whole number of masters from 2 to 7, got "${flags.masters}"`,
          );
        }
        if (base !== undefined || flags.reorder === true) {
          throw new UsageError('--masters: not combined with --scenario or --reorder yet');
        }
        runHaCampaign(
          output,
          seeds,
          minutes,
          masters,
          flags.messageLoss,
          flags.json === true,
          flags.quiet === true,
          (seed) => replayCommand(seed, flags),
        );
        return;
      }
      const progress = new Progress(output, 'chaos', flags.quiet === true);
      let failed = 0;
      const totals = new CampaignTotals();
      seeds.forEach((seed, i) => {
        const r = runChaos(seed, minutes, {
          ...(base === undefined ? {} : { base }),
          messageLoss: flags.messageLoss,
          ...(flags.reorder === true ? { reorder: true } : {}),
        });
        totals.add(r);
        progress.updateItems(i + 1, seeds.length, 'seeds', totals.events);
        if (!printSeed(output, progress, flags.json === true, r, describe(r), replayCommand(seed, flags)))
          failed++;
      });
      progress.done();
      output.out(`${seeds.length - failed} of ${seeds.length} seeds passed: ${totals.describe()}\n`);
      if (failed > 0) throw new CommandExit(1);
    });
}
