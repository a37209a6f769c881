/**
 * The protobuf codec on the scheduler API's hot paths, beside JSON: the codec step alone on an
 * OFFERS event of `offers` offers (four resources, attributes and a url each), then whole paths:
 * writing that event as one stream record, and reading an ACCEPT call launching `tasks` tasks,
 * each through Agora's JSON encoder/decoder and then either JSON text or protobuf bytes
 * (src/runtime/live/protobuf/codec.ts). Also the one-off cost of
 * loading the schemas. Prints per-run figures and medians: operations per second, and CPU time
 * per operation beside wall time.
 *
 * Usage: node --import tsx bench/protobuf-codec.ts [--offers 100] [--tasks 10] [--ops 2000] [--runs 5]
 */
import { performance } from 'node:perf_hooks';
import { decodeCall } from '../src/core/messages/scheduler-call.js';
import { type Event, encodeEvent } from '../src/core/messages/scheduler-event.js';
import { encodeRecord } from '../src/core/recordio.js';
import { jsonToProtobuf, protobufToJson, protobufType } from '../src/runtime/live/protobuf/codec.js';
import { encodeAs } from '../src/runtime/live/protobuf/content-types.js';
import { benchArgs } from './args.js';

const values = benchArgs(
  'node --import tsx bench/protobuf-codec.ts [--offers 100] [--tasks 10] [--ops 2000] [--runs 5]',
  {
    offers: { type: 'string', default: '100' },
    tasks: { type: 'string', default: '10' },
    ops: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '5' },
  },
);
const offerCount = Number(values.offers);
const taskCount = Number(values.tasks);
const ops = Number(values.ops);
const runs = Number(values.runs);

const loadStart = performance.now();
protobufType('mesos.v1.scheduler.Event');
const loadMs = performance.now() - loadStart;

const scalar = (name: string, value: number) => ({ name, type: 'SCALAR' as const, scalar: { value } });
const offersEvent = {
  type: 'OFFERS',
  offers: {
    offers: Array.from({ length: offerCount }, (_, i) => ({
      id: { value: `offer-${i}` },
      framework_id: { value: 'framework-1' },
      agent_id: { value: `agent-${i}` },
      hostname: `host-${i}.example.org`,
      url: {
        scheme: 'http',
        address: { hostname: `host-${i}`, ip: '10.0.0.1', port: 5051 },
        path: '/slave(1)',
      },
      resources: [
        { ...scalar('cpus', 8), allocation_info: { role: '*' } },
        { ...scalar('mem', 30_000), allocation_info: { role: '*' } },
        { ...scalar('disk', 100_000), allocation_info: { role: '*' } },
        {
          name: 'ports',
          type: 'RANGES' as const,
          ranges: { range: [{ begin: 31000, end: 32000 }] },
          allocation_info: { role: '*' },
        },
      ],
      attributes: [{ name: 'rack', type: 'TEXT' as const, text: { value: `r${i % 8}` } }],
      allocation_info: { role: '*' },
    })),
  },
} as unknown as Event;

const acceptJson = {
  type: 'ACCEPT',
  framework_id: { value: 'framework-1' },
  accept: {
    offer_ids: [{ value: 'offer-1' }],
    operations: [
      {
        type: 'LAUNCH',
        launch: {
          task_infos: Array.from({ length: taskCount }, (_, i) => ({
            name: `task-${i}`,
            task_id: { value: `task-${i}` },
            agent_id: { value: 'agent-1' },
            resources: [scalar('cpus', 0.5), scalar('mem', 128)],
            command: { value: 'sleep 10', shell: true },
          })),
        },
      },
    ],
    filters: { refuse_seconds: 5 },
  },
};
const acceptText = JSON.stringify(acceptJson);
const acceptBytesResult = jsonToProtobuf('mesos.v1.scheduler.Call', acceptJson);
if (!acceptBytesResult.ok) throw new Error(acceptBytesResult.error);
const acceptBytes = acceptBytesResult.value;

/** Runs `op` `ops` times; returns operations per second and CPU microseconds per operation. */
function measure(op: () => unknown): { perSecond: number; cpuUs: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < ops; i++) op();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { perSecond: (ops / wallMs) * 1000, cpuUs: (used.user + used.system) / ops };
}

const offersJson = encodeEvent(offersEvent);
const offersBytes = encodeAs('protobuf', offersJson, 'mesos.v1.scheduler.Event');
const offersText = JSON.stringify(offersJson);
const cases: [string, () => unknown][] = [
  // The codec step alone, on Agora's JSON value for the event (what both paths share comes first).
  [
    `OFFERS of ${offerCount}: JSON value → JSON text`,
    () => encodeAs('json', offersJson, 'mesos.v1.scheduler.Event'),
  ],
  [
    `OFFERS of ${offerCount}: JSON value → protobuf`,
    () => encodeAs('protobuf', offersJson, 'mesos.v1.scheduler.Event'),
  ],
  [`OFFERS of ${offerCount}: JSON text → JSON value`, () => JSON.parse(offersText)],
  [
    `OFFERS of ${offerCount}: protobuf → JSON value`,
    () => protobufToJson('mesos.v1.scheduler.Event', offersBytes),
  ],
  // Whole paths: Agora's encoder or decoder plus the codec.
  [
    `OFFERS of ${offerCount} → JSON record`,
    () => encodeRecord(encodeAs('json', encodeEvent(offersEvent), 'mesos.v1.scheduler.Event')),
  ],
  [
    `OFFERS of ${offerCount} → protobuf record`,
    () => encodeRecord(encodeAs('protobuf', encodeEvent(offersEvent), 'mesos.v1.scheduler.Event')),
  ],
  [`ACCEPT of ${taskCount} tasks ← JSON body`, () => decodeCall(JSON.parse(acceptText))],
  [
    `ACCEPT of ${taskCount} tasks ← protobuf body`,
    () => {
      const json = protobufToJson('mesos.v1.scheduler.Call', acceptBytes);
      return json.ok ? decodeCall(json.value) : undefined;
    },
  ],
];

const jsonRecordBytes = encodeAs('json', encodeEvent(offersEvent), 'mesos.v1.scheduler.Event').length;
const protobufRecordBytes = encodeAs('protobuf', encodeEvent(offersEvent), 'mesos.v1.scheduler.Event').length;
console.log(`schemas loaded in ${loadMs.toFixed(1)} ms (once per process)`);
console.log(
  `OFFERS record: ${jsonRecordBytes} bytes as JSON, ${protobufRecordBytes} as protobuf; ACCEPT body: ${acceptText.length} bytes as JSON, ${acceptBytes.length} as protobuf`,
);
// Warm up: protobufjs compiles each Type's functions on first use, V8 optimises.
for (const [, op] of cases) for (let i = 0; i < 200; i++) op();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
for (const [name, op] of cases) {
  const results = Array.from({ length: runs }, () => measure(op));
  const perSecond = median(results.map((r) => r.perSecond));
  const cpuUs = median(results.map((r) => r.cpuUs));
  console.log(
    `${name}: median ${perSecond.toFixed(0)}/s (${(1e6 / perSecond).toFixed(1)} µs wall, ${cpuUs.toFixed(1)} µs CPU each) over ${runs} runs of ${ops}`,
  );
}
