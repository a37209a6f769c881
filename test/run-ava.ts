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

const counts = { passed: 0, failed: 0, skipped: 0, 'known failures': 0, todo: 0 };
const patterns: [keyof typeof counts, RegExp][] = [
  ['passed', /^\s*(\d+) tests? passed/mu],
  ['failed', /^\s*(\d+) tests? failed/mu],
  ['skipped', /^\s*(\d+) tests? skipped/mu],
  ['known failures', /^\s*(\d+) known failures?/mu],
  ['todo', /^\s*(\d+) tests? todo/mu],
];

let tail = '';
const child = spawn(process.execPath, [avaCli, ...process.argv.slice(2)], {
  stdio: ['inherit', 'pipe', 'pipe'],
  env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : (process.env.FORCE_COLOR ?? '0') },
});
const keep = (chunk: Buffer, out: NodeJS.WriteStream): void => {
  out.write(chunk);
  // The summary is at the end: keep the last few kilobytes, without colour codes.
  tail = (tail + chunk.toString()).slice(-16_384);
};
child.stdout.on('data', (chunk: Buffer) => keep(chunk, process.stdout));
child.stderr.on('data', (chunk: Buffer) => keep(chunk, process.stderr));
child.on('close', (code, signal) => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes
  const plain = tail.replace(/\u001b\[[0-9;]*m/gu, '');
  for (const [key, pattern] of patterns) counts[key] = Number(pattern.exec(plain)?.[1] ?? 0);
  process.stdout.write(
    `\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped ` +
      `(known failures ${counts['known failures']}, todo ${counts.todo})\n`,
  );
  process.exitCode = signal !== null ? 1 : (code ?? 1);
});
