/**
 * Alibaba cluster-trace-v2018 to a scenario. Tables (CSV, no header; schema.txt's column order,
 * which the data follows): `machine_meta` (machine_id, time_stamp, failure_domain_1,
 * failure_domain_2, cpu_num, mem_size, status), `batch_task` (task_name, instance_num,
 * job_name, task_type, status, start_time, end_time, plan_cpu, plan_mem) and, optionally,
 * `batch_instance` (instance_name, task_name, job_name, task_type, status, start_time,
 * end_time, machine_id, seq_no, total_seq_no, cpu_avg, cpu_max, mem_avg, mem_max). Times are
 * seconds from the trace's start; 0 means unknown.
 *
 * Mapping:
 * - a machine (its first row) becomes an agent (hostname its id, attributes `fd1` and `fd2`,
 *   its failure domains) with `cpus = cpu_num` and `mem = mem_size / 100 × machineMemMb`;
 * - a job arrives at the earliest start of its tasks; every task (a DAG stage) of the job is
 *   submitted then, and each of its instances is one trace task, in group `<job>/<n>`; a stage
 *   named `M5_3_4` waits for every instance of stages 3 and 4 of its job (the DAG is in the
 *   names); instances come from batch_instance when given (each its own duration and status),
 *   else `instance_num` copies of the task's duration and status;
 * - `plan_cpu` 100 is one core, `plan_mem` is normalised like machine memory; statuses
 *   Terminated → finished, Failed → failed, Cancelled and Interrupted → killed, Running → no end
 *   (it runs until the run ends); Waiting and Ready (never started) are left out;
 * - one framework `batch` (role `batch`), or one per task type (`type-<n>`).
 * Not available in this trace: when the scheduler placed each instance relative to its
 * submission (so no wait comparison), and users. Left out: online containers (container_meta),
 * usage, machine status changes after a machine's first row.
 *
 * Records are grouped by job through the import driver's external sort, so only one job is held
 * at a time.
 */
import type { AgentGroupInput, FrameworkInput, ScenarioFile } from '../schema.js';
import type { Emit, EmitKeyed, TraceImporter } from './importer.js';
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

const COLUMNS: Readonly<Record<string, readonly string[]>> = {
  machine_meta: [
    'machine_id',
    'time_stamp',
    'failure_domain_1',
    'failure_domain_2',
    'cpu_num',
    'mem_size',
    'status',
  ],
  batch_task: [
    'task_name',
    'instance_num',
    'job_name',
    'task_type',
    'status',
    'start_time',
    'end_time',
    'plan_cpu',
    'plan_mem',
  ],
  batch_instance: [
    'instance_name',
    'task_name',
    'job_name',
    'task_type',
    'status',
    'start_time',
    'end_time',
    'machine_id',
    'seq_no',
    'total_seq_no',
    'cpu_avg',
    'cpu_max',
    'mem_avg',
    'mem_max',
  ],
};

const STATUS: Readonly<Record<string, string | null | undefined>> = {
  Terminated: 'finished',
  Failed: 'failed',
  Cancelled: 'killed',
  Interrupted: 'killed',
  Running: null,
  Waiting: undefined,
  Ready: undefined,
};

/** A stage name's own number and the numbers it depends on (`M5_3_4` → 5, [3, 4]); else none. */
export function dagOf(taskName: string): { id: string; after: string[] } {
  const m = /^[A-Za-z]+(\d+)((?:_\d+)*)$/u.exec(taskName);
  if (m === null) return { id: taskName, after: [] };
  return { id: m[1] as string, after: (m[2] as string).split('_').filter((s) => s !== '') };
}

interface TaskItem {
  readonly k: 't';
  readonly name: string;
  readonly n: number;
  readonly type: string;
  readonly status: string;
  readonly start: number;
  readonly end: number;
  readonly cpu: number | undefined;
  readonly mem: number | undefined;
}

interface InstanceItem {
  readonly k: 'i';
  readonly name: string;
  readonly task: string;
  readonly status: string;
  readonly start: number;
  readonly end: number;
}

/** The Alibaba 2018 importer. */
export class Alibaba2018Importer implements TraceImporter {
  readonly format = 'alibaba-2018';
  readonly tables = ['machine_meta', 'batch_task', 'batch_instance'] as const;
  readonly #o: ImportOptions;
  readonly #machines = new Set<string>();
  readonly #agents: AgentGroupInput[] = [];
  readonly #shapes: { cpus: number; mem: number }[] = [];
  readonly #frameworks = new Map<string, FrameworkInput>();
  readonly #left = new Tally();
  readonly #outcomes = new Tally();
  #tasks = 0;
  #jobs = 0;

  constructor(options: ImportOptions) {
    this.#o = options;
  }

  columns(table: string): readonly string[] {
    return COLUMNS[table] ?? [];
  }

  hasHeader(): boolean {
    return false;
  }

  tableOf(path: string): string | undefined {
    return this.tables.find((t) => path.includes(t));
  }

  row(table: string, row: Row, _emit: Emit, emitKeyed: EmitKeyed): void {
    if (table === 'machine_meta') this.#machine(row);
    else if (table === 'batch_task') this.#task(row, emitKeyed);
    else this.#instance(row, emitKeyed);
  }

  #machine(row: Row): void {
    const id = row.text(0);
    if (id === '') throw row.problem(0, 'missing (the machine id)');
    row.number(1, true);
    const cpus = row.number(4);
    const mem = row.number(5);
    if (this.#machines.has(id)) return;
    this.#machines.add(id);
    if (!sampled(`machine:${id}`, this.#o.sampleMachines, this.#o.seed)) return;
    if (cpus <= 0 || mem <= 0) {
      this.#left.add('machines with no capacity');
      return;
    }
    const memMb = (mem / 100) * this.#o.machineMemMb;
    this.#shapes.push({ cpus, mem: memMb });
    const clean = (s: string) => s.replace(/[^A-Za-z0-9._-]/gu, '_') || 'none';
    this.#agents.push({
      resources: `cpus:${cpusText(cpus)};mem:${memText(memMb)}`,
      hostname: clean(id),
      attributes: `fd1:${clean(row.text(2))};fd2:${clean(row.text(3))}`,
    });
  }

  #task(row: Row, emitKeyed: EmitKeyed): void {
    const name = row.text(0);
    if (name === '') throw row.problem(0, 'missing (the task name)');
    const n = row.number(1, true);
    if (n < 0) throw row.problem(1, `must not be negative, got ${n}`);
    const job = row.text(2);
    if (job === '') throw row.problem(2, 'missing (the job name)');
    const status = row.text(4);
    if (!(status in STATUS)) throw row.problem(4, `unknown status "${status}"`);
    const item: TaskItem = {
      k: 't',
      name,
      n,
      type: row.text(3),
      status,
      start: row.optionalNumber(5) ?? 0,
      end: row.optionalNumber(6) ?? 0,
      cpu: row.optionalNumber(7),
      mem: row.optionalNumber(8),
    };
    if (!sampled(`job:${job}`, this.#o.sampleJobs, this.#o.seed)) return;
    emitKeyed(job, item);
  }

  #instance(row: Row, emitKeyed: EmitKeyed): void {
    const task = row.text(1);
    const job = row.text(2);
    if (task === '') throw row.problem(1, 'missing (the task name)');
    if (job === '') throw row.problem(2, 'missing (the job name)');
    const status = row.text(4);
    if (!(status in STATUS)) throw row.problem(4, `unknown status "${status}"`);
    if (!sampled(`job:${job}`, this.#o.sampleJobs, this.#o.seed)) return;
    const item: InstanceItem = {
      k: 'i',
      name: row.text(0),
      task,
      status,
      start: row.optionalNumber(5) ?? 0,
      end: row.optionalNumber(6) ?? 0,
    };
    emitKeyed(job, item);
  }

  group(job: string, items: readonly unknown[], emit: Emit): void {
    const tasks = new Map<string, TaskItem>();
    const instances = new Map<string, InstanceItem[]>();
    for (const raw of items as readonly (TaskItem | InstanceItem)[]) {
      if (raw.k === 't') tasks.set(raw.name, raw);
      else instances.set(raw.task, [...(instances.get(raw.task) ?? []), raw]);
    }
    const starts = [...tasks.values()].map((t) => t.start).filter((s) => s > 0);
    if (starts.length === 0) {
      this.#left.add('jobs with no known start');
      return;
    }
    const arrival = Math.min(...starts);
    const { fromS, toS } = this.#o.window;
    if (arrival < fromS || arrival >= toS) return;
    this.#jobs++;
    const at = seconds(arrival - fromS);
    for (const task of topological([...tasks.values()])) {
      const dag = dagOf(task.name);
      const cpus = (task.cpu ?? 0) / 100;
      const memMb = ((task.mem ?? 0) / 100) * this.#o.machineMemMb;
      if (!this.#shapes.some((s) => s.cpus >= Number(cpusText(cpus)) && s.mem >= Number(memText(memMb)))) {
        this.#left.add('tasks larger than every machine kept');
        continue;
      }
      const runs =
        instances
          .get(task.name)
          ?.map((i) => ({ status: i.status, start: i.start, end: i.end, id: i.name })) ??
        Array.from({ length: task.n }, (_, k) => ({
          status: task.status,
          start: task.start,
          end: task.end,
          id: `${k}`,
        }));
      const framework = this.#framework(task.type);
      for (const run of runs) {
        const outcome = STATUS[run.status];
        if (outcome === undefined) {
          this.#left.add('instances never started (Waiting or Ready)');
          continue;
        }
        const record: TaskRecord = {
          at,
          framework,
          id: `${job}.${task.name}.${run.id}`,
          resources: `cpus:${cpusText(cpus)};mem:${memText(memMb)}`,
          group: `${job}/${dag.id}`,
          ...(dag.after.length > 0 ? { after: dag.after.map((d) => `${job}/${d}`) } : {}),
        };
        if (outcome !== null) {
          if (!(run.start > 0 && run.end >= run.start)) {
            this.#left.add('instances with no known start or end');
            continue;
          }
          record.duration = run.end - run.start;
          record.outcome = outcome;
        }
        this.#outcomes.add(outcome ?? 'running at the end');
        this.#tasks++;
        emit(record);
      }
    }
  }

  #framework(type: string): string {
    const name =
      this.#o.frameworksBy === 'type' ? `type-${type.replace(/[^A-Za-z0-9]/gu, '') || 'x'}` : 'batch';
    if (!this.#frameworks.has(name)) this.#frameworks.set(name, { name, role: name });
    return name;
  }

  end(): void {}

  scenario(name: string, tasksFile: string, untilS: number): ScenarioFile {
    return {
      name,
      description: `Imported from Alibaba cluster-trace-v2018 (batch) by agora import; 100 of normalised memory = ${this.#o.machineMemMb} MB.`,
      until: untilS,
      agents: this.#agents,
      frameworks: [...this.#frameworks.values()],
      tasks: { file: tasksFile },
    };
  }

  report(): Record<string, unknown> {
    return {
      agents: this.#agents.length,
      frameworks: this.#frameworks.size,
      jobs: this.#jobs,
      tasks: this.#tasks,
      outcomes: this.#outcomes.toJSON(),
      leftOut: this.#left.toJSON(),
    };
  }
}

/** A job's stages, each after the stages it depends on (a cycle keeps file order for the rest). */
function topological(tasks: readonly TaskItem[]): TaskItem[] {
  const byId = new Map(tasks.map((t) => [dagOf(t.name).id, t]));
  const out: TaskItem[] = [];
  const state = new Map<TaskItem, 'visiting' | 'done'>();
  const visit = (t: TaskItem) => {
    if (state.has(t)) return;
    state.set(t, 'visiting');
    for (const d of dagOf(t.name).after) {
      const dep = byId.get(d);
      if (dep !== undefined) visit(dep);
    }
    state.set(t, 'done');
    out.push(t);
  };
  for (const t of tasks) visit(t);
  return out;
}
