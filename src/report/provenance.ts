/**
 * A run report's provenance block: what was run, on what, how, and by which Agora, so a figure
 * taken out of the report can be traced back and remade (the same scenario, seed and policy give
 * the same files byte for byte).
 */
import type { RunSummary } from '../metrics/run-summary.js';
import type { Scenario } from '../scenario/schema.js';
import { escapeHtml } from './html.js';

/** How the run was made, as the command line knows it. */
export interface RunOrigin {
  /** The command as typed (arguments quoted where needed). */
  readonly command: string;
  /** Agora's version (package.json). */
  readonly version: string;
  /** The scenario file as given. */
  readonly scenarioFile?: string;
}

/** The rows (label, escaped HTML) of the provenance table. */
export function provenanceRows(
  summary: RunSummary,
  scenario: Scenario | undefined,
  origin?: RunOrigin,
): [string, string][] {
  const rows: [string, string][] = [
    [
      'scenario',
      `${escapeHtml(summary.scenario)}${origin?.scenarioFile === undefined ? '' : ` <span class="muted">(${escapeHtml(origin.scenarioFile)})</span>`}`,
    ],
  ];
  if (scenario !== undefined && scenario.description !== '')
    rows.push(['description', escapeHtml(scenario.description)]);
  rows.push(['seed', String(summary.seed)], ['policy', escapeHtml(summary.policy)]);
  if (scenario !== undefined) {
    rows.push(
      ['cluster', escapeHtml(clusterShape(scenario))],
      ['capacity', escapeHtml(capacityText(scenario))],
    );
    const a = scenario.allocator;
    rows.push([
      'allocator',
      escapeHtml(
        `${summary.policy} (scenario: ${a.policy}), allocation interval ${a.allocationIntervalMs / 1000} s, ` +
          `decline filter ${a.refuseSeconds} s`,
      ),
    ]);
    rows.push([
      'frameworks',
      escapeHtml(scenario.frameworks.map((f) => `${f.name} (role ${f.role}, weight ${f.weight})`).join(', ')),
    ]);
    rows.push([
      'faults',
      escapeHtml(
        scenario.faults.length === 0
          ? 'none'
          : scenario.faults.map((f) => `${f.kind} at ${f.atMs / 1000} s`).join(', '),
      ),
    ]);
  }
  rows.push(['simulated', `${summary.simulatedSeconds} s`]);
  if (origin !== undefined) {
    rows.push(
      ['command', `<code>${escapeHtml(origin.command)}</code>`],
      ['Agora', escapeHtml(origin.version)],
    );
  }
  return rows;
}

/** "100 agents: 80 × cpus:8;mem:16384, 20 × cpus:16;mem:65536". */
export function clusterShape(scenario: Scenario): string {
  const groups = new Map<string, number>();
  for (const a of scenario.agents) {
    const shape = scalarText(a.resources.scalarQuantities());
    groups.set(shape, (groups.get(shape) ?? 0) + 1);
  }
  const n = scenario.agents.length;
  return `${n} agent${n === 1 ? '' : 's'}: ${[...groups].map(([shape, count]) => `${count} × ${shape}`).join(', ')}`;
}

/** Every agent's scalar resources added up: "cpus 960, mem 2621440 MB". */
export function capacityText(scenario: Scenario): string {
  const total = new Map<string, number>();
  for (const a of scenario.agents) {
    for (const [name, milli] of a.resources.scalarQuantities())
      total.set(name, (total.get(name) ?? 0) + milli);
  }
  return [...total].map(([name, milli]) => `${name} ${formatQuantity(name, milli)}`).join(', ');
}

function scalarText(quantities: ReadonlyMap<string, number>): string {
  return [...quantities].map(([name, milli]) => `${name}:${milli / 1000}`).join(';');
}

/** Memory and disk in MB as Mesos counts them, shown in GB once large; others as counts. */
function formatQuantity(name: string, milli: number): string {
  const units = milli / 1000;
  if ((name === 'mem' || name === 'disk') && units >= 10_240) return `${(units / 1024).toFixed(0)} GB`;
  if (name === 'mem' || name === 'disk') return `${units} MB`;
  return String(units);
}
