/**
 * The sans-IO rule of ARCHITECTURE.md is enforced by the linter, so this test proves the
 * linter really rejects clocks, timers, Math.random and IO modules in src/core and
 * src/allocator, and leaves the same code alone elsewhere (e.g. src/cli).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import test from 'ava';

const root = resolve(import.meta.dirname, '..');
const biome = join(root, 'node_modules', '.bin', 'biome');

const PROBE = [
  "import { readFileSync } from 'node:fs';",
  "import { connect } from 'node:net';",
  'export const a = Date.now() + Math.random();',
  'export const b = setTimeout(() => readFileSync(String(connect)), 1);',
  '',
].join('\n');

/** Lints one probe file placed at `relPath` in a scratch copy of the project's lint setup. */
function lint(relPath: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'agora-lint-'));
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

/** The folders the sans-IO override covers, read from biome.json so no folder is forgotten. */
function sansIoFolders(): string[] {
  const config = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8')) as {
    overrides: { includes: string[]; plugins?: string[] }[];
  };
  const override = config.overrides.find((o) => o.plugins?.some((p) => p.includes('no-math-random')));
  if (override === undefined) throw new Error('biome.json has no sans-IO override');
  return override.includes.map((glob) => glob.replace(/\/\*\*$/u, ''));
}

test('the sans-IO override covers the pure layers', (t) => {
  const folders = sansIoFolders();
  for (const f of ['src/core', 'src/allocator', 'src/scenario', 'src/runtime/sim', 'src/metrics']) {
    t.true(folders.includes(f), `${f} is sans-IO`);
  }
});

for (const folder of sansIoFolders()) {
  test(`${folder} may not use clocks, timers, Math.random, node:fs or node:net`, (t) => {
    const out = lint(`${folder}/probe.ts`);
    t.regex(out, /Sans-IO code does no file IO/);
    t.regex(out, /Sans-IO code sends through env\.send\(\)/);
    t.regex(out, /global variable Date/);
    t.regex(out, /global variable setTimeout/);
    t.regex(out, /Math\.random is not allowed/);
  });
}

test('the same code is allowed outside the sans-IO folders', (t) => {
  const out = lint('src/cli/probe.ts');
  t.notRegex(out, /Sans-IO|Math\.random is not allowed|global variable Date/);
});
