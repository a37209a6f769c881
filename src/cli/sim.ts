/**
 * `agora sim <scenario.json>`: replays a scenario in the deterministic simulated world and
 * prints its summary. The summary (stdout) is a function of the scenario, seed and policy only;
 * wall-clock figures and progress go to stderr, so `--json` output can be compared byte for byte.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { POLICIES } from '../allocator/policies.js';
import type { RunSeriesData } from '../metrics/run-series.js';
import type { FrameworkSummary, RunSummary } from '../metrics/run-summary.js';
import type { TraceSummary } from '../metrics/trace-summary.js';
import { MAX_FRAMEWORK_LINES, TOP_FRAMEWORK_LINES } from '../report/charted-frameworks.js';
import { FRAMEWORK_COLUMNS } from '../report/framework-columns.js';
import { ScenarioRun } from '../runtime/sim/scenario-run.js';
import { pumpTraceTasks } from '../runtime/sim/trace-run.js';
import { MASTER_ADDRESS, type Scenario } from '../scenario/schema.js';
import { TRACE_FORMATS } from '../scenario/traces/formats.js';
import { scenarioWarnings } from '../scenario/warnings.js';
import { addImportFlags, formatImportSummary, type ImportFlags, importTrace } from './import.js';
import { untilSignal } from './live.js';
import type { Output } from './main.js';
import { formatCount, Progress } from './progress.js';
import { checkReportDir, writeRunReport } from './report-dir.js';
import { parsePolicy, parseSeed, parseUntilMs } from './run-flags.js';
import { readScenarioFile } from './scenario-file.js';
import { ReplayRecording, ReplayServer } from './sim-serve.js';
import { alignRows } from './table.js';
import { TraceFile } from './trace-file.js';
import { readTraceTaskFile, traceTaskFilePath } from './trace-task-file.js';
import { UsageError } from './usage-error.js';
import { AGORA_VERSION, commandLine } from './version.js';

/** The flags of `agora sim`. */
export interface SimFlags {
  readonly seed?: string;
  readonly policy?: string;
  readonly until?: string;
  readonly json?: true;
  readonly trace?: string;
  readonly traceMessages?: true;
  readonly quiet?: true;
  readonly out?: string;
  /** Simulate every offer and ping as a message (the fast path's reference; same decisions). */
  readonly messageLevel?: true;
  /** With `out`: the frameworks the report draws as lines, comma-separated. */
  readonly reportFrameworks?: string;
  /** Replay trace files of this format directly (imported to a temporary scenario first). */
  readonly traceFormat?: string;
  /** Serve the web UI over the run on this port (true: the default port), see sim-serve.ts. */
  readonly serve?: string | true;
  /** Run this many masters contending through a simulated ZooKeeper (issue 16). */
  readonly masters?: string;
}

/** What {@link simulate} returns: the summary, and the series when a report was asked for. */
export interface SimResult {
  readonly summary: RunSummary;
  readonly series: RunSeriesData | undefined;
  /** The frameworks `--report-frameworks` named, checked against the scenario. */
  readonly reportFrameworks?: readonly string[];
  /** The scenario that was run (the report marks its faults and describes its cluster). */
  readonly scenario: Scenario;
}

/** How many slices a run is cut into, so progress can be reported between them. */
const SLICES = 200;

/**
 * Runs the scenario at `path` with the flags; prints timings and progress to stderr. Series are
 * recorded when `flags.out` asks for a report or `flags.serve` for the web UI. `observe` sees the
 * run at time 0 and after each slice (`--serve` records its frames there).
 */
export async function simulate(
  path: string,
  flags: SimFlags,
  output: Output,
  observe?: (run: ScenarioRun) => void,
): Promise<SimResult> {
  if (flags.out !== undefined) checkReportDir(flags.out);
  const scenario = readScenarioFile(path);
  const reportFrameworks =
    flags.reportFrameworks === undefined
      ? undefined
      : parseReportFrameworks(
          flags.reportFrameworks,
          flags.out !== undefined,
          scenario.frameworks.map((f) => f.name),
        );
  if (flags.quiet !== true) for (const w of scenarioWarnings(scenario)) output.err(`agora: warning: ${w}\n`);
  const overrides = {
    ...(flags.seed === undefined ? {} : { seed: parseSeed(flags.seed) }),
    ...(flags.policy === undefined ? {} : { policy: parsePolicy(flags.policy) }),
    ...(flags.until === undefined ? {} : { untilMs: parseUntilMs(flags.until) }),
  };
  const masters = flags.masters === undefined ? undefined : parseMasters(flags.masters, scenario);
  const trace = flags.trace === undefined ? undefined : new TraceFile(flags.trace);
  try {
    const startedAt = performance.now();
    const run = new ScenarioRun(scenario, {
      ...overrides,
      ...(trace === undefined ? {} : { trace: trace.sink }),
      traceDeliveries: flags.traceMessages === true,
      series: flags.out !== undefined || flags.serve !== undefined,
      messageLevel: flags.messageLevel === true,
      ...(masters === undefined ? {} : { ha: { masters } }),
    });
    const progress = new Progress(output, `sim ${scenario.name}`, flags.quiet === true);
    const onSlice = (nowMs: number, events: number) => {
      observe?.(run);
      progress.update(nowMs, run.untilMs, events, () => runProgressText(run));
    };
    if (observe !== undefined) {
      // The events of time 0 (the master and agents starting), so the first frame shows them.
      run.advance(0);
      observe(run);
    }
    if (scenario.tasks?.kind === 'file' && run.trace !== undefined) {
      // Trace tasks are read from their file as the clock reaches them (trace-run.ts).
      const source = readTraceTaskFile(traceTaskFilePath(path, scenario.tasks.path), scenario);
      const state = { ahead: undefined, exhausted: false };
      for (let i = 1; i <= SLICES && !run.done; i++) {
        await pumpTraceTasks(run, run.trace, source, (run.untilMs * i) / SLICES, state);
        onSlice(run.world.now, run.world.eventCount);
      }
    } else {
      run.runInSlices(SLICES, onSlice);
    }
    progress.done();
    const summary = run.summary();
    const wallS = (performance.now() - startedAt) / 1000;
    if (flags.quiet !== true) {
      output.err(
        `sim ${scenario.name}: ${summary.simulatedSeconds} s simulated in ${wallS.toFixed(2)} s wall, ` +
          `${formatCount(run.world.eventCount)} events, ${formatCount(run.world.eventCount / wallS)} events/s` +
          `${trace === undefined ? '' : `, ${trace.lines} trace lines in ${trace.path}`}\n`,
      );
    }
    return {
      summary,
      scenario,
      series: run.seriesData(),
      ...(reportFrameworks === undefined ? {} : { reportFrameworks }),
    };
  } finally {
    trace?.close();
  }
}

/**
 * `--report-frameworks a,b`: names of the scenario's frameworks, each once, at most
 * {@link MAX_FRAMEWORK_LINES} (more lines than that cannot be told apart), and only with `--out`.
 */
export function parseReportFrameworks(text: string, withOut: boolean, names: readonly string[]): string[] {
  const flag = '--report-frameworks';
  if (!withOut) throw new UsageError(`${flag}: says what a report draws; give --out <dir> too`);
  const named = text.split(',').map((n) => n.trim());
  const known = new Set(names);
  const listed =
    names.length <= 12 ? names.join(', ') : `${names.slice(0, 10).join(', ')}, … (${names.length})`;
  for (const [i, name] of named.entries()) {
    if (name === '')
      throw new UsageError(`${flag}: expected framework names separated by commas, got "${text}"`);
    if (!known.has(name)) {
      throw new UsageError(`${flag}: the scenario has no framework "${name}"; it has ${listed}`);
    }
    if (named.indexOf(name) !== i) throw new UsageError(`${flag}: "${name}" is named twice in "${text}"`);
  }
  if (named.length > MAX_FRAMEWORK_LINES) {
    throw new UsageError(
      `${flag}: at most ${MAX_FRAMEWORK_LINES} frameworks can be told apart as lines, got ${named.length}`,
    );
  }
  return named;
}

/** `--serve` with no port. */
export const DEFAULT_SERVE_PORT = 5050;

/** `--serve [port]`: a port number, 0 for any free one. */
function parseServePort(value: string | true): number {
  if (value === true) return DEFAULT_SERVE_PORT;
  const port = Number(value);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65_535) || value.trim() === '') {
    throw new UsageError(`--serve: expected a port number from 0 to 65535, got "${value}"`);
  }
  return port;
}

/** Tasks done (ended) so far and the resident memory, for the progress line. */
function runProgressText(run: ScenarioRun): string {
  let done = 0;
  for (const f of run.recorder.frameworks()) done += f.launched - f.running;
  return `${formatCount(done)} tasks done, RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB`;
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The readable form of a summary. */
export function formatRunSummary(s: RunSummary): string {
  const header = ['framework', ...FRAMEWORK_COLUMNS.map((c) => c.header)];
  const rows: string[][] = [header];
  for (const [name, f] of Object.entries(s.frameworks) as [string, FrameworkSummary][]) {
    rows.push([f.role === name ? name : `${name} (${f.role})`, ...FRAMEWORK_COLUMNS.map((c) => c.cell(f))]);
  }
  const errors = Object.entries(s.frameworks)
    .filter(([, f]) => f.error !== undefined)
    .map(([name, f]) => `  ${name}: ${f.error}`);
  const lines = [
    `scenario ${s.scenario}, seed ${s.seed}, policy ${s.policy}: ${s.simulatedSeconds} s simulated`,
    '',
    ...alignRows(
      rows,
      header.map((_, i) => i > 0),
    ),
    '',
    `utilization  ${Object.entries(s.utilization)
      .map(([name, u]) => `${name} ${percent(u)}`)
      .join(', ')}`,
    `fairness     Jain index ${s.fairness.jainIndex.toFixed(4)} (time-averaged dominant shares over weights); ` +
      (s.fairness.contendedJainIndex === null
        ? 'never two frameworks with tasks pending at once'
        : `${s.fairness.contendedJainIndex.toFixed(4)} among frameworks with tasks pending, over the ${s.fairness.contendedSeconds} s they contended`),
    `offers       ${s.offers.made} made, ${s.offers.accepted} accepted, ${s.offers.declined} declined, ${s.offers.rescinded} rescinded in ${s.allocationRuns} allocation runs`,
    ...(errors.length === 0 ? [] : ['frameworks the master refused or removed:', ...errors]),
    ...(s.trace === undefined ? [] : formatTraceSummary(s.trace)),
  ];
  return `${lines.join('\n')}\n`;
}

/** The trace section: tasks, outcomes against the trace's, and waits per band beside the trace's. */
export function formatTraceSummary(t: TraceSummary): string[] {
  const counts = (r: Readonly<Record<string, number>>) =>
    Object.entries(r)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  const q = (v: number | null) => (v === null ? '-' : String(v));
  const rows = [['band', 'sim n', 'p50', 'p90', 'p99', 'max', 'trace n', 'p50', 'p90', 'p99', 'max']];
  for (const w of t.waits) {
    const { simulated: a, trace: b } = w;
    rows.push([
      w.band,
      String(a.count),
      q(a.p50),
      q(a.p90),
      q(a.p99),
      q(a.max),
      String(b.count),
      q(b.p50),
      q(b.p90),
      q(b.p99),
      q(b.max),
    ]);
  }
  return [
    '',
    `trace tasks  ${t.tasks.read} read, ${t.tasks.launched} launched, ${t.tasks.held} held for dependencies at the end`,
    `  ended as traced: ${counts(t.endedAsTraced)}; otherwise: ${counts(t.endedOtherwise)}`,
    '  wait (s) from ready to launch, simulated beside the trace (scheduled - submitted):',
    ...alignRows(rows, rows[0]?.map((_, i) => i > 0) ?? []).map((l) => `  ${l}`),
  ];
}

/**
 * The scenario to run: the one file given, or, with --trace-format, the trace files imported into
 * a temporary folder (the import's summary goes to stderr).
 */
async function scenarioOf(
  inputs: readonly string[],
  flags: SimFlags & ImportFlags,
  output: Output,
): Promise<string> {
  if (flags.traceFormat === undefined) {
    if (inputs.length !== 1) {
      throw new UsageError(
        `expected one scenario file, got ${inputs.length} arguments (trace files need --trace-format)`,
      );
    }
    return inputs[0] as string;
  }
  const out = join(mkdtempSync(join(tmpdir(), 'agora-trace-')), 'scenario.json');
  const result = await importTrace(
    flags.traceFormat,
    inputs,
    { ...flags, until: undefined } as ImportFlags,
    out,
  );
  if (flags.quiet !== true) output.err(formatImportSummary({ scenario: out, ...result.report }));
  return out;
}

/** Parsed flags back as arguments (`--out dir`, `--quiet`), in the order commander keeps them. */
export function flagArgs(flags: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(flags).flatMap(([key, value]) => {
    const flag = `--${key.replace(/[A-Z]/gu, (c) => `-${c.toLowerCase()}`)}`;
    if (value === undefined || value === false) return [];
    return value === true ? [flag] : [flag, String(value)];
  });
}

/** `--masters`: a whole number from 2 to 7, for a scenario none of whose faults names the master. */
function parseMasters(text: string, scenario: Scenario): number {
  const masters = Number(text);
  if (!(Number.isInteger(masters) && masters >= 2 && masters <= 7)) {
    throw new UsageError(`--masters: expected a whole number of masters from 2 to 7, got "${text}"`);
  }
  const naming = scenario.faults.find(
    (f) =>
      f.kind === 'master-crash' ||
      (f.kind === 'clock-skew' && f.process === MASTER_ADDRESS) ||
      (f.kind === 'network-partition' && f.sides.some((side) => side.includes(MASTER_ADDRESS))),
  );
  if (naming !== undefined) {
    throw new UsageError(
      `--masters: the scenario's ${naming.kind} fault at ${naming.atMs / 1000} s names the master, which has no one ` +
        'address with several masters (agora chaos --masters draws faults of the masters instead)',
    );
  }
  return masters;
}

/** Registers `sim` on the program. */
export function registerSim(program: Command, output: Output): void {
  const command = program
    .command('sim')
    .summary('replay a scenario in the deterministic simulated world')
    .description(
      'Replay a scenario in the deterministic simulated world: the real master, agents and ' +
        'scheduler drivers, on a virtual clock and a seeded network. Prints a summary per ' +
        'framework (tasks, dominant shares, waits), utilisation and fairness; --out also writes ' +
        'an HTML report with charts. The same scenario and seed give byte-identical --json ' +
        'output, trace and report. Timings go to stderr.',
    )
    .argument(
      '<inputs...>',
      'a scenario JSON file, e.g. scenarios/mixed.json (schema: scenarios/README.md); with --trace-format, trace files',
    )
    .option('--seed <n>', "override the scenario's seed (a whole number)")
    .option('--policy <name>', `override the allocation policy (${[...POLICIES.keys()].join(', ')})`)
    .option('--until <seconds>', 'override how long to simulate, in seconds')
    .option('--json', 'print the summary as JSON (deterministic: no wall-clock fields)')
    .option('--trace <file>', 'write the run trace to <file>, one JSON object per line')
    .option('--trace-messages', 'with --trace, also trace every message delivery and timer (large)')
    .option('--quiet', 'no progress or timing lines on stderr')
    .option('--out <dir>', 'also write a report there: index.html, summary.json, series.json, charts/*.svg')
    .option(
      '--message-level',
      'simulate every offer as an Offer message answered one by one and every health check as a ping ' +
        '(slow; the same decisions and the same --json bytes as the default fast representation)',
    )
    .option(
      '--report-frameworks <names>',
      `with --out, the frameworks (comma-separated, at most ${MAX_FRAMEWORK_LINES}) the charts draw as lines, ` +
        `the others as grey bands of every framework's spread (default: every framework when there are at ` +
        `most ${MAX_FRAMEWORK_LINES}, else the ${TOP_FRAMEWORK_LINES} with the largest time-averaged dominant share)`,
    )
    .option(
      '--serve [port]',
      `then serve the web UI over the run at http://127.0.0.1:<port>/ (default ${DEFAULT_SERVE_PORT}): play, pause, ` +
        'speed, a time slider and the faults marked; runs until Ctrl-C',
    )
    .option(
      '--masters <n>',
      'run n masters (2-7) contending through a simulated ZooKeeper (ephemeral sequential json.info_<seq> ' +
        'nodes, the lowest leads; agents and frameworks follow the leader); scenario faults may not name the master',
    )
    .option(
      '--trace-format <format>',
      `replay trace files directly (${[...TRACE_FORMATS.keys()].join(', ')}), as agora import would import them`,
    );
  addImportFlags(command);
  command.action(async (inputs: string[], raw: unknown) => {
    const flags = raw as SimFlags & ImportFlags;
    const path = await scenarioOf(inputs, flags, output);
    const serve = flags.serve === undefined ? undefined : parseServePort(flags.serve);
    // Listening first: a port in use is told before the run, not after it.
    const server = serve === undefined ? undefined : await ReplayServer.listen('127.0.0.1', serve);
    const recording = serve === undefined ? undefined : new ReplayRecording();
    let ran: ScenarioRun | undefined;
    const { summary, series, reportFrameworks, scenario } = await simulate(
      path,
      flags,
      output,
      recording === undefined
        ? undefined
        : (run) => {
            ran = run;
            recording.take(run);
          },
    );
    output.out(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : formatRunSummary(summary));
    if (flags.out !== undefined && series !== undefined) {
      const startedAt = performance.now();
      const index = await writeRunReport(flags.out, summary, series, {
        ...(reportFrameworks === undefined ? {} : { frameworks: reportFrameworks }),
        scenario,
        origin: {
          // Without --out: the report is that folder, and it reads the same wherever it is written.
          command: commandLine([
            'agora',
            'sim',
            ...inputs,
            ...flagArgs({ ...(raw as Record<string, unknown>), out: undefined }),
          ]),
          version: AGORA_VERSION,
          scenarioFile: flags.traceFormat === undefined ? path : inputs.join(' '),
        },
      });
      if (flags.quiet !== true) {
        output.err(`report: ${index} (${((performance.now() - startedAt) / 1000).toFixed(2)} s)\n`);
      }
    }
    if (server !== undefined && recording !== undefined && ran !== undefined && series !== undefined) {
      server.serve({ run: ran, recording, series });
      output.err(
        `agora sim: serving the replay (${recording.timesMs.length} frames, ${(recording.bytes / 2 ** 20).toFixed(1)} MB) ` +
          `at ${server.url} — Ctrl-C stops\n`,
      );
      const signal = await untilSignal();
      output.err(`agora sim: ${signal}, stopping\n`);
      await server.close();
    }
  });
}
