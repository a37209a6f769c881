/**
 * Scenario errors and the collector validation writes them to. Validation reports every problem
 * it finds, not just the first, because fixing a scenario file one error per run is tedious;
 * the collector keeps at most `LIMITS.errors` of them so a garbage file cannot produce megabytes
 * of messages.
 */
import { LIMITS } from './schema.js';

/**
 * One problem with a scenario: where (`frameworks[1].jobs[0].resources`, or `file:3:14` for
 * JSON syntax) and what. Printed as `path: message` by {@link formatScenarioError}.
 */
export interface ScenarioError {
  readonly path: string;
  readonly message: string;
}

/** The path used for a problem with the scenario as a whole. */
export const ROOT_PATH = '(root)';

/** `path: message`, the one-line form the CLI prints. */
export function formatScenarioError(e: ScenarioError): string {
  return `${e.path}: ${e.message}`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/u;

/**
 * `path.key`, or `path["odd key"]` when the key is not identifier-like. The root's path is the
 * empty string, so a top-level key's path is just `key`.
 */
export function joinKey(path: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** `path[index]`. */
export function joinIndex(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** Collects errors in the order found, keeping the first `limit`. */
export class Issues {
  private readonly kept: ScenarioError[] = [];
  private dropped = 0;
  private readonly limit: number;

  constructor(limit: number = LIMITS.errors) {
    this.limit = limit;
  }

  /** Records a problem at `path` (the empty path is shown as {@link ROOT_PATH}). */
  add(path: string, message: string): void {
    if (this.kept.length < this.limit) this.kept.push({ path: path === '' ? ROOT_PATH : path, message });
    else this.dropped++;
  }

  /** Whether nothing has been recorded. */
  get empty(): boolean {
    return this.kept.length === 0;
  }

  /** How many problems have been recorded, dropped ones included. */
  get count(): number {
    return this.kept.length + this.dropped;
  }

  /** The problems, with a last line counting those left out. */
  list(): ScenarioError[] {
    if (this.dropped === 0) return [...this.kept];
    return [...this.kept, { path: ROOT_PATH, message: `${this.dropped} more errors not shown` }];
  }
}

/** Lower case without `_`, `-` and spaces: `allocation_interval` and `allocationInterval` match. */
function fold(word: string): string {
  return word.toLowerCase().replace(/[-_\s]/gu, '');
}

/**
 * Edit distance counting a swap of two neighbouring letters as one edit (optimal string
 * alignment), since `nmae` for `name` is the commonest typo; stops early once every path exceeds
 * `max` (then returns `max + 1`).
 */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (before[j - 2] ?? 0) + 1);
      }
      current.push(d);
      if (d < rowMin) rowMin = d;
    }
    // A swap reads two rows back, so only stop once two whole rows are over the bound.
    if (rowMin > max && Math.min(...previous) > max) return max + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? max + 1;
}

/**
 * The candidate `word` was probably meant to be, or undefined. A match ignores case, `_` and
 * `-`, and allows up to two edits (one for words of up to four letters, and always fewer than
 * the word's length, so `C` is not taken for `A`), so `durration`, `Duration` and
 * `refuse_seconds` find their field but unrelated words do not.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = fold(word);
  const max = Math.min(w.length <= 4 ? 1 : 2, w.length - 1);
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const c of candidates) {
    const d = editDistance(w, fold(c), max);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * The tail of an "unknown X" message: `(did you mean "duration"?)` when a candidate is close,
 * else `(expected one of a, b, c)`.
 */
export function hint(word: string, candidates: readonly string[]): string {
  const near = closest(word, candidates);
  return near === undefined ? `(expected one of ${candidates.join(', ')})` : `(did you mean "${near}"?)`;
}

/** A short description of a JSON value for "expected X, got Y" messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const s = JSON.stringify(value);
      return s.length > 40 ? `${s.slice(0, 37)}..."` : s;
    }
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
