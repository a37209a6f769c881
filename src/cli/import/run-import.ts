/**
 * `agora import`'s IO: reads a trace's CSV files (plain or gzipped, in the order its importer
 * asks for), hands each row to the format's pure mapping (src/scenario/traces/), sorts the trace
 * tasks it emits by submission time with bounded memory (ExternalSorter), and writes the
 * scenario (`--out x.json`) and its gzipped task file beside it (`x.tasks.jsonl.gz`). The
 * scenario is validated before it is written, as `agora sim` would. A bad row is an error
 * naming `file:line: column: problem`; with `lenient` it is skipped and counted.
 */

import { once } from 'node:events';
import { createWriteStream, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createGzip } from 'node:zlib';
import { formatScenarioError } from '../../scenario/issues.js';
import { LIMITS, type ScenarioFile } from '../../scenario/schema.js';
import type { TraceImporter } from '../../scenario/traces/importer.js';
import { Row, RowProblem, Tally, type TaskRecord } from '../../scenario/traces/rows.js';
import { validateScenario } from '../../scenario/validate.js';
import { UsageError } from '../usage-error.js';
import { csvRecords } from './csv-file.js';
import { ExternalSorter } from './external-sort.js';

/** What an import did. */
export interface ImportResult {
  readonly scenarioPath: string;
  readonly tasksPath: string;
  readonly report: Record<string, unknown>;
}

/** Options of the driver (the mapping's own options are the importer's). */
export interface DriverOptions {
  readonly out: string;
  readonly lenient: boolean;
  readonly name: string;
  /** Overrides the run's end (seconds); default just after the last thing that happens. */
  readonly untilS?: number;
  /** Lines of tasks sorted in memory before spilling to a temporary file. */
  readonly sortBuffer?: number;
}

/** The task file written beside `scenarioPath`: `x.json` → `x.tasks.jsonl.gz`. */
export function tasksPathFor(scenarioPath: string): string {
  const base = basename(scenarioPath).replace(/\.json$/u, '');
  return join(dirname(scenarioPath), `${base}.tasks.jsonl.gz`);
}

/** Imports `files` with `importer`. */
export async function runImport(
  importer: TraceImporter,
  files: readonly string[],
  options: DriverOptions,
): Promise<ImportResult> {
  const startedAt = performance.now();
  const byTable = new Map<string, string[]>();
  files.forEach((file, i) => {
    const table = importer.tableOf(file, i);
    if (table === undefined) {
      throw new UsageError(
        `${file}: cannot tell which ${importer.format} table it holds (expected a name containing ${importer.tables.join(', ')})`,
      );
    }
    byTable.set(table, [...(byTable.get(table) ?? []), file]);
  });
  const sorter = new ExternalSorter(options.sortBuffer);
  const keyed = new ExternalSorter(options.sortBuffer);
  let keyedUsed = false;
  const emitted: TaskRecord[] = [];
  const keyedItems: [string, unknown][] = [];
  const emit = (t: TaskRecord) => emitted.push(t);
  const emitKeyed = (key: string, item: unknown) => keyedItems.push([key, item]);
  const flush = async () => {
    for (const t of emitted) await sorter.add(t.at, JSON.stringify(t));
    emitted.length = 0;
    for (const [key, item] of keyedItems) await keyed.add(key, JSON.stringify([key, item]));
    if (keyedItems.length > 0) keyedUsed = true;
    keyedItems.length = 0;
  };
  const bad = new Tally();
  let rows = 0;
  for (const table of importer.tables) {
    // Part files in name order, which is time order in the traces (part-00000, part-00001, …).
    for (const file of [...(byTable.get(table) ?? [])].sort()) {
      const columns = importer.columns(table);
      let first = true;
      for await (const rec of csvRecords(file)) {
        if (first && importer.hasHeader(table)) {
          first = false;
          continue;
        }
        first = false;
        rows++;
        try {
          importer.row(table, new Row(rec.fields, columns), emit, emitKeyed);
        } catch (e) {
          if (!(e instanceof RowProblem)) throw e;
          if (!options.lenient) throw new UsageError(`${file}:${rec.line}: ${e.column}: ${e.message}`);
          bad.add(file);
          emitted.length = 0;
          keyedItems.length = 0;
        }
        if (emitted.length > 0 || keyedItems.length > 0) await flush();
      }
    }
  }
  if (keyedUsed) {
    let key: string | undefined;
    let items: unknown[] = [];
    for await (const line of keyed.sorted()) {
      const [k, item] = JSON.parse(line) as [string, unknown];
      if (k !== key && key !== undefined) {
        importer.group?.(key, items, emit);
        await flush();
        items = [];
      }
      key = k;
      items.push(item);
    }
    if (key !== undefined) importer.group?.(key, items, emit);
  }
  importer.end(emit);
  await flush();
  const tasksPath = tasksPathFor(options.out);
  const written = await writeTasks(sorter, tasksPath);
  const provisional = importer.scenario(options.name, basename(tasksPath), 1);
  const untilS =
    options.untilS ??
    Math.min(LIMITS.seconds, Math.ceil(Math.max(written.lastS, lastEventS(provisional))) + 1);
  const scenario = importer.scenario(options.name, basename(tasksPath), untilS);
  const checked = validateScenario(scenario);
  if (!checked.ok) {
    throw new UsageError(
      `the imported scenario is not valid:\n${checked.error.map((e) => `  ${formatScenarioError(e)}`).join('\n')}`,
    );
  }
  writeFileSync(options.out, `${JSON.stringify(scenario, null, 1)}\n`);
  return {
    scenarioPath: options.out,
    tasksPath,
    report: {
      format: importer.format,
      rows,
      badRowsSkipped: bad.toJSON(),
      ...importer.report(),
      tasksWritten: written.count,
      untilSeconds: untilS,
      sortRunsSpilled: sorter.runs,
      wallSeconds: Math.round(performance.now() - startedAt) / 1000,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    },
  };
}

/** Writes the sorted tasks, gzipped; returns how many and the latest time anything happens. */
async function writeTasks(sorter: ExternalSorter, path: string): Promise<{ count: number; lastS: number }> {
  const gzip = createGzip();
  const file = createWriteStream(path);
  gzip.pipe(file);
  let count = 0;
  let lastS = 0;
  for await (const line of sorter.sorted()) {
    const t = JSON.parse(line) as TaskRecord;
    lastS = Math.max(lastS, t.at, t.duration === undefined ? 0 : (t.scheduled ?? t.at) + t.duration);
    count++;
    if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
  }
  gzip.end();
  await once(file, 'close');
  return { count, lastS };
}

/** The latest agent start or cluster event of a scenario, in seconds. */
function lastEventS(s: ScenarioFile): number {
  let last = 0;
  for (const a of s.agents) last = Math.max(last, a.at ?? 0);
  for (const e of s.cluster ?? []) last = Math.max(last, e.at);
  return last;
}
