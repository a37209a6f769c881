/**
 * `agora import <format> <files…> --out scenario.json`: a public trace (Google cluster-data 2011,
 * Alibaba cluster-trace-v2018, Alibaba GPU 2023 "openb") to a scenario and its task file. The
 * import flags are shared with `agora sim --trace-format`.
 */
import type { Command } from '@commander-js/extra-typings';
import { FRAMEWORKS_BY, TRACE_FORMATS } from '../scenario/traces/formats.js';
import type { ImportOptions } from '../scenario/traces/rows.js';
import { type ImportResult, runImport } from './import/run-import.js';
import type { Output } from './main.js';
import { parseSeed, parseUntilMs } from './run-flags.js';
import { UsageError } from './usage-error.js';

/** The flags of an import. */
export interface ImportFlags {
  readonly window?: string;
  readonly sampleMachines?: string;
  readonly sampleJobs?: string;
  readonly machineCpus?: string;
  readonly machineMem?: string;
  readonly frameworks?: string;
  readonly lenient?: true;
  readonly sampleSeed?: string;
  readonly name?: string;
}

/** The import flags, shared by `agora import` and `agora sim --trace-format`. */
export const IMPORT_FLAGS: readonly (readonly [flags: string, description: string])[] = [
  [
    '--window <from,to>',
    'import only this slice of trace time, in seconds (e.g. 600,86400; "3600," to the end)',
  ],
  ['--sample-machines <fraction>', 'keep this fraction of machines (seeded by machine id), 0 to 1'],
  ['--sample-jobs <fraction>', 'keep this fraction of jobs (seeded by job id), 0 to 1'],
  ['--sample-seed <n>', 'the seed of both samples (default 1)'],
  ['--machine-cpus <n>', 'google-2011: cpus of a machine of normalised capacity 1.0 (default 32)'],
  [
    '--machine-mem <mb>',
    'google-2011: MB of normalised memory 1.0; alibaba-2018: MB of memory 100 (default 131072)',
  ],
  [
    '--frameworks <by>',
    'what becomes a framework: google-2011 user|class, alibaba-2018 one|type, alibaba-gpu-2023 qos|one',
  ],
  ['--lenient', 'skip bad rows (counted in the summary) instead of stopping at the first'],
  ['--name <name>', "the scenario's name (default: the format's)"],
];

/** Adds {@link IMPORT_FLAGS} to a command. */
export function addImportFlags(command: { option(flags: string, description: string): unknown }): void {
  for (const [flags, description] of IMPORT_FLAGS) command.option(flags, description);
}

/** The import options from the flags (bad values are UsageErrors naming the flag). */
export function parseImportOptions(format: string, flags: ImportFlags): ImportOptions {
  const fraction = (flag: string, text: string | undefined) => {
    if (text === undefined) return 1;
    const n = Number(text);
    if (text.trim() === '' || !(n > 0 && n <= 1))
      throw new UsageError(`${flag}: expected a fraction in (0, 1], got "${text}"`);
    return n;
  };
  const positive = (flag: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (text.trim() === '' || !(n > 0 && n < 1e9))
      throw new UsageError(`${flag}: expected a positive number, got "${text}"`);
    return n;
  };
  const choices = FRAMEWORKS_BY[format] ?? [];
  const frameworksBy = flags.frameworks ?? (choices[0] as string);
  if (!choices.includes(frameworksBy)) {
    throw new UsageError(
      `--frameworks: expected one of ${choices.join(', ')} for ${format}, got "${flags.frameworks}"`,
    );
  }
  return {
    window: parseWindow(flags.window),
    sampleMachines: fraction('--sample-machines', flags.sampleMachines),
    sampleJobs: fraction('--sample-jobs', flags.sampleJobs),
    seed: flags.sampleSeed === undefined ? 1 : parseSeed(flags.sampleSeed),
    machineCpus: positive('--machine-cpus', flags.machineCpus, 32),
    machineMemMb: positive('--machine-mem', flags.machineMem, 131072),
    frameworksBy,
  };
}

function parseWindow(text: string | undefined): ImportOptions['window'] {
  if (text === undefined) return { fromS: 0, toS: Number.POSITIVE_INFINITY };
  const m = /^\s*(\d+(?:\.\d*)?)\s*,\s*(\d+(?:\.\d*)?)?\s*$/u.exec(text);
  const fromS = Number(m?.[1]);
  const toS = m?.[2] === undefined ? Number.POSITIVE_INFINITY : Number(m[2]);
  if (m === null || !(toS > fromS)) {
    throw new UsageError(
      `--window: expected FROM,TO seconds of trace time with TO > FROM (or FROM, for the rest), got "${text}"`,
    );
  }
  return { fromS, toS };
}

/** Checks the format name. */
export function parseFormat(text: string): string {
  if (!TRACE_FORMATS.has(text)) {
    throw new UsageError(
      `unknown trace format "${text}" (expected one of ${[...TRACE_FORMATS.keys()].join(', ')})`,
    );
  }
  return text;
}

/** Runs an import; prints its summary on stderr unless quiet. */
export async function importTrace(
  format: string,
  files: readonly string[],
  flags: ImportFlags & { readonly until?: string },
  out: string,
): Promise<ImportResult> {
  const make = TRACE_FORMATS.get(parseFormat(format));
  if (make === undefined) throw new UsageError(`unknown trace format "${format}"`);
  if (files.length === 0) throw new UsageError(`${format}: no input files`);
  const options = parseImportOptions(format, flags);
  return runImport(make(options), files, {
    out,
    lenient: flags.lenient === true,
    name: flags.name ?? format,
    ...(flags.until === undefined ? {} : { untilS: parseUntilMs(flags.until) / 1000 }),
  });
}

/** Registers `import` on the program. */
export function registerImport(program: Command, output: Output): void {
  const command = program
    .command('import')
    .summary('turn a public cluster trace into a scenario')
    .description(
      'Turn a public cluster trace into a scenario and its task file (scenario.tasks.jsonl.gz beside it), ' +
        'streaming: the trace is never held in memory. Formats: google-2011 (machine_events, job_events and ' +
        'task_events files, .csv or .csv.gz, any number of part files), alibaba-2018 (machine_meta, batch_task, ' +
        'optionally batch_instance), alibaba-gpu-2023 (the openb node list, then the pod list). ' +
        'See README "Replaying real traces" for what is mapped to what.',
    )
    .argument('<format>', `one of ${[...TRACE_FORMATS.keys()].join(', ')}`)
    .argument('<files...>', "the trace's CSV files")
    .requiredOption('--out <scenario.json>', 'where to write the scenario')
    .option('--until <seconds>', "the run's end (default: just after the last event)")
    .option('--json', 'print the import summary as JSON');
  addImportFlags(command);
  command.action(async (format: string, files: string[], flags: unknown) => {
    const f = flags as ImportFlags & { out: string; until?: string; json?: true };
    const result = await importTrace(format, files, f, f.out);
    const summary = { scenario: result.scenarioPath, tasks: result.tasksPath, ...result.report };
    output.out(f.json === true ? `${JSON.stringify(summary, null, 2)}\n` : formatImportSummary(summary));
  });
}

/** The readable import summary: one `key: value` line each, nested objects inline. */
export function formatImportSummary(summary: Record<string, unknown>): string {
  const lines = Object.entries(summary).map(([k, v]) => {
    if (typeof v === 'object' && v !== null) {
      const parts = Object.entries(v as Record<string, unknown>).map(([a, b]) => `${a} ${String(b)}`);
      return `${k}: ${parts.length === 0 ? 'none' : parts.join(', ')}`;
    }
    return `${k}: ${String(v)}`;
  });
  return `${lines.join('\n')}\n`;
}
