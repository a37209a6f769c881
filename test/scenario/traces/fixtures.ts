/**
 * Small trace files written by hand in each format's schema (no trace data is copied): the
 * tests write them to a temporary folder, plain or gzipped, and check the import's exact counts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Writes `rows` (CSV lines) to `dir/name`, gzipped when the name ends in `.gz`. */
export function writeTable(dir: string, name: string, rows: readonly string[]): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  const text = `${rows.join('\n')}\n`;
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(text) : text);
  return path;
}

/** Google 2011 machine_events: 5 machines, one without capacity; a remove, a re-add, a resize. */
export const GOOGLE_MACHINES = [
  '0,1,0,P1,0.5,0.5',
  '0,2,0,P1,0.5,0.25',
  '0,3,0,P2,1,1',
  '0,4,0,P2,,',
  '100000000,5,0,P1,0.25,0.25',
  '200000000,2,1,,,',
  '300000000,2,0,P1,0.5,0.25',
  '400000000,3,2,P2,0.5,0.5',
];

/** Google 2011 job_events: two rows. */
export const GOOGLE_JOBS = ['0,,10,0,userA,0,name10,logical10', '10000000,,11,0,userB,2,name11,logical11'];

/**
 * Google 2011 task_events in two part files, in time order. Six task lives survive: job 10's
 * snapshot task (finished after 50 s), job 11's two tasks (different machines; one fails and is
 * resubmitted, then evicted; the other killed, its end marked missing info), job 13 (submitted
 * with missing info and no request, updated while running, never ends) and job 14 (never
 * scheduled). Job 12 is killed before it is scheduled and is left out.
 */
export const GOOGLE_TASKS_0 = [
  '0,,10,0,1,0,userA,0,9,0.125,0.0625,0.001,0',
  '0,,10,0,1,1,userA,0,9,0.125,0.0625,0.001,0',
  '10000000,,11,0,,0,userB,2,0,0.25,0.125,,1',
  '10000000,,11,1,,0,userB,2,0,0.25,0.125,,1',
  '12000000,,11,0,2,1,userB,2,0,0.25,0.125,,1',
  '15000000,,11,1,3,1,userB,2,0,0.25,0.125,,1',
  '20000000,,12,0,,0,userA,1,4,0.0625,0.03125,,0',
  '25000000,,12,0,,5,userA,1,4,0.0625,0.03125,,0',
  '30000000,,11,0,2,3,userB,2,0,0.25,0.125,,1',
  '35000000,,11,0,,0,userB,2,0,0.25,0.125,,1',
  '36000000,,11,0,3,1,userB,2,0,0.25,0.125,,1',
];
export const GOOGLE_TASKS_1 = [
  '40000000,1,13,0,,0,userC,3,11,,,,0',
  '41000000,,13,0,1,1,userC,3,11,,,,0',
  '45000000,,13,0,1,8,userC,3,11,0.5,0.25,,0',
  '50000000,,10,0,1,4,userA,0,9,0.125,0.0625,,0',
  '60000000,,11,0,3,2,userB,2,0,0.25,0.125,,1',
  '70000000,,14,0,,0,userA,0,9,0.125,0.0625,,0',
  '90000000,2,11,1,3,5,userB,2,0,,,,',
  '9223372036854775807,,14,0,,4,userA,0,9,,,,',
];

/** openb node list: two GPU nodes (V100M16, G2) and a CPU node. */
export const OPENB_NODES = [
  'sn,cpu_milli,memory_mib,gpu,model',
  'node-a,32000,262144,8,V100M16',
  'node-b,64000,524288,2,G2',
  'node-c,96000,786432,0,',
];

/**
 * openb pod list: a pre-trace LS pod (created at 0), a whole-GPU BE pod that succeeds, a pod
 * sharing 0.5 GPU with a GPU-type constraint that fails, a CPU pod deleted while running, a
 * Burstable 2-GPU pod, and a pod never scheduled (left out).
 */
export const OPENB_PODS = [
  'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time',
  'pod-0,4000,16384,1,1000,,LS,Running,0,5000,0',
  'pod-1,8000,32768,1,1000,,BE,Succeeded,100,700,130',
  'pod-2,2000,8192,1,500,V100M16|V100M32,LS,Failed,200,260,210',
  'pod-3,16000,65536,0,0,,LS,Running,300,1300,300',
  'pod-4,12000,49152,2,1000,,Burstable,Succeeded,400,1400,460',
  'pod-5,4000,16384,1,1000,,BE,Pending,500,560,',
];

/** Alibaba 2018 machine_meta: two machines (the second listed twice: only its first row counts). */
export const ALIBABA_MACHINES = [
  'm_1,0,1,2,96,100,USING',
  'm_2,0,1,3,64,50,USING',
  'm_2,5000,1,3,64,50,FAILURE',
];

/**
 * Alibaba 2018 batch_task: job j_1 is a DAG (M1 with 2 instances, M2 with 1, R3_1_2 after both),
 * job j_2 one independent task (named without a DAG), job j_3 never started (Waiting).
 */
export const ALIBABA_TASKS = [
  'R3_1_2,1,j_1,1,Terminated,250,300,100,0.5',
  'M1,2,j_1,1,Terminated,100,200,200,1',
  'M2,1,j_1,1,Failed,110,150,50,0.25',
  'task_abc,3,j_2,2,Terminated,500,560,100,1',
  'M1,1,j_3,1,Waiting,0,0,100,1',
];

/** Alibaba 2018 batch_instance for j_1's M1 (its two instances' own times). */
export const ALIBABA_INSTANCES = [
  'ins_1,M1,j_1,1,Terminated,100,180,m_1,1,1,50,60,0.1,0.2',
  'ins_2,M1,j_1,1,Terminated,105,200,m_2,1,1,50,60,0.1,0.2',
];
