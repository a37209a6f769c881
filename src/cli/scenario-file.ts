/**
 * Reading a scenario file for a command: the file IO lives here, in the command line's layer;
 * parsing and validation are the scenario layer's (pure). Every problem becomes a UsageError
 * (exit code 2) listing each as `path: message`.
 */
import { readFileSync, statSync } from 'node:fs';
import { formatScenarioError } from '../scenario/issues.js';
import type { Scenario } from '../scenario/schema.js';
import { loadScenarioText } from '../scenario/validate.js';
import { UsageError } from './usage-error.js';

/** Largest scenario file read (the scenario layer accepts at most 64 Mi characters of text). */
export const MAX_SCENARIO_FILE_BYTES = 64 * 1024 * 1024;

/** Reads and validates a scenario file, or throws a UsageError naming every problem. */
export function readScenarioFile(path: string): Scenario {
  return parseScenarioText(readScenarioText(path), path);
}

/** Reads a scenario file's text, or throws a UsageError saying why it cannot be read. */
export function readScenarioText(path: string): string {
  try {
    const size = statSync(path).size;
    if (size > MAX_SCENARIO_FILE_BYTES) {
      throw new UsageError(`scenario ${path} is ${size} bytes; the limit is ${MAX_SCENARIO_FILE_BYTES}`);
    }
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(code ?? e);
    throw new UsageError(`cannot read scenario ${path}: ${why}`);
  }
}

/** Validates a scenario's text (read from `path`), or throws a UsageError naming every problem. */
export function parseScenarioText(text: string, path: string): Scenario {
  const loaded = loadScenarioText(text, path);
  if (loaded.ok) return loaded.value;
  const lines = loaded.error.map((e) => `  ${formatScenarioError(e)}`);
  const n = loaded.error.length;
  throw new UsageError(
    `${path} is not a valid scenario (${n} problem${n === 1 ? '' : 's'}):\n${lines.join('\n')}`,
  );
}
