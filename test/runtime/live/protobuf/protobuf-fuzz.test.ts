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

/**
 * Protobuf bodies for `name`: well-formed calls of every type but SUBSCRIBE (whose answer is a
 * stream that stays open; the end-to-end tests cover it) and TEARDOWN (which would end the
 * fuzzed framework), with contents drawn from the schema, and random bytes.
 */
function bodiesOf(name: 'mesos.v1.scheduler.Call' | 'mesos.v1.executor.Call', overrides: object) {
  const type = protobufType(name);
  const types = type.fields.type?.resolvedType;
  if (!(types instanceof protobuf.Enum)) throw new Error(`${name} has no type enum`);
  const calls = fc
    .constantFrom(...Object.keys(types.values).filter((t) => t !== 'SUBSCRIBE' && t !== 'TEARDOWN'))
    .chain((t) => typedMessageOf(type, t, 2))
    .map((json) => {
      const bytes = jsonToProtobuf(name, { ...json, ...overrides });
      if (!bytes.ok) throw new Error(bytes.error);
      return Buffer.from(bytes.value);
    });
  return fc.oneof(
    calls,
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  );
}

/**
 * POSTs 300 bodies of `name` (with `overrides` on the calls, say a subscribed framework's id) and
 * `headers` to `url`; fails on any 5xx; returns how many of each status came.
 */
async function fuzz(
  url: string,
  name: 'mesos.v1.scheduler.Call' | 'mesos.v1.executor.Call',
  overrides: object = {},
  headers: Record<string, string> = {},
) {
  const seen = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(bodiesOf(name, overrides), async (body) => {
      const answer = await send(url, {
        headers: { 'Content-Type': PROTOBUF, Accept: PROTOBUF, ...headers },
        body,
      });
      seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
      return answer.status >= 200 && answer.status < 500;
    }),
    { numRuns: 300 },
  );
  return [...seen].map(([status, n]) => `${status}=${n}`).join(' ');
}

test('random and arbitrary protobuf bodies get a 4xx or 2xx, and the master still serves a framework', async (t) => {
  const cluster = await liveCluster(1);
  try {
    // Calls of a subscribed framework on its stream, so that they reach the master.
    const framework = await subscribe(cluster.master.url, { user: 'tester', name: 'fuzzed' });
    await framework.waitFor(1);
    const id = (framework.events[0] as { subscribed: { framework_id: { value: string } } }).subscribed
      .framework_id;
    const stream = String(framework.headers['mesos-stream-id']);
    const url = `${cluster.master.url}/api/v1/scheduler`;
    const statuses = await fuzz(
      url,
      'mesos.v1.scheduler.Call',
      { framework_id: id },
      { 'Mesos-Stream-Id': stream },
    );
    t.log(`statuses seen: ${statuses}`);
    // Most drawn calls fail validation (400); a valid one on the same stream is still taken.
    const revive = jsonToProtobuf('mesos.v1.scheduler.Call', { type: 'REVIVE', framework_id: id });
    if (!revive.ok) return t.fail(revive.error);
    const answer = await send(url, {
      headers: { 'Content-Type': PROTOBUF, 'Mesos-Stream-Id': stream },
      body: Buffer.from(revive.value),
    });
    t.is(answer.status, 202, answer.text);
    t.deepEqual(
      cluster.logs.filter((l) => /failed/u.test(l)),
      [],
      'no handler failed on a call',
    );
    framework.close();
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
  try {
    t.log(`statuses seen: ${await fuzz(url, 'mesos.v1.executor.Call')}`);

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
