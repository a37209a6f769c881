/**
 * A scheduler that speaks only protobuf, as mesos-go and Mesos's Java V1 library do by default:
 * its calls are protobuf bodies (`Content-Type: application/x-protobuf`), it asks for protobuf
 * events (`Accept: application/x-protobuf`) and reads them as RecordIO-framed binary records. It
 * builds and reads messages with protobufjs the way a generated client does (enum numbers,
 * `Uint8Array` bytes, no JSON anywhere), and runs a task on a live master and agent: SUBSCRIBE,
 * OFFERS, ACCEPT with a LAUNCH, UPDATEs acknowledged with their uuid, the task finished. Its
 * second task runs under a custom executor that speaks protobuf to the agent
 * (fixtures/protobuf-executor.ts).
 */
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import test, { type ExecutionContext } from 'ava';
import type protobuf from 'protobufjs';
import { RecordIoDecoder } from '../../../../src/core/recordio.js';
import { protobufType } from '../../../../src/runtime/live/protobuf/codec.js';
import { eventually, liveCluster } from '../harness.js';
import { send } from '../http-client.js';

const Call = protobufType('mesos.v1.scheduler.Call');
const Event = protobufType('mesos.v1.scheduler.Event');
const PROTOBUF = 'application/x-protobuf';
const EXECUTOR = fileURLToPath(new URL('../fixtures/protobuf-executor.ts', import.meta.url));
/** tsx by absolute URL: the executor runs in its sandbox, where `tsx` alone does not resolve. */
const TSX = import.meta.resolve('tsx');

/** Enum numbers from Mesos's protos, as a generated client has them. */
const CallType = { SUBSCRIBE: 1, ACCEPT: 3, ACKNOWLEDGE: 8 } as const;
const EventType = { SUBSCRIBED: 1, OFFERS: 2, UPDATE: 4, ERROR: 7 } as const;
const TASK_STARTING = 0;
const TASK_RUNNING = 1;
const TASK_FINISHED = 2;
const OPERATION_LAUNCH = 1;
const VALUE_SCALAR = 0;

interface IdMessage {
  value: string;
}
interface EventMessage {
  type: number;
  subscribed?: { framework_id: IdMessage; heartbeat_interval_seconds?: number };
  offers?: { offers: { id: IdMessage; agent_id: IdMessage; resources: { name: string }[] }[] };
  update?: { status: { task_id: IdMessage; state: number; agent_id?: IdMessage; uuid?: Uint8Array } };
  error?: { message: string };
}

function encode(type: protobuf.Type, message: Record<string, unknown>): Buffer {
  // `create` takes the message as a generated client builds it; no JSON mapping is involved.
  return Buffer.from(type.encode(type.create(message)).finish());
}

type Cluster = Awaited<ReturnType<typeof liveCluster>>;

/**
 * Runs one task named `taskId` with `how` (its `command` or `executor`) as a protobuf-only
 * scheduler, acknowledging every update; checks the answers on the way and returns the task's
 * states in order.
 */
async function runTask(
  t: ExecutionContext,
  cluster: Cluster,
  taskId: string,
  how: Record<string, unknown>,
): Promise<number[]> {
  const events: EventMessage[] = [];
  let streamError: string | undefined;
  const subscribeCall = encode(Call, {
    type: CallType.SUBSCRIBE,
    subscribe: {
      framework_info: {
        user: 'tester',
        name: 'protobuf-scheduler',
        roles: ['*'],
        capabilities: [{ type: 6 }],
      },
    },
  });
  const stream = await new Promise<{ status: number; headers: Record<string, unknown>; close: () => void }>(
    (resolve, reject) => {
      const req = request(`${cluster.master.url}/api/v1/scheduler`, {
        method: 'POST',
        headers: { 'Content-Type': PROTOBUF, Accept: PROTOBUF },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        const decoder = new RecordIoDecoder(1 << 24);
        res.on('data', (chunk: Buffer) => {
          const records = decoder.push(chunk);
          if (!records.ok) {
            streamError = records.error;
            return;
          }
          for (const record of records.records) {
            try {
              events.push(Event.decode(record) as unknown as EventMessage);
            } catch (e) {
              streamError = `record of ${record.length} bytes is not an Event: ${String(e)}`;
            }
          }
        });
        res.on('error', () => {});
        resolve({ status: res.statusCode ?? 0, headers: res.headers, close: () => req.destroy() });
      });
      req.end(subscribeCall);
    },
  );
  t.is(stream.status, 200);
  t.is(stream.headers['content-type'], PROTOBUF, 'the stream says its records are protobuf');
  const streamId = String(stream.headers['mesos-stream-id']);
  const post = (body: Buffer) =>
    send(`${cluster.master.url}/api/v1/scheduler`, {
      headers: { 'Content-Type': PROTOBUF, 'Mesos-Stream-Id': streamId },
      body,
    });

  await eventually(
    () => events.some((e) => e.type === EventType.OFFERS) || streamError !== undefined,
    15_000,
    'an offer',
  );
  t.is(streamError, undefined);
  const subscribed = events.find((e) => e.type === EventType.SUBSCRIBED)?.subscribed;
  if (subscribed === undefined) throw new Error('no SUBSCRIBED event');
  t.true((subscribed.heartbeat_interval_seconds ?? 0) > 0);
  const frameworkId = subscribed.framework_id;
  const offer = events.find((e) => e.type === EventType.OFFERS)?.offers?.offers[0];
  if (offer === undefined) throw new Error('no offer');
  t.true(offer.resources.some((r) => r.name === 'cpus'));

  const accept = await post(
    encode(Call, {
      framework_id: frameworkId,
      type: CallType.ACCEPT,
      accept: {
        offer_ids: [offer.id],
        operations: [
          {
            type: OPERATION_LAUNCH,
            launch: {
              task_infos: [
                {
                  name: taskId,
                  task_id: { value: taskId },
                  agent_id: offer.agent_id,
                  resources: [scalar('cpus', 0.1), scalar('mem', 32)],
                  ...how,
                },
              ],
            },
          },
        ],
      },
    }),
  );
  t.is(accept.status, 202, accept.text);

  // Acknowledge every update that carries a uuid, as a scheduler must, until the task finishes.
  const acknowledged = new Set<number>();
  const states: number[] = [];
  await eventually(
    async () => {
      for (const [i, e] of events.entries()) {
        if (e.type !== EventType.UPDATE || acknowledged.has(i) || e.update === undefined) continue;
        acknowledged.add(i);
        const status = e.update.status;
        states.push(status.state);
        if (status.uuid === undefined || status.uuid.length === 0) continue;
        const ack = await post(
          encode(Call, {
            framework_id: frameworkId,
            type: CallType.ACKNOWLEDGE,
            acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
          }),
        );
        if (ack.status !== 202) throw new Error(`ACKNOWLEDGE answered ${ack.status}: ${ack.text}`);
      }
      return states.includes(TASK_FINISHED) || streamError !== undefined;
    },
    30_000,
    () => `the task to finish (states so far: ${states.join(', ')})`,
  );
  t.is(streamError, undefined);
  // The master keeps a terminal task among the framework's active ones until its update is
  // acknowledged (Mesos's rule): it moving to the completed ones shows the protobuf ACK worked.
  await eventually(
    () =>
      cluster.master.master
        .state()
        .frameworks.some((f) => f.completed_tasks.some((task) => task.id === taskId)),
    10_000,
    'the finished task to be acknowledged and completed',
  );
  t.false(
    events.some((e) => e.type === EventType.ERROR),
    'no ERROR event',
  );
  stream.close();
  return states;
}

const scalar = (name: string, value: number) => ({ name, type: VALUE_SCALAR, scalar: { value } });

test('a protobuf-only scheduler runs a command task on a live master and agent', async (t) => {
  const cluster = await liveCluster(1, 'cpus:2;mem:512');
  try {
    const states = await runTask(t, cluster, 'proto-task-1', { command: { shell: true, value: 'exit 0' } });
    t.deepEqual(states, [TASK_STARTING, TASK_RUNNING, TASK_FINISHED]);
  } finally {
    await cluster.close();
  }
});

test("a protobuf-only executor runs its task over the agent's executor API for a protobuf-only scheduler", async (t) => {
  const cluster = await liveCluster(1, 'cpus:2;mem:512');
  try {
    const states = await runTask(t, cluster, 'proto-task-2', {
      executor: {
        executor_id: { value: 'protobuf-executor' },
        command: { value: `"${process.execPath}" --import "${TSX}" "${EXECUTOR}"` },
        resources: [scalar('cpus', 0.1), scalar('mem', 64)],
      },
    });
    // The executor's own updates, sent as protobuf, reach the scheduler as protobuf.
    t.deepEqual(states, [TASK_RUNNING, TASK_FINISHED]);
  } finally {
    await cluster.close();
  }
});
