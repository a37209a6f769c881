/**
 * `agora validate <scenario.json>`: checks a scenario file without running it and summarises
 * what it describes (agents and their capacity, frameworks and the tasks they will submit,
 * faults). A bad scenario exits with code 2 and one `path: message` line per problem.
 */
import type { Command } from '@commander-js/extra-typings';
import { formatScalarAmounts } from '../core/resource-text.js';
import { Resources } from '../core/resources.js';
import { expectedTasks } from '../scenario/arrivals.js';
import type { Scenario } from '../scenario/schema.js';
import type { Output } from './main.js';
import { readScenarioFile } from './scenario-file.js';

/** What `validate --json` prints. */
export interface ScenarioSummary {
  readonly scenario: string;
  readonly seed: number;
  readonly untilSeconds: number;
  readonly policy: string;
  readonly agents: number;
  /** Total scalar capacity over all agents, e.g. `cpus:960;mem:2621440`. */
  readonly capacity: string;
  readonly frameworks: readonly {
    readonly name: string;
    readonly role: string;
    readonly weight: number;
    readonly jobs: number;
    readonly expectedTasks: number;
  }[];
  readonly faults: number;
}

/** Summarises a validated scenario. Poisson jobs count their expected number of tasks. */
export function summarizeScenario(s: Scenario): ScenarioSummary {
  // Scalars only: summing port ranges across agents would print their union, not a capacity.
  const capacity = s.agents.reduce((sum, a) => sum.add(a.resources), Resources.EMPTY);
  const scalarNames = [
    ...new Set(capacity.entries.filter((r) => r.value.kind === 'scalar').map((r) => r.name)),
  ];
  return {
    scenario: s.name,
    seed: s.seed,
    untilSeconds: s.untilMs / 1000,
    policy: s.allocator.policy,
    agents: s.agents.length,
    capacity: formatScalarAmounts(capacity, scalarNames),
    frameworks: s.frameworks.map((f) => ({
      name: f.name,
      role: f.role,
      weight: f.weight,
      jobs: f.jobs.length,
      expectedTasks: Math.round(f.jobs.reduce((n, j) => n + expectedTasks(j), 0)),
    })),
    faults: s.faults.length,
  };
}

function formatSummary(sum: ScenarioSummary): string {
  const lines = [
    `scenario ${sum.scenario} is valid: seed ${sum.seed}, ${sum.untilSeconds} s simulated, policy ${sum.policy}`,
    `  agents      ${sum.agents} (capacity ${sum.capacity})`,
    `  frameworks  ${sum.frameworks.length}`,
    ...sum.frameworks.map(
      (f) =>
        `    ${f.name}: role ${f.role}, weight ${f.weight}, ${f.jobs} job(s), ~${f.expectedTasks} task(s)`,
    ),
    `  faults      ${sum.faults}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Registers `validate` on the program. */
export function registerValidate(program: Command, output: Output): void {
  program
    .command('validate')
    .summary('check a scenario file and summarise it, without running it')
    .description(
      'Check a scenario file without running it, and summarise it. Every problem is reported as ' +
        '"path: message" (e.g. frameworks[1].jobs[0].resources: unknown resource "cpu" at 0), ' +
        'and a bad scenario exits with code 2. The schema is documented in scenarios/README.md.',
    )
    .argument('<scenario>', 'a scenario JSON file, e.g. scenarios/mixed.json')
    .option('--json', 'print the summary as one JSON line')
    .action((path: string, opts: { json?: true }) => {
      const summary = summarizeScenario(readScenarioFile(path));
      output.out(opts.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
    });
}
