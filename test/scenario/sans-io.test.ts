/**
 * src/scenario is sans-IO like src/core and src/allocator (the simulator replays it
 * deterministically), so the linter's guards must cover it: this lints a probe placed there.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import test from 'ava';

const root = resolve(import.meta.dirname, '../..');
const biome = join(root, 'node_modules', '.bin', 'biome');

const PROBE = [
  "import { readFileSync } from 'node:fs';",
  'export const a = Date.now() + Math.random();',
  "export const b = setTimeout(() => readFileSync('x'), 1);",
  '',
].join('\n');

test('src/scenario may not use clocks, timers, Math.random or node:fs', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'agora-lint-scenario-'));
  try {
    cpSync(join(root, 'biome.json'), join(dir, 'biome.json'));
    cpSync(join(root, 'lint'), join(dir, 'lint'), { recursive: true });
    mkdirSync(join(dir, 'src/scenario'), { recursive: true });
    writeFileSync(join(dir, 'src/scenario/probe.ts'), PROBE);
    let out = '';
    try {
      execFileSync(biome, ['lint', '--vcs-enabled=false', '--max-diagnostics=50', 'src/scenario/probe.ts'], {
        cwd: dir,
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (e) {
      const { stdout = '', stderr = '' } = e as { stdout?: string; stderr?: string };
      out = stdout + stderr;
    }
    t.regex(out, /Sans-IO code does no file IO/);
    t.regex(out, /global variable Date/);
    t.regex(out, /global variable setTimeout/);
    t.regex(out, /Math\.random is not allowed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
