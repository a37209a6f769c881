/**
 * Google cluster-data 2011 (clusterdata-2011-2) to a scenario. Tables (CSV, no header; schema
 * from Google's "format + schema" document, see /work/shared/reference/anchors.md §4.1):
 * `machine_events` (time, machine ID, event type, platform ID, CPUs, memory), `job_events`
 * (read for its rows' checks only: everything a task needs is on its own events) and
 * `task_events` (time, missing info, job ID, task index, machine ID, event type, user,
 * scheduling class, priority, CPU request, memory request, disk space request, different-machines
 * restriction). Times are µs; 0 is "before the window" (a snapshot), 2^63 − 1 "after it".
 *
 * Mapping:
 * - a machine becomes an agent (hostname `m<id>`, attribute `platform:<id>`) with
 *   `cpus = CPUs × machineCpus` and `mem = memory × machineMemMb` (capacities are normalised to
 *   the largest machine); ADD at or before the window's start is an initial agent, a later ADD
 *   an agent that starts then (or `agent-add` when it comes back), REMOVE `agent-remove`, UPDATE
 *   with a new capacity `agent-resize` (a new agent, as Mesos needs; see ClusterEventSpec);
 * - each life of a task from SUBMIT to its end is one trace task: submitted at SUBMIT, running
 *   from SCHEDULE to EVICT/FAIL/FINISH/KILL/LOST for that long, ending as the trace says
 *   (`evicted`, `failed`, `finished`, `killed`, `lost`). A task resubmitted after dying is a new
 *   trace task at its new SUBMIT (the simulator does not retry, so the trace's retries replay
 *   as recorded); its id carries the submit time (`<job>.<index>@<s>`);
 * - requests are normalised like capacities and scaled the same way; UPDATE events change them;
 *   one never given becomes Mesos's minimum (0.01 cpus, 32 MB);
 * - priority bands become roles (`free` 0–1, `batch` 2–8, `production` 9–11, `monitoring` 12+)
 *   and the comparison's bands; users (first-seen order, `u<n>`) or scheduling classes
 *   (`class<n>`) become frameworks, one per band they use (`u7-production`);
 * - the different-machines restriction becomes `["hostname", "UNIQUE"]` within the job;
 * - `scheduled` is SCHEDULE − SUBMIT when both are real transitions (no `missing info`, not a
 *   time-0 snapshot), for the wait comparison.
 * Left out: tasks that ended before they were ever scheduled (withdrawn or killed while pending:
 * they never used the cluster), disk requests (the 2011 trace's disk is a fraction of a machine's
 * local disk with no capacity given), usage (task_usage), constraints other than
 * different-machines (the 2011 trace has none), machine attributes other than the platform.
 */
import type { AgentGroupInput, ClusterEventInput, FrameworkInput, ScenarioFile } from '../schema.js';
import type { Emit, TraceImporter } from './importer.js';
import {
  cpusText,
  type ImportOptions,
  memText,
  type Row,
  sampled,
  seconds,
  Tally,
  type TaskRecord,
} from './rows.js';

const MACHINE_COLUMNS = ['time', 'machine ID', 'event type', 'platform ID', 'CPUs', 'memory'];
const JOB_COLUMNS = [
  'time',
  'missing info',
  'job ID',
  'event type',
  'user',
  'scheduling class',
  'job name',
  'logical job name',
];
const TASK_COLUMNS = [
  'time',
  'missing info',
  'job ID',
  'task index',
  'machine ID',
  'event type',
  'user',
  'scheduling class',
  'priority',
  'CPU request',
  'memory request',
  'disk space request',
  'different-machines restriction',
];

/** 2^63 − 1 µs: "after the trace window" (it reads as 9223372036854775807 and parses to 2^63). */
const AFTER_WINDOW_US = 2 ** 63;

const TASK_END = { 2: 'evicted', 3: 'failed', 4: 'finished', 5: 'killed', 6: 'lost' } as const;

/** The band of a Google 2011 priority (0–11; some copies of the schema go to 12). */
export function priorityBand(priority: number): string {
  if (priority <= 1) return 'free';
  if (priority <= 8) return 'batch';
  if (priority <= 11) return 'production';
  return 'monitoring';
}

interface Machine {
  readonly index: number;
  cpus: number;
  mem: number;
  readonly platform: string;
  up: boolean;
  /** Seconds (simulated) when it first started; 0 for an initial agent. */
  readonly startS: number;
}

interface OpenTask {
  readonly job: string;
  readonly index: string;
  /** Simulated seconds. */
  readonly submitS: number;
  readonly submitKnown: boolean;
  scheduleS: number | undefined;
  scheduleKnown: boolean;
  user: string;
  schedClass: string;
  priority: number;
  cpu: number | undefined;
  mem: number | undefined;
  unique: boolean;
}

/** The Google 2011 importer. */
export class Google2011Importer implements TraceImporter {
  readonly format = 'google-2011';
  readonly tables = ['machine_events', 'job_events', 'task_events'] as const;
  readonly #o: ImportOptions;
  readonly #machines = new Map<string, Machine>();
  readonly #agents: AgentGroupInput[] = [];
  readonly #events: ClusterEventInput[] = [];
  readonly #open = new Map<string, OpenTask>();
  readonly #users = new Map<string, string>();
  readonly #frameworks = new Map<string, FrameworkInput>();
  readonly #left = new Tally();
  /** Distinct machine capacities (normalised), to leave out tasks no machine could hold. */
  readonly #shapes = new Set<string>();
  readonly #outcomes = new Tally();
  #jobRows = 0;
  #tasks = 0;
  #windowDone = false;

  constructor(options: ImportOptions) {
    this.#o = options;
  }

  columns(table: string): readonly string[] {
    return table === 'machine_events' ? MACHINE_COLUMNS : table === 'job_events' ? JOB_COLUMNS : TASK_COLUMNS;
  }

  hasHeader(): boolean {
    return false;
  }

  tableOf(path: string): string | undefined {
    return this.tables.find((t) => path.includes(t));
  }

  row(table: string, row: Row, emit: Emit): void {
    if (table === 'machine_events') this.#machineRow(row);
    else if (table === 'job_events') this.#jobRow(row);
    else this.#taskRow(row, emit);
  }

  /** Simulated seconds of trace time `us`, or undefined after the window. */
  #simS(row: Row, i: number): number | undefined {
    const us = row.number(i, true);
    if (us < 0) throw row.problem(i, `must not be negative, got ${us}`);
    if (us >= AFTER_WINDOW_US) return undefined;
    const s = us / 1e6;
    if (s >= this.#o.window.toS) return undefined;
    return seconds(Math.max(0, s - this.#o.window.fromS));
  }

  #machineRow(row: Row): void {
    const at = this.#simS(row, 0);
    const id = row.text(1);
    row.number(1, true);
    const type = row.number(2, true);
    if (type < 0 || type > 2) throw row.problem(2, `expected 0 (ADD), 1 (REMOVE) or 2 (UPDATE), got ${type}`);
    if (at === undefined || !sampled(`machine:${id}`, this.#o.sampleMachines, this.#o.seed)) return;
    const cpus = row.optionalNumber(4);
    const mem = row.optionalNumber(5);
    const m = this.#machines.get(id);
    if (type === 0) {
      if (m !== undefined) {
        if (m.up) return;
        m.up = true;
        if (cpus !== undefined && mem !== undefined && (cpus !== m.cpus || mem !== m.mem)) {
          this.#events.push({
            at,
            kind: 'agent-resize',
            agent: m.index,
            resources: this.#resources(cpus, mem),
          });
          m.cpus = cpus;
          m.mem = mem;
        }
        this.#events.push({ at, kind: 'agent-add', agent: m.index });
        return;
      }
      if (cpus === undefined || mem === undefined || cpus <= 0 || mem <= 0) {
        this.#left.add('machines with no capacity given');
        return;
      }
      const platform = row.text(3) === '' ? 'unknown' : row.text(3);
      const machine: Machine = { index: this.#agents.length, cpus, mem, platform, up: true, startS: at };
      this.#shapes.add(`${cpus},${mem}`);
      this.#machines.set(id, machine);
      this.#agents.push({
        resources: this.#resources(cpus, mem),
        hostname: `m${id}`,
        attributes: `platform:${platform.replace(/[;:]/gu, '_')}`,
        ...(at > 0 ? { at } : {}),
      });
      return;
    }
    if (m === undefined) {
      this.#left.add('machine events before the machine was added');
      return;
    }
    if (type === 1) {
      if (!m.up) return;
      m.up = false;
      this.#events.push({ at, kind: 'agent-remove', agent: m.index });
      return;
    }
    if (
      cpus === undefined ||
      mem === undefined ||
      cpus <= 0 ||
      mem <= 0 ||
      (cpus === m.cpus && mem === m.mem)
    ) {
      this.#left.add('machine updates with no new capacity');
      return;
    }
    m.cpus = cpus;
    m.mem = mem;
    this.#shapes.add(`${cpus},${mem}`);
    this.#events.push({ at, kind: 'agent-resize', agent: m.index, resources: this.#resources(cpus, mem) });
  }

  /** Whether some machine could hold a task asking for `cpu` and `mem` (normalised). */
  #fits(cpu: number, mem: number): boolean {
    const c = Number(cpusText(cpu * this.#o.machineCpus));
    const m = Number(memText(mem * this.#o.machineMemMb));
    for (const shape of this.#shapes) {
      const [sc, sm] = shape.split(',').map(Number) as [number, number];
      if (Number(cpusText(sc * this.#o.machineCpus)) >= c && Number(memText(sm * this.#o.machineMemMb)) >= m)
        return true;
    }
    return false;
  }

  #resources(cpus: number, mem: number): string {
    return `cpus:${cpusText(cpus * this.#o.machineCpus)};mem:${memText(mem * this.#o.machineMemMb)}`;
  }

  #jobRow(row: Row): void {
    row.number(0, true);
    row.number(2, true);
    const type = row.number(3, true);
    if (type < 0 || type > 8) throw row.problem(3, `expected an event type from 0 to 8, got ${type}`);
    this.#jobRows++;
  }

  #taskRow(row: Row, emit: Emit): void {
    const us = row.number(0, true);
    const at = this.#simS(row, 0);
    const missing = !row.empty(1);
    const job = row.text(2);
    row.number(2, true);
    const index = row.text(3);
    row.number(3, true);
    const type = row.number(5, true);
    if (type < 0 || type > 8) throw row.problem(5, `expected an event type from 0 to 8, got ${type}`);
    const priority = row.number(8, true);
    const cpu = row.optionalNumber(9);
    const mem = row.optionalNumber(10);
    if (at === undefined) {
      // Past the window (or "after the window"): once the files' time passes it, every task
      // still open is left running (the run ends there anyway).
      if (us < AFTER_WINDOW_US) this.#windowDone = true;
      return;
    }
    if (!sampled(`job:${job}`, this.#o.sampleJobs, this.#o.seed)) return;
    const key = `${job}.${index}`;
    const open = this.#open.get(key);
    const real = !missing && us > 0 && us / 1e6 >= this.#o.window.fromS;
    switch (type) {
      case 0: {
        if (open !== undefined) {
          this.#left.add('SUBMIT of a task already submitted (kept the first)');
          return;
        }
        this.#user(row.text(6));
        this.#open.set(key, {
          job,
          index,
          submitS: at,
          submitKnown: real,
          scheduleS: undefined,
          scheduleKnown: false,
          user: row.text(6),
          schedClass: row.text(7),
          priority,
          cpu,
          mem,
          unique: row.text(12) === '1',
        });
        return;
      }
      case 1: {
        const task = open ?? this.#snapshot(key, job, index, row, priority, cpu, mem, at);
        task.scheduleS = at;
        task.scheduleKnown = real && task.submitKnown;
        return;
      }
      case 7:
      case 8:
        if (open !== undefined) {
          if (cpu !== undefined) open.cpu = cpu;
          if (mem !== undefined) open.mem = mem;
          open.priority = priority;
        }
        return;
      default: {
        if (open === undefined) {
          this.#left.add('task ends with no SUBMIT or SCHEDULE in the window');
          return;
        }
        this.#open.delete(key);
        if (open.scheduleS === undefined) {
          this.#left.add('tasks that ended before being scheduled');
          return;
        }
        this.#emit(open, TASK_END[type as keyof typeof TASK_END], at, emit);
      }
    }
  }

  /** A task first seen scheduled (a snapshot at time 0, or its SUBMIT lost): submitted then. */
  #snapshot(
    key: string,
    job: string,
    index: string,
    row: Row,
    priority: number,
    cpu: number | undefined,
    mem: number | undefined,
    at: number,
  ): OpenTask {
    this.#user(row.text(6));
    const task: OpenTask = {
      job,
      index,
      submitS: at,
      submitKnown: false,
      scheduleS: undefined,
      scheduleKnown: false,
      user: row.text(6),
      schedClass: row.text(7),
      priority,
      cpu,
      mem,
      unique: row.text(12) === '1',
    };
    this.#open.set(key, task);
    return task;
  }

  #emit(task: OpenTask, outcome: string | undefined, endS: number | undefined, emit: Emit): void {
    if (endS !== undefined && endS <= 0 && this.#o.window.fromS > 0) {
      this.#left.add('tasks that ended before the window');
      return;
    }
    if (!this.#fits(task.cpu ?? 0, task.mem ?? 0)) {
      this.#left.add('tasks larger than every machine kept');
      return;
    }
    const band = priorityBand(task.priority);
    const framework = this.#framework(task, band);
    if (task.cpu === undefined || task.mem === undefined)
      this.#left.add('tasks with no request given (Mesos minimum used)');
    const record: TaskRecord = {
      at: task.submitS,
      framework,
      id: `${task.job}.${task.index}@${task.submitS}`,
      resources: `cpus:${cpusText((task.cpu ?? 0) * this.#o.machineCpus)};mem:${memText((task.mem ?? 0) * this.#o.machineMemMb)}`,
      band,
      group: task.job,
    };
    const scheduleS = task.scheduleS as number;
    if (endS !== undefined && outcome !== undefined) {
      record.duration = seconds(endS - scheduleS);
      record.outcome = outcome;
      this.#outcomes.add(outcome);
    } else {
      this.#outcomes.add('running at the end');
    }
    if (task.scheduleKnown) record.scheduled = scheduleS;
    if (task.unique) record.constraints = [['hostname', 'UNIQUE']];
    this.#tasks++;
    emit(record);
  }

  #framework(task: OpenTask, band: string): string {
    const who =
      this.#o.frameworksBy === 'class'
        ? `class${task.schedClass === '' ? 'x' : task.schedClass}`
        : this.#user(task.user);
    const name = `${who}-${band}`;
    if (!this.#frameworks.has(name)) this.#frameworks.set(name, { name, role: band });
    return name;
  }

  /** `u<n>`, numbered in the order users are first seen submitting. */
  #user(hash: string): string {
    let u = this.#users.get(hash);
    if (u === undefined) {
      u = `u${this.#users.size}`;
      this.#users.set(hash, u);
    }
    return u;
  }

  end(emit: Emit): void {
    for (const task of this.#open.values()) {
      if (task.scheduleS === undefined && !this.#fits(task.cpu ?? 0, task.mem ?? 0)) {
        this.#left.add('tasks larger than every machine kept');
      } else if (task.scheduleS === undefined) {
        // Pending when the trace (or window) ended: submitted and waiting, so it is replayed
        // as submitted; it runs until the run ends if it is ever launched.
        this.#left.add('tasks still pending at the end (replayed as pending, never ending)');
        const band = priorityBand(task.priority);
        this.#tasks++;
        this.#outcomes.add('pending at the end');
        emit({
          at: task.submitS,
          framework: this.#framework(task, band),
          id: `${task.job}.${task.index}@${task.submitS}`,
          resources: `cpus:${cpusText((task.cpu ?? 0) * this.#o.machineCpus)};mem:${memText((task.mem ?? 0) * this.#o.machineMemMb)}`,
          band,
          group: task.job,
          ...(task.unique ? { constraints: [['hostname', 'UNIQUE']] } : {}),
        });
      } else this.#emit(task, undefined, undefined, emit);
    }
    this.#open.clear();
  }

  scenario(name: string, tasksFile: string, untilS: number): ScenarioFile {
    return {
      name,
      description:
        `Imported from Google cluster-data 2011 by agora import (window ${this.#o.window.fromS}-${this.#o.window.toS} s of trace time, ` +
        `machines sampled ${this.#o.sampleMachines}, jobs ${this.#o.sampleJobs}, 1.0 CPU = ${this.#o.machineCpus} cpus, 1.0 memory = ${this.#o.machineMemMb} MB).`,
      until: untilS,
      agents: this.#agents,
      frameworks: [...this.#frameworks.values()],
      cluster: this.#events,
      tasks: { file: tasksFile },
    };
  }

  report(): Record<string, unknown> {
    return {
      agents: this.#agents.length,
      clusterEvents: this.#events.length,
      frameworks: this.#frameworks.size,
      tasks: this.#tasks,
      outcomes: this.#outcomes.toJSON(),
      jobEventRows: this.#jobRows,
      leftOut: this.#left.toJSON(),
      windowEndReached: this.#windowDone,
    };
  }
}
