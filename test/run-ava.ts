/**
 * `npm test`'s test step: runs ava (its arguments passed through), shows its output as it comes,
 * and ends with one line of totals, so a person or a CI log sees at a glance what ran:
 *
 *     tests: 1269 passed, 0 failed, 2 skipped (known failures 0, todo 0)
 *
 * ava prints these counts on separate lines, and leaves out the ones that are zero; this reads
 * them back from its summary. The exit code is ava's (the first failing pass's).
 *
 * Without arguments it runs two passes: every test file but the {@link ALONE} ones, then those
 * on their own. They compare a live run's waits and makespan with the simulator's within 10% (or
 * one allocation interval plus the run's lag), which holds on an idle machine but not beside the
 * suite's own ZooKeeper ensembles, Chromium and process-killing tests: measured in one full run,
 * drf-paper's mean wait for B came out 7.1 s live against 4.0 s simulated, and 3.7 s when the file
 * ran alone a minute later. Timing is compared where nothing else of ours competes for the cores.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// ava's command line is not among its package exports; it sits beside its main entry point.
const avaCli = join(dirname(createRequire(import.meta.url).resolve('ava')), 'cli.mjs');

const counts = { passed: 0, failed: 0, skipped: 0, 'known failures': 0, todo: 0, pending: 0 };
/**
 * ava's summary leaves out counts that are zero and, when a test failed, the passed count too,
 * so tests are counted from the line each one gets as it ends (✔ passed, ✘ [fail], - [skip],
 * - [todo], ✔ or ✘ [expected fail]); tests still running at a timeout come from the summary.
 */
const lineKinds: [keyof typeof counts, RegExp][] = [
  // ava marks a known failure that failed as expected with ✔, so it is matched before `passed`.
  ['known failures', /^\s*[✔✘] \[expected fail\]/u],
  ['passed', /^\s*✔ /u],
  ['failed', /^\s*✘ \[fail\]/u],
  ['skipped', /^\s*- \[skip\]/u],
  ['todo', /^\s*- \[todo\]/u],
];

let tail = '';
let partial = '';
/** Counts the complete lines of a chunk of ava's output (the rest waits for the next chunk). */
const countLines = (text: string): void => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes
  const lines = (partial + text).replace(/\u001b\[[0-9;]*m/gu, '').split('\n');
  partial = lines.pop() ?? '';
  for (const line of lines) {
    for (const [key, pattern] of lineKinds) {
      if (pattern.test(line)) {
        counts[key]++;
        break;
      }
    }
  }
};
const keep = (chunk: Buffer, out: NodeJS.WriteStream): void => {
  out.write(chunk);
  const text = chunk.toString();
  if (out === process.stdout) countLines(text);
  // The summary is at the end: keep the last few kilobytes, without colour codes.
  tail = (tail + text).slice(-16_384);
};

/** Runs ava once with `args`; resolves to its exit code (1 if a signal ended it). */
function runAva(args: readonly string[]): Promise<number> {
  tail = '';
  const child = spawn(process.execPath, [avaCli, ...args], {
    stdio: ['inherit', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : (process.env.FORCE_COLOR ?? '0') },
  });
  child.stdout.on('data', (chunk: Buffer) => keep(chunk, process.stdout));
  child.stderr.on('data', (chunk: Buffer) => keep(chunk, process.stderr));
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes
      const plain = tail.replace(/\u001b\[[0-9;]*m/gu, '');
      countLines('\n');
      counts.pending += Number(/^\s*(\d+) tests? remained pending/mu.exec(plain)?.[1] ?? 0);
      resolve(signal !== null ? 1 : (code ?? 1));
    }),
  );
}

/** The test files that compare live timing with the simulator's, run after the rest, alone. */
const ALONE = ['test/runtime/live/live-replay.test.ts'];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every `*.test.ts` under `test/`, as paths relative to the project (ava's `files` pattern). */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

const args = process.argv.slice(2);
const passes: string[][] =
  args.length > 0 ? [args] : [testFiles(join(root, 'test')).filter((f) => !ALONE.includes(f)), ALONE];
let exitCode = 0;
for (const [i, pass] of passes.entries()) {
  if (passes.length > 1 && i > 0) {
    process.stdout.write(`\n(run alone, after the rest: ${pass.join(', ')})\n`);
  }
  const code = await runAva(pass);
  if (exitCode === 0) exitCode = code;
}
process.stdout.write(
  `\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped ` +
    `(known failures ${counts['known failures']}, todo ${counts.todo}` +
    `${counts.pending > 0 ? `, ${counts.pending} still running at a timeout` : ''})\n`,
);
process.exitCode = exitCode;
