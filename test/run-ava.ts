/**
 * `npm test`'s test step: runs ava (its arguments passed through), shows its output as it comes,
 * and ends with one line of totals, so a person or a CI log sees at a glance what ran:
 *
 *     tests: 1269 passed, 0 failed, 2 skipped (known failures 0, todo 0)
 *
 * ava prints these counts on separate lines, and leaves out the ones that are zero; this reads
 * them back from its summary. The exit code is ava's.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// ava's command line is not among its package exports; it sits beside its main entry point.
const avaCli = join(dirname(createRequire(import.meta.url).resolve('ava')), 'cli.mjs');

const counts = { passed: 0, failed: 0, skipped: 0, 'known failures': 0, todo: 0, pending: 0 };
/**
 * ava's summary leaves out counts that are zero and, when a test failed, the passed count too,
 * so tests are counted from the line each one gets as it ends (✔ passed, ✘ [fail], - [skip],
 * - [todo], ✘ [expected fail]); tests still running at a timeout come from the summary.
 */
const lineKinds: [keyof typeof counts, RegExp][] = [
  ['passed', /^\s*✔ /u],
  ['failed', /^\s*✘ \[fail\]/u],
  ['skipped', /^\s*- \[skip\]/u],
  ['todo', /^\s*- \[todo\]/u],
  ['known failures', /^\s*✘ \[expected fail\]/u],
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
const child = spawn(process.execPath, [avaCli, ...process.argv.slice(2)], {
  stdio: ['inherit', 'pipe', 'pipe'],
  env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : (process.env.FORCE_COLOR ?? '0') },
});
const keep = (chunk: Buffer, out: NodeJS.WriteStream): void => {
  out.write(chunk);
  const text = chunk.toString();
  if (out === process.stdout) countLines(text);
  // The summary is at the end: keep the last few kilobytes, without colour codes.
  tail = (tail + text).slice(-16_384);
};
child.stdout.on('data', (chunk: Buffer) => keep(chunk, process.stdout));
child.stderr.on('data', (chunk: Buffer) => keep(chunk, process.stderr));
child.on('close', (code, signal) => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes
  const plain = tail.replace(/\u001b\[[0-9;]*m/gu, '');
  countLines('\n');
  counts.pending = Number(/^\s*(\d+) tests? remained pending/mu.exec(plain)?.[1] ?? 0);
  process.stdout.write(
    `\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped ` +
      `(known failures ${counts['known failures']}, todo ${counts.todo}` +
      `${counts.pending > 0 ? `, ${counts.pending} still running at a timeout` : ''})\n`,
  );
  process.exitCode = signal !== null ? 1 : (code ?? 1);
});
