/**
 * Flags shared by the commands that run scenarios (`sim`, `sweep`): each parser names the flag,
 * the value and what was expected when it refuses one.
 */
import { POLICIES } from '../allocator/policies.js';
import { LIMITS, secondsToMs } from '../scenario/schema.js';
import { UsageError } from './usage-error.js';

/** `--seed`: a whole number in [0, 2^53 − 1]. */
export function parseSeed(text: string): number {
  const n = /^\d+$/u.test(text) ? Number(text) : Number.NaN;
  if (!(Number.isSafeInteger(n) && n <= LIMITS.seed)) {
    throw new UsageError(`--seed: expected a whole number from 0 to ${LIMITS.seed}, got "${text}"`);
  }
  return n;
}

/** `--until`: seconds, > 0, at most a year. */
export function parseUntilMs(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !(n > 0 && n <= LIMITS.seconds)) {
    throw new UsageError(
      `--until: expected seconds, more than 0 and at most ${LIMITS.seconds}, got "${text}"`,
    );
  }
  return secondsToMs(n);
}

/** `--policy`: one of the allocator's policies. */
export function parsePolicy(text: string): string {
  if (!POLICIES.has(text)) {
    throw new UsageError(
      `--policy: unknown policy "${text}" (expected one of ${[...POLICIES.keys()].join(', ')})`,
    );
  }
  return text;
}

/** The most runs one sweep may ask for (a typo like `--seeds 1-100000` should not start). */
export const MAX_SWEEP_RUNS = 10_000;

/** `--policies drf,asset`: distinct policy names, in the order given. */
export function parsePolicies(text: string): string[] {
  const names = text.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !POLICIES.has(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `--policies: unknown policy ${unknown.map((n) => `"${n}"`).join(', ')} in "${text}" (expected a comma-separated list of ${[...POLICIES.keys()].join(', ')})`,
    );
  }
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw new UsageError(`--policies: "${repeated}" is given twice in "${text}"`);
  return names;
}

/** `--seeds 1-20`, `--seeds 1,5,9` or `--seeds 1-5,10`: distinct seeds, in the order given. */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  const bad = (why: string): never => {
    throw new UsageError(`--seeds: ${why} in "${text}" (expected seeds and ranges such as 1-20 or 1,5,9)`);
  };
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/u.exec(part);
    if (m === null) bad(`"${part}" is not a seed or a range`);
    const from = Number(m?.[1]);
    const to = m?.[2] === undefined ? from : Number(m[2]);
    if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && to <= LIMITS.seed)) {
      bad(`"${part}" is out of range (seeds go from 0 to ${LIMITS.seed})`);
    }
    if (to < from) bad(`the range "${part}" goes backwards`);
    if (seeds.length + (to - from + 1) > MAX_SWEEP_RUNS) bad(`more than ${MAX_SWEEP_RUNS} seeds`);
    for (let s = from; s <= to; s++) seeds.push(s);
  }
  const repeated = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (repeated !== undefined) bad(`seed ${repeated} is given twice`);
  return seeds;
}

/** `--jobs N`: runs at once, 1 to 256. */
export function parseJobs(text: string): number {
  const n = /^\d+$/u.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= 256))
    throw new UsageError(`--jobs: expected a whole number from 1 to 256, got "${text}"`);
  return n;
}
