/**
 * What the trace importers share: reading one CSV row's fields with the problems named by
 * column, the mapping from the trace's normalised or milli units to Mesos resource text, seeded
 * sampling by id, and the tallies an import reports. Pure: the importers' IO (files, gzip, CSV
 * framing, sorting) is in src/cli/import/.
 */

/** A problem with one field of a row, reported as `file:line: column: problem`. */
export class RowProblem extends Error {
  readonly column: string;
  constructor(column: string, problem: string) {
    super(problem);
    this.column = column;
  }
}

/** One CSV row with its column names (the trace's schema order), read field by field. */
export class Row {
  readonly #fields: readonly string[];
  readonly #columns: readonly string[];

  constructor(fields: readonly string[], columns: readonly string[]) {
    this.#fields = fields;
    this.#columns = columns;
  }

  /** The raw text of column `i` ('' when the row is short). */
  text(i: number): string {
    return (this.#fields[i] ?? '').trim();
  }

  /** Whether column `i` is empty. */
  empty(i: number): boolean {
    return this.text(i) === '';
  }

  /** Column `i` as a number (an integer when `integer`); empty is a problem. */
  number(i: number, integer = false): number {
    const t = this.text(i);
    if (t === '') throw new RowProblem(this.name(i), 'missing (the schema requires it)');
    const n = Number(t);
    if (!Number.isFinite(n) || (integer && !/^-?\d+$/u.test(t))) {
      throw new RowProblem(this.name(i), `expected ${integer ? 'a whole number' : 'a number'}, got "${t}"`);
    }
    return n;
  }

  /** Column `i` as a number, or undefined when empty. */
  optionalNumber(i: number): number | undefined {
    return this.empty(i) ? undefined : this.number(i);
  }

  /** The column's name, for messages. */
  name(i: number): string {
    return this.#columns[i] ?? `column ${i + 1}`;
  }

  /** A problem with column `i`. */
  problem(i: number, message: string): RowProblem {
    return new RowProblem(this.name(i), message);
  }
}

/** Mesos cpus text: thousandths (Mesos's precision), at least {@link MIN_CPUS}. */
export function cpusText(cpus: number): string {
  return String(Math.max(MIN_CPUS, Math.round(cpus * 1000) / 1000));
}

/** Mesos mem text: whole MB, at least {@link MIN_MEM_MB}. */
export function memText(mb: number): string {
  return String(Math.max(MIN_MEM_MB, Math.round(mb)));
}

/**
 * Mesos's smallest task (src/master/constants.hpp MIN_CPUS 0.01, MIN_MEM 32 MB): a request the
 * trace leaves empty or at zero becomes this, since Mesos refuses a task that asks for nothing.
 */
export const MIN_CPUS = 0.01;
export const MIN_MEM_MB = 32;

/**
 * Whether the entity with `id` is in a sample of `fraction` (0 < fraction ≤ 1) drawn with
 * `seed`: a hash of both, so the same id is always in or out (a machine's every event, a job's
 * every task) and another seed draws another sample.
 */
export function sampled(id: string, fraction: number, seed: number): boolean {
  if (fraction >= 1) return true;
  // FNV-1a, 32 bits, over the seed and the id.
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 2 ** 32 < fraction;
}

/** Counts by reason, printed in the import's summary. */
export class Tally {
  readonly #counts = new Map<string, number>();

  add(reason: string, n = 1): void {
    this.#counts.set(reason, (this.#counts.get(reason) ?? 0) + n);
  }

  get(reason: string): number {
    return this.#counts.get(reason) ?? 0;
  }

  /** The counts, by reason in first-seen order. */
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}

/** The window of trace time imported, in seconds: [from, to). */
export interface Window {
  readonly fromS: number;
  readonly toS: number;
}

/** Options every importer takes. */
export interface ImportOptions {
  readonly window: Window;
  /** Fraction of machines kept (by a seeded hash of their id). */
  readonly sampleMachines: number;
  /** Fraction of jobs kept (likewise). */
  readonly sampleJobs: number;
  readonly seed: number;
  /** What 1.0 of a normalised CPU capacity or request is, in cpus (Google 2011). */
  readonly machineCpus: number;
  /** What 1.0 (Google) or 100 (Alibaba 2018) of normalised memory is, in MB. */
  readonly machineMemMb: number;
  /** What becomes a framework. */
  readonly frameworksBy: string;
}

/** A trace task as an importer writes it (one line of the task file). */
export interface TaskRecord {
  at: number;
  framework: string;
  id: string;
  resources: string;
  duration?: number;
  outcome?: string;
  scheduled?: number;
  band?: string;
  group?: string;
  after?: string[];
  constraints?: string[][];
}

/** Seconds rounded to the microsecond, as scenario times are. */
export function seconds(s: number): number {
  return Math.round(s * 1e6) / 1e6;
}
