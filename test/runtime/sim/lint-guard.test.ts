/**
 * The simulated world must be as deterministic as the logic it runs: a wall clock, a real timer
 * or Math.random in src/runtime/sim would make traces differ between runs. This proves the
 * linter rejects them there (the sans-IO override in biome.json covers src/runtime/sim/**).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import test from 'ava';

const root = resolve(import.meta.dirname, '../../..');
const biome = join(root, 'node_modules', '.bin', 'biome');

const PROBE = [
  "import { readFileSync } from 'node:fs';",
  "import { connect } from 'node:net';",
  'export const a = Date.now() + Math.random();',
  'export const b = setTimeout(() => readFileSync(String(connect)), 1);',
  '',
].join('\n');

/** Lints one probe file at `relPath` in a scratch copy of the project's lint setup. */
function lint(relPath: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'agora-lint-sim-'));
  try {
    cpSync(join(root, 'biome.json'), join(dir, 'biome.json'));
    cpSync(join(root, 'lint'), join(dir, 'lint'), { recursive: true });
    mkdirSync(dirname(join(dir, relPath)), { recursive: true });
    writeFileSync(join(dir, relPath), PROBE);
    try {
      execFileSync(biome, ['lint', '--vcs-enabled=false', '--max-diagnostics=50', relPath], {
        cwd: dir,
        encoding: 'utf8',
        stdio: 'pipe',
      });
      return '';
    } catch (e) {
      const { stdout = '', stderr = '' } = e as { stdout?: string; stderr?: string };
      return stdout + stderr;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('src/runtime/sim may not use clocks, timers, Math.random, node:fs or node:net', (t) => {
  const out = lint('src/runtime/sim/probe.ts');
  t.regex(out, /Sans-IO code does no file IO/);
  t.regex(out, /Sans-IO code sends through env\.send\(\)/);
  t.regex(out, /global variable Date/);
  t.regex(out, /global variable setTimeout/);
  t.regex(out, /Math\.random is not allowed/);
});

test('the live runtime next to it is not covered by the sans-IO rule', (t) => {
  const out = lint('src/runtime/live/probe.ts');
  t.notRegex(out, /Sans-IO|Math\.random is not allowed|global variable Date/);
});
