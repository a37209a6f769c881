/**
 * Reading a scenario's trace-task file (JSON lines, optionally gzipped: by a `.gz` name), one
 * task per line, lazily: the run asks for the next task only when its clock needs it, so the
 * file is never held whole. Each line is checked as an inline task is
 * (src/scenario/trace-task.ts); a bad line stops the run with `<file>:<line>: <field>: <problem>`
 * (exit code 2), as does a task out of submission order. Blank lines are skipped.
 */
import { createReadStream } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { newContext } from '../scenario/context.js';
import { Issues } from '../scenario/issues.js';
import type { Scenario } from '../scenario/schema.js';
import { readTraceTask, TRACE_TASK_LIMITS, type TraceTaskSpec } from '../scenario/trace-task.js';
import { traceTaskScope } from '../scenario/validate-cluster.js';
import { UsageError } from './usage-error.js';

/** Where a scenario's task file is: its path as written, relative to the scenario's folder. */
export function traceTaskFilePath(scenarioPath: string, written: string): string {
  return isAbsolute(written) ? written : resolve(dirname(scenarioPath), written);
}

/** The text lines of a file (gunzipped when its name ends in `.gz`); a read error is a UsageError. */
export async function* fileLines(path: string): AsyncGenerator<string> {
  const raw = createReadStream(path);
  // pipeline() passes an error of the file on to the gunzip stream that readline reads.
  const input = path.endsWith('.gz') ? pipeline(raw, createGunzip(), () => {}) : raw;
  try {
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) yield line;
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : String((e as Error).message);
    throw new UsageError(`cannot read ${path}: ${why}`);
  } finally {
    raw.destroy();
  }
}

/** The tasks of `path`, checked against `scenario`, in the file's order. */
export async function* readTraceTaskFile(path: string, scenario: Scenario): AsyncGenerator<TraceTaskSpec> {
  const scope = traceTaskScope(scenario.frameworks, scenario.agents, scenario.cluster);
  const ctx = newContext(new Issues(), undefined);
  let lineNo = 0;
  let lastAtMs = 0;
  for await (const line of fileLines(path)) {
    lineNo++;
    if (line.trim() === '') continue;
    const where = `${path}:${lineNo}`;
    if (line.length > TRACE_TASK_LIMITS.lineChars) {
      throw new UsageError(
        `${where}: the line is ${line.length} characters long, more than ${TRACE_TASK_LIMITS.lineChars}`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new UsageError(`${where}: invalid JSON: ${(e as Error).message}`);
    }
    const issues = new Issues();
    const task = readTraceTask({ ...ctx, issues }, scope, '', json);
    if (task === undefined) {
      const first = issues.list()[0];
      throw new UsageError(`${where}: ${first?.path ?? '(root)'}: ${first?.message ?? 'invalid task'}`);
    }
    if (task.atMs < lastAtMs) {
      throw new UsageError(
        `${where}: at: tasks must be in submission order: ${task.atMs / 1000} s comes after ${lastAtMs / 1000} s`,
      );
    }
    lastAtMs = task.atMs;
    yield task;
  }
}
