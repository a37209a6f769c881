/** Runs the `agora` command line in-process with buffered output, for the CLI tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type Output } from '../../src/cli/main.js';

/** What a command printed and its exit code. */
export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `agora <args>` and collects what it prints. */
export async function runCli(...args: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const output: Output = {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
  };
  const code = await main(['node', 'agora', ...args], output);
  return { code, out, err };
}

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `agora-${prefix}-`));
}

/** Writes `json` (an object, or raw text) to a temporary scenario file and returns its path. */
export function scenarioFile(json: unknown): string {
  const path = join(tempDir('scenario'), 'scenario.json');
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
}
