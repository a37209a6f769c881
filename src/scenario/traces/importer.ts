/**
 * The contract between a trace format's mapping (pure, one file per format in this folder) and
 * the import driver that does the IO (src/cli/import/): the driver reads each input file's CSV
 * rows in the order the importer asks for, hands them over one at a time, sorts what the
 * importer emits by submission time with bounded memory, and writes the scenario and its task
 * file. An importer keeps only what it must (machines; tasks submitted and not yet ended).
 */
import type { ScenarioFile } from '../schema.js';
import type { Row, TaskRecord } from './rows.js';

/** Receives the importer's task records, in any order (the driver sorts them by `at`). */
export type Emit = (task: TaskRecord) => void;

/** Receives records to group by key (the driver sorts them by key, then hands each group back). */
export type EmitKeyed = (key: string, item: unknown) => void;

/** One trace format's mapping. */
export interface TraceImporter {
  /** `google-2011`, `alibaba-2018`, `alibaba-gpu-2023`. */
  readonly format: string;
  /** The tables, in the order their files are read. */
  readonly tables: readonly string[];
  /** The columns of `table`, in the schema's order (for messages). */
  columns(table: string): readonly string[];
  /** Whether `table`'s files have a header line to skip. */
  hasHeader(table: string): boolean;
  /**
   * Which table `path` holds, from its name, or undefined. `index` is the file's place among the
   * inputs (formats whose files are named by position, such as openb's node list then pod list).
   */
  tableOf(path: string, index: number): string | undefined;
  /** One row of `table` (throws a RowProblem for a bad row). */
  row(table: string, row: Row, emit: Emit, emitKeyed: EmitKeyed): void;
  /** Every row has been read: emit what is still open. */
  end(emit: Emit): void;
  /** One group of keyed items (after `end`), in key order; items in the order emitted. */
  group?(key: string, items: readonly unknown[], emit: Emit): void;
  /** The scenario, once every task has been emitted, referring to the task file by `tasksFile`. */
  scenario(name: string, tasksFile: string, untilS: number): ScenarioFile;
  /** What was read and mapped, and what was left out and why. */
  report(): Record<string, unknown>;
}
