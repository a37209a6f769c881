/**
 * Alibaba cluster-trace-gpu-v2023 ("openb", the ATC'23 GPU-sharing trace) to a scenario. Two CSV
 * files with headers: the node list (`sn, cpu_milli, memory_mib, gpu, model`) and the pod list
 * (`name, cpu_milli, memory_mib, num_gpu, gpu_milli, gpu_spec, qos, pod_phase, creation_time,
 * deletion_time, scheduled_time`; times in seconds). The node list comes first on the command
 * line, then the pod list.
 *
 * Mapping:
 * - a node becomes an agent (hostname its `sn`) with `cpus = cpu_milli / 1000`,
 *   `mem = memory_mib`, `gpus = gpu`, and its GPU model as the attribute `gpu_model`;
 * - a pod becomes a trace task submitted at `creation_time`, running from `scheduled_time` to
 *   `deletion_time`, `finished` when it Succeeded, `failed` when it Failed, `killed` when it was
 *   deleted while Running (a Kubernetes pod deletion is a kill); Pending pods (never scheduled)
 *   are left out; `scheduled` is kept for the wait comparison (except for pods created at 0,
 *   which were there before the trace began);
 * - `gpu_spec` (`V100M16|V100M32`) becomes `["gpu_model", "IN", "{V100M16,V100M32}"]`;
 * - QoS classes (LS, BE, Burstable, Guaranteed) become roles and the comparison's bands, and
 *   one framework each (`qos-ls`), with GPU_RESOURCES when any of its pods asks for a GPU;
 * - **fractional GPUs**: `gpu_milli` below 1000 (a share of one GPU) is rounded up to one whole
 *   GPU. Mesos's `gpus` resource is a count of whole devices (the Nvidia GPU isolator hands a
 *   container whole devices, and the master refuses fractional `gpus`), so a shared GPU cannot
 *   be expressed; a custom scalar resource could count milli-GPUs, but nothing in Mesos would
 *   isolate or place by it, and the GPU filter and GPU_RESOURCES would not apply. Rounding up
 *   keeps what Mesos can do: such pods take a whole GPU each, so the simulated GPU demand is
 *   higher than the trace's (the import reports by how much).
 */
import type { AgentGroupInput, FrameworkInput, ScenarioFile } from '../schema.js';
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

const NODE_COLUMNS = ['sn', 'cpu_milli', 'memory_mib', 'gpu', 'model'];
const POD_COLUMNS = [
  'name',
  'cpu_milli',
  'memory_mib',
  'num_gpu',
  'gpu_milli',
  'gpu_spec',
  'qos',
  'pod_phase',
  'creation_time',
  'deletion_time',
  'scheduled_time',
];

const PHASES: Readonly<Record<string, string | undefined>> = {
  Succeeded: 'finished',
  Failed: 'failed',
  Running: 'killed',
  Pending: undefined,
};

/** The openb importer. */
export class AlibabaGpu2023Importer implements TraceImporter {
  readonly format = 'alibaba-gpu-2023';
  readonly tables = ['nodes', 'pods'] as const;
  readonly #o: ImportOptions;
  readonly #agents: AgentGroupInput[] = [];
  readonly #shapes: { cpus: number; mem: number; gpus: number; model: string }[] = [];
  readonly #frameworks = new Map<string, FrameworkInput & { gpu: boolean }>();
  readonly #left = new Tally();
  readonly #outcomes = new Tally();
  #tasks = 0;
  #fractional = 0;
  #fractionalMilli = 0;
  #gpuMilliAsked = 0;
  #gpusGiven = 0;

  constructor(options: ImportOptions) {
    this.#o = options;
  }

  columns(table: string): readonly string[] {
    return table === 'nodes' ? NODE_COLUMNS : POD_COLUMNS;
  }

  hasHeader(): boolean {
    return true;
  }

  /** The node list first, then the pod list (by position; names also tell them apart). */
  tableOf(path: string, index: number): string | undefined {
    if (/node/iu.test(basename(path))) return 'nodes';
    if (/pod/iu.test(basename(path))) return 'pods';
    return index === 0 ? 'nodes' : index === 1 ? 'pods' : undefined;
  }

  row(table: string, row: Row, emit: Emit): void {
    if (table === 'nodes') this.#node(row);
    else this.#pod(row, emit);
  }

  #node(row: Row): void {
    const sn = row.text(0);
    if (sn === '') throw row.problem(0, 'missing (the node name)');
    const cpus = row.number(1) / 1000;
    const mem = row.number(2);
    const gpus = row.number(3, true);
    if (cpus <= 0 || mem <= 0) throw row.problem(cpus <= 0 ? 1 : 2, 'must be positive');
    if (gpus < 0) throw row.problem(3, `must not be negative, got ${gpus}`);
    if (!sampled(`machine:${sn}`, this.#o.sampleMachines, this.#o.seed)) return;
    const model = row.text(4) === '' || row.text(4) === 'nan' ? '' : row.text(4);
    this.#shapes.push({ cpus, mem, gpus, model });
    this.#agents.push({
      resources: `cpus:${cpusText(cpus)};mem:${memText(mem)}${gpus > 0 ? `;gpus:${gpus}` : ''}`,
      hostname: sn.replace(/[^A-Za-z0-9._-]/gu, '_'),
      ...(gpus > 0 && model !== '' ? { attributes: `gpu_model:${model.replace(/[;:]/gu, '_')}` } : {}),
    });
  }

  #pod(row: Row, emit: Emit): void {
    const name = row.text(0);
    const cpus = row.number(1) / 1000;
    const mem = row.number(2);
    const numGpu = row.number(3, true);
    const gpuMilli = row.empty(4) ? 0 : row.number(4, true);
    const spec = row.text(5) === 'nan' ? '' : row.text(5);
    const qos = row.text(6);
    if (qos === '') throw row.problem(6, 'missing (the QoS class)');
    const phase = row.text(7);
    if (!(phase in PHASES))
      throw row.problem(7, `expected Succeeded, Failed, Running or Pending, got "${phase}"`);
    const created = row.number(8);
    const deleted = row.optionalNumber(9);
    const scheduled = row.optionalNumber(10);
    if (numGpu < 0 || numGpu > 64) throw row.problem(3, `expected 0 to 64 GPUs, got ${numGpu}`);
    if (gpuMilli < 0 || gpuMilli > 1000) throw row.problem(4, `expected 0 to 1000, got ${gpuMilli}`);
    const { fromS, toS } = this.#o.window;
    if (created < fromS || created >= toS) return;
    if (!sampled(`job:${name}`, this.#o.sampleJobs, this.#o.seed)) return;
    const outcome = PHASES[phase];
    if (outcome === undefined || scheduled === undefined) {
      this.#left.add('pods never scheduled (Pending)');
      return;
    }
    if (deleted === undefined || deleted < scheduled)
      throw row.problem(9, `must not be before scheduled_time (${scheduled})`);
    if (scheduled < created) throw row.problem(10, `must not be before creation_time (${created})`);
    // Whole GPUs only (see the module comment): a share of one GPU takes a whole one.
    const gpus = numGpu === 0 ? 0 : numGpu;
    if (numGpu === 1 && gpuMilli > 0 && gpuMilli < 1000) {
      this.#fractional++;
      this.#fractionalMilli += gpuMilli;
    }
    this.#gpuMilliAsked += numGpu === 1 ? (gpuMilli === 0 ? 1000 : gpuMilli) : numGpu * 1000;
    this.#gpusGiven += gpus;
    const models = spec === '' ? [] : spec.split('|').filter((m) => m !== '');
    if (!this.#fits(cpus, mem, gpus, models)) {
      this.#left.add('pods larger than every node kept (or no node of their GPU model)');
      return;
    }
    const band = qos;
    const framework = this.#framework(qos, gpus > 0);
    const record: TaskRecord = {
      at: seconds(created - fromS),
      framework,
      id: name,
      resources: `cpus:${cpusText(cpus)};mem:${memText(mem)}${gpus > 0 ? `;gpus:${gpus}` : ''}`,
      duration: seconds(deleted - scheduled),
      outcome,
      band,
      ...(created > 0 ? { scheduled: seconds(scheduled - fromS) } : {}),
      ...(models.length > 0 ? { constraints: [['gpu_model', 'IN', `{${models.join(',')}}`]] } : {}),
    };
    this.#outcomes.add(outcome);
    this.#tasks++;
    emit(record);
  }

  #fits(cpus: number, mem: number, gpus: number, models: readonly string[]): boolean {
    return this.#shapes.some(
      (s) =>
        s.cpus >= cpus &&
        s.mem >= Math.round(mem) &&
        s.gpus >= gpus &&
        (models.length === 0 || models.includes(s.model)),
    );
  }

  #framework(qos: string, gpu: boolean): string {
    const name =
      this.#o.frameworksBy === 'one' ? 'openb' : `qos-${qos.toLowerCase().replace(/[^a-z0-9]/gu, '-')}`;
    const f = this.#frameworks.get(name);
    if (f === undefined) this.#frameworks.set(name, { name, role: name, gpu });
    else if (gpu) f.gpu = true;
    return name;
  }

  end(): void {}

  scenario(name: string, tasksFile: string, untilS: number): ScenarioFile {
    return {
      name,
      description: `Imported from Alibaba cluster-trace-gpu-v2023 (openb) by agora import; fractional GPU requests rounded up to whole GPUs.`,
      until: untilS,
      agents: this.#agents,
      frameworks: [...this.#frameworks.values()].map(({ gpu, ...f }) => ({
        ...f,
        ...(gpu ? { capabilities: ['GPU_RESOURCES'] } : {}),
      })),
      tasks: { file: tasksFile },
    };
  }

  report(): Record<string, unknown> {
    return {
      agents: this.#agents.length,
      gpuAgents: this.#shapes.filter((s) => s.gpus > 0).length,
      frameworks: this.#frameworks.size,
      tasks: this.#tasks,
      outcomes: this.#outcomes.toJSON(),
      fractionalGpuPods: this.#fractional,
      gpuDemand: {
        askedGpus: this.#gpuMilliAsked / 1000,
        givenWholeGpus: this.#gpusGiven,
        fractionalShareRoundedUp: this.#fractionalMilli / 1000,
      },
      leftOut: this.#left.toJSON(),
    };
  }
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
