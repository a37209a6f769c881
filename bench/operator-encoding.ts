/**
 * The operator API's answer encodings side by side: a master GET_STATE Response of `tasks` tasks
 * (two statuses with a container status each, two resources) on `agents` agents, written as JSON
 * text and as protobuf bytes (`encodeAs`, src/runtime/live/protobuf/content-types.ts, what
 * `/api/v1` does for each answer and each SUBSCRIBE record), and the size of each. Prints per-run
 * figures and medians: wall and CPU milliseconds per answer.
 *
 * Usage: node --import tsx bench/operator-encoding.ts [--tasks 1000] [--agents 100] [--ops 50] [--runs 5]
 */
import { performance } from 'node:perf_hooks';
import { protobufType } from '../src/runtime/live/protobuf/codec.js';
import { type BodyFormat, encodeAs } from '../src/runtime/live/protobuf/content-types.js';
import { benchArgs } from './args.js';

const values = benchArgs(
  'node --import tsx bench/operator-encoding.ts [--tasks 1000] [--agents 100] [--ops 50] [--runs 5]',
  {
    tasks: { type: 'string', default: '1000' },
    agents: { type: 'string', default: '100' },
    ops: { type: 'string', default: '50' },
    runs: { type: 'string', default: '5' },
  },
);
const taskCount = Number(values.tasks);
const agentCount = Number(values.agents);
const ops = Number(values.ops);
const runs = Number(values.runs);

const loadStart = performance.now();
protobufType('mesos.v1.master.Response');
const loadMs = performance.now() - loadStart;

const scalar = (name: string, value: number) => ({ name, type: 'SCALAR', scalar: { value } });
const resources = [
  { ...scalar('cpus', 0.1), role: '*', allocation_info: { role: 'web' } },
  { ...scalar('mem', 16), role: '*', allocation_info: { role: 'web' } },
];
const frameworkId = { value: 'f3c3a1e4-0000-4000-8000-000000000000-0000' };
const agentId = (i: number) => ({ value: `f3c3a1e4-0000-4000-8000-000000000000-S${i}` });
const status = (i: number, state: string, at: number) => ({
  task_id: { value: `task-${i}` },
  state,
  source: 'SOURCE_EXECUTOR',
  agent_id: agentId(i % agentCount),
  executor_id: { value: `task-${i}` },
  timestamp: 1796438517.5 + at,
  uuid: Buffer.from(`uuid-${i}-${state}`.padEnd(16, '.')).toString('base64'),
  container_status: {
    container_id: { value: `c-${i}` },
    network_infos: [{ ip_addresses: [{ ip_address: '127.0.0.1' }] }],
  },
});
const state = {
  type: 'GET_STATE',
  get_state: {
    get_tasks: {
      tasks: Array.from({ length: taskCount }, (_, i) => ({
        name: `task-${i}`,
        task_id: { value: `task-${i}` },
        framework_id: frameworkId,
        agent_id: agentId(i % agentCount),
        state: 'TASK_RUNNING',
        resources,
        statuses: [status(i, 'TASK_STARTING', 0), status(i, 'TASK_RUNNING', 0.01)],
        status_update_state: 'TASK_RUNNING',
      })),
    },
    get_agents: {
      agents: Array.from({ length: agentCount }, (_, i) => ({
        agent_info: {
          hostname: `host-${i}`,
          port: 5051,
          id: agentId(i),
          resources: [scalar('cpus', 8), scalar('mem', 16384)],
        },
        active: true,
        pid: `slave(1)@10.0.0.${i % 250}:5051`,
        version: '0.1.0',
        registered_time: { nanoseconds: 1796438517000000000 },
        total_resources: [scalar('cpus', 8), scalar('mem', 16384)],
      })),
    },
    get_frameworks: {
      frameworks: [
        {
          framework_info: { user: 'u', name: 'f', id: frameworkId, roles: ['web'] },
          active: true,
          connected: true,
          recovered: false,
        },
      ],
    },
    get_executors: {},
  },
};

function measure(format: BodyFormat): { wallMs: number; cpuMs: number; bytes: number } {
  let bytes = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < ops; i++) bytes = encodeAs(format, state, 'mesos.v1.master.Response').length;
  const wallMs = (performance.now() - start) / ops;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 / ops, bytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const results: Record<BodyFormat, { wall: number[]; cpu: number[]; bytes: number }> = {
  json: { wall: [], cpu: [], bytes: 0 },
  protobuf: { wall: [], cpu: [], bytes: 0 },
};
measure('json');
measure('protobuf');
console.log(
  `schemas loaded in ${loadMs.toFixed(0)} ms; GET_STATE of ${taskCount} tasks on ${agentCount} agents`,
);
for (let run = 1; run <= runs; run++) {
  for (const format of ['json', 'protobuf'] as const) {
    const r = measure(format);
    results[format].wall.push(r.wallMs);
    results[format].cpu.push(r.cpuMs);
    results[format].bytes = r.bytes;
    console.log(
      `run ${run} ${format.padEnd(8)} ${r.wallMs.toFixed(2)} ms wall, ${r.cpuMs.toFixed(2)} ms CPU per answer`,
    );
  }
}
for (const format of ['json', 'protobuf'] as const) {
  const r = results[format];
  console.log(
    `median ${format.padEnd(8)} ${median(r.wall).toFixed(2)} ms wall, ${median(r.cpu).toFixed(2)} ms CPU per answer, ${r.bytes} bytes`,
  );
}
