/**
 * Protobuf bodies from a hostile or confused client: random bytes, and well-formed calls of every
 * type with arbitrary contents (drawn from the schema), to the master's scheduler endpoint and to
 * an executor endpoint. Each gets a 4xx or a 2xx, never a 5xx or a crash; the master still
 * serves a framework afterwards, and the executor endpoint hands the calls it accepts to its
 * agent as the same calls a JSON body gives.
 */

import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fc } from '@fast-check/ava';
import test from 'ava';
import protobuf from 'protobufjs';
import type { Address } from '../../../../src/core/process.js';
import { RecordIoDecoder } from '../../../../src/core/recordio.js';
import { executorCall, type Wire } from '../../../../src/core/wire.js';
import { ExecutorEndpoint } from '../../../../src/runtime/live/executor-endpoint.js';
import { LiveNode } from '../../../../src/runtime/live/live-node.js';
import { jsonToProtobuf, protobufToJson, protobufType } from '../../../../src/runtime/live/protobuf/codec.js';
import { eventually, liveCluster } from '../harness.js';
import { send, subscribe } from '../http-client.js';
import { typedMessageOf } from './schema-arbitrary.js';

const PROTOBUF = 'application/x-protobuf';

function callsOf(name: 'mesos.v1.scheduler.Call' | 'mesos.v1.executor.Call') {
  const type = protobufType(name);
  const types = type.fields.type?.resolvedType;
  if (!(types instanceof protobuf.Enum)) throw new Error(`${name} has no type enum`);
  return fc
    .constantFrom(...Object.keys(types.values))
    .chain((t) => typedMessageOf(type, t, 2))
    .map((json) => {
      const bytes = jsonToProtobuf(name, json);
      if (!bytes.ok) throw new Error(bytes.error);
      return Buffer.from(bytes.value);
    });
}

test('random and arbitrary protobuf bodies get a 4xx or 2xx, and the master still serves a framework', async (t) => {
  const cluster = await liveCluster(1);
  const seen = new Map<number, number>();
  try {
    const url = `${cluster.master.url}/api/v1/scheduler`;
    const calls = callsOf('mesos.v1.scheduler.Call');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          calls,
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
        ),
        async (body) => {
          const answer = await send(url, { headers: { 'Content-Type': PROTOBUF, Accept: PROTOBUF }, body });
          seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
          if (answer.status === 200) {
            // A SUBSCRIBE that passed validation: its stream was opened (and is closed by `send`).
            return true;
          }
          return answer.status >= 200 && answer.status < 500;
        },
      ),
      { numRuns: 300 },
    );
    t.log(`statuses seen: ${[...seen].map(([s, n]) => `${s}=${n}`).join(' ')}`);
    const sub = await subscribe(cluster.master.url, { user: 'tester', name: 'after-fuzz' });
    await sub.waitFor(1);
    t.is((sub.events[0] as { type: string }).type, 'SUBSCRIBED');
    sub.close();
  } finally {
    await cluster.close();
  }
});

test('an executor endpoint takes protobuf calls as the JSON ones, and streams protobuf events', async (t) => {
  // The endpoint alone, without token checks (a live agent always has them: see executor.test.ts),
  // so that every body reaches the decoder; a recording process stands for the agent.
  const node = new LiveNode({ seed: 1 });
  const received: { from: Address; msg: Wire }[] = [];
  node.spawn('agent@test', {
    onStart: () => {},
    onMessage: (_env, from, msg) => received.push({ from, msg }),
    onTimer: () => {},
  });
  const endpoint = new ExecutorEndpoint(node, () => 'agent@test');
  const server = createServer((req, res) => void endpoint.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/executor`;
  const seen = new Map<number, number>();
  try {
    const calls = callsOf('mesos.v1.executor.Call').filter((b) => {
      // Not SUBSCRIBE here: its answer is a stream that stays open.
      const json = protobufToJson('mesos.v1.executor.Call', b);
      return !(json.ok && (json.value as { type?: string }).type === 'SUBSCRIBE');
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          calls,
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
        ),
        async (body) => {
          const answer = await send(url, { headers: { 'Content-Type': PROTOBUF }, body });
          seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
          return answer.status >= 200 && answer.status < 500;
        },
      ),
      { numRuns: 300 },
    );
    t.log(`statuses seen: ${[...seen].map(([s, n]) => `${s}=${n}`).join(' ')}`);

    // A protobuf SUBSCRIBE opens a protobuf stream; the agent gets the same call as from JSON.
    const ids = { framework_id: { value: 'f1' }, executor_id: { value: 'e1' } };
    const subscribeJson = { ...ids, type: 'SUBSCRIBE', subscribe: {} };
    const subscribeBytes = jsonToProtobuf('mesos.v1.executor.Call', subscribeJson);
    if (!subscribeBytes.ok) return t.fail(subscribeBytes.error);
    const records: Uint8Array[] = [];
    const decoder = new RecordIoDecoder(1 << 20);
    const stream = request(url, { method: 'POST', headers: { 'Content-Type': PROTOBUF, Accept: PROTOBUF } });
    const contentType = new Promise<string | undefined>((resolve) =>
      stream.on('response', (res) => {
        res.on('data', (chunk: Buffer) => {
          const r = decoder.push(chunk);
          if (r.ok) records.push(...r.records);
        });
        resolve(res.headers['content-type']);
      }),
    );
    stream.end(subscribeBytes.value);
    t.is(await contentType, PROTOBUF);
    await eventually(() => received.some((r) => r.msg.channel === 'executor-call'), 5_000, 'the SUBSCRIBE');
    const subscribeCall = received.find((r) => r.msg.channel === 'executor-call');
    t.deepEqual(subscribeCall?.msg, executorCall({ ...ids, type: 'SUBSCRIBE', subscribe: {} }));
    // An event the agent sends goes out as a protobuf record.
    endpoint.send(subscribeCall?.from ?? '', { type: 'MESSAGE', message: { data: 'aGk=' } });
    await eventually(() => records.length > 0, 5_000, 'the MESSAGE record');
    t.deepEqual(protobufToJson('mesos.v1.executor.Event', records[0] as Uint8Array), {
      ok: true,
      value: { type: 'MESSAGE', message: { data: 'aGk=' } },
    });
    stream.destroy();
  } finally {
    endpoint.closeAll();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    node.stopAll();
  }
});
