/**
 * The operator API v1 (`POST /api/v1` on master and agent) spoken in protobuf, as a generated
 * client does (docs/operator-http-api.md: `Content-Type` and `Accept: application/x-protobuf`):
 * calls are `mesos.v1.master.Call` / `mesos.v1.agent.Call` bytes built with protobufjs `create`
 * from enum numbers, answers are decoded as `Response` bytes, and the master's SUBSCRIBE stream
 * is RecordIO with binary `mesos.v1.master.Event` records. A live master and agent run a real
 * task while the client asks GET_STATE, GET_FLAGS, UPDATE_WEIGHTS (then GET_WEIGHTS),
 * RESERVE_RESOURCES and UNRESERVE_RESOURCES, the agent's GET_STATE and READ_FILE of the task's stdout, and watches TASK_ADDED on the stream.
 * Mixed encodings (protobuf in, JSON out and back) and Mesos's 400/406/415 are checked too.
 */
import { type IncomingHttpHeaders, request } from 'node:http';
import test from 'ava';
import type protobuf from 'protobufjs';
import { RecordIoDecoder } from '../../../../src/core/recordio.js';
import { liveSchedulerDriver } from '../../../../src/runtime/live/live-scheduler.js';
import { MasterServer } from '../../../../src/runtime/live/master-server.js';
import { protobufType } from '../../../../src/runtime/live/protobuf/codec.js';
import { eventually, liveCluster } from '../harness.js';
import { Prober } from '../prober.js';

const MasterCall = protobufType('mesos.v1.master.Call');
const MasterResponse = protobufType('mesos.v1.master.Response');
const MasterEvent = protobufType('mesos.v1.master.Event');
const AgentCall = protobufType('mesos.v1.agent.Call');
const AgentResponse = protobufType('mesos.v1.agent.Response');
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** Enum numbers from Mesos's master.proto, agent.proto and mesos.proto, as a generated client has them. */
const MasterCallType = {
  RESERVE_RESOURCES: 19,
  UNRESERVE_RESOURCES: 20,
  GET_FLAGS: 2,
  GET_STATE: 9,
  GET_WEIGHTS: 15,
  UPDATE_WEIGHTS: 16,
  SUBSCRIBE: 18,
} as const;
const MasterResponseType = { GET_FLAGS: 2, GET_STATE: 8, GET_WEIGHTS: 14 } as const;
const MasterEventType = {
  SUBSCRIBED: 1,
  TASK_ADDED: 2,
  TASK_UPDATED: 3,
  AGENT_ADDED: 4,
  FRAMEWORK_ADDED: 6,
} as const;
const AgentCallType = { READ_FILE: 8, GET_STATE: 9 } as const;
const AgentResponseType = { READ_FILE: 7, GET_STATE: 8 } as const;
const SCALAR = 0;
const DYNAMIC = 2;
const TASK_STAGING = 6;
const TASK_RUNNING = 1;

/** Decoded protobuf messages, read field by field (each read is checked by an assertion). */
// biome-ignore lint/suspicious/noExplicitAny: decoded messages are walked by path and every value asserted
type Message = any;

function encode(type: protobuf.Type, message: Record<string, unknown>): Buffer {
  return Buffer.from(type.encode(type.create(message)).finish());
}

/** A finished exchange, its body kept as bytes. */
interface BinaryAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<BinaryAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1`, { method: 'POST', headers });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.end(body);
  });
}

/** A protobuf call answered 200 in protobuf, decoded as `response`. */
async function ask(url: string, call: Buffer, response: protobuf.Type): Promise<Message> {
  const a = await post(url, call, { 'Content-Type': PROTOBUF, Accept: PROTOBUF });
  if (a.status !== 200) throw new Error(`${a.status} ${a.body.toString('utf8')}`);
  if (a.headers['content-type'] !== PROTOBUF) throw new Error(`answered in ${a.headers['content-type']}`);
  return response.decode(a.body);
}

/** The master's SUBSCRIBE stream in protobuf: its status, content type and the events decoded so far. */
function subscribe(url: string): Promise<{
  status: number;
  contentType: string | undefined;
  events: Message[];
  problems: string[];
  close(): void;
}> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1`, {
      method: 'POST',
      headers: { 'Content-Type': PROTOBUF, Accept: PROTOBUF },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const events: Message[] = [];
      const problems: string[] = [];
      const decoder = new RecordIoDecoder(1 << 24);
      res.on('data', (chunk: Buffer) => {
        const r = decoder.push(chunk);
        if (!r.ok) {
          problems.push(r.error);
          return;
        }
        for (const record of r.records) {
          try {
            events.push(MasterEvent.decode(record));
          } catch (e) {
            problems.push(`a record of ${record.length} bytes is not an Event: ${String(e)}`);
          }
        }
      });
      res.on('error', () => {});
      resolve({
        status: res.statusCode ?? 0,
        contentType: res.headers['content-type'],
        events,
        problems,
        close: () => req.destroy(),
      });
    });
    req.end(encode(MasterCall, { type: MasterCallType.SUBSCRIBE }));
  });
}

test('a protobuf operator client reads master and agent state, changes weights and watches a task start', async (t) => {
  const cluster = await liveCluster(1);
  const url = cluster.master.url;
  const agentServer = cluster.agents[0];
  if (agentServer === undefined) throw new Error('no agent');
  const agentUrl = `http://127.0.0.1:${agentServer.port}`;
  const stream = await subscribe(url);
  const prober = new Prober([{ id: 'long', command: 'echo hello; sleep 60' }]);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'prober', roles: ['web'], capabilities: [{ type: 'MULTI_ROLE' }] },
    { masterUrl: url },
  );
  try {
    t.is(stream.status, 200);
    t.is(stream.contentType, PROTOBUF, 'the stream says its records are protobuf');
    driver.start();
    await eventually(() => prober.state('long') === 'TASK_RUNNING', 15_000, 'the task to run');

    // The stream, binary record by binary record.
    await eventually(
      () =>
        stream.problems.length > 0 ||
        stream.events.some(
          (e) => e.type === MasterEventType.TASK_UPDATED && e.task_updated.state === TASK_RUNNING,
        ),
      10_000,
      'TASK_UPDATED(TASK_RUNNING) on the stream',
    );
    t.deepEqual(stream.problems, []);
    const first = stream.events[0];
    t.is(first.type, MasterEventType.SUBSCRIBED);
    t.true(first.subscribed.heartbeat_interval_seconds > 0);
    t.is(first.subscribed.get_state.get_agents.agents.length, 1);
    const added = stream.events.find((e) => e.type === MasterEventType.TASK_ADDED);
    t.is(added?.task_added.task.task_id.value, 'long');
    t.is(added?.task_added.task.state, TASK_STAGING);
    t.is(added?.task_added.task.framework_id.value, prober.frameworkId);
    t.true(stream.events.some((e) => e.type === MasterEventType.FRAMEWORK_ADDED));

    // GET_STATE in protobuf.
    const state = await ask(url, encode(MasterCall, { type: MasterCallType.GET_STATE }), MasterResponse);
    t.is(state.type, MasterResponseType.GET_STATE);
    const tasks = state.get_state.get_tasks.tasks;
    t.is(tasks.length, 1);
    t.is(tasks[0].task_id.value, 'long');
    t.is(tasks[0].state, TASK_RUNNING);
    t.is(state.get_state.get_frameworks.frameworks[0].framework_info.name, 'prober');
    t.is(state.get_state.get_agents.agents[0].agent_info.id.value, agentServer.agent.agentId);
    t.is(state.get_state.get_executors.executors.length, 0, 'command executors are not listed, as Mesos');

    // GET_FLAGS.
    const flags = await ask(url, encode(MasterCall, { type: MasterCallType.GET_FLAGS }), MasterResponse);
    t.is(flags.type, MasterResponseType.GET_FLAGS);
    t.is(flags.get_flags.flags.find((f: Message) => f.name === 'allocation_interval')?.value, '100ms');

    // UPDATE_WEIGHTS: 200 with no body, then GET_WEIGHTS shows it.
    const updated = await post(
      url,
      encode(MasterCall, {
        type: MasterCallType.UPDATE_WEIGHTS,
        update_weights: { weight_infos: [{ role: 'web', weight: 2.5 }] },
      }),
      { 'Content-Type': PROTOBUF, Accept: PROTOBUF },
    );
    t.is(updated.status, 200, updated.body.toString('utf8'));
    const weights = await ask(url, encode(MasterCall, { type: MasterCallType.GET_WEIGHTS }), MasterResponse);
    t.is(weights.type, MasterResponseType.GET_WEIGHTS);
    t.deepEqual(
      weights.get_weights.weight_infos.map((w: Message) => ({ role: w.role, weight: w.weight })),
      [{ role: 'web', weight: 2.5 }],
    );

    // RESERVE_RESOURCES and UNRESERVE_RESOURCES: 202 once in the registry, as for JSON.
    const reservedCpus = {
      name: 'cpus',
      type: SCALAR,
      scalar: { value: 0.5 },
      reservations: [{ type: DYNAMIC, role: 'web', principal: 'ops' }],
    };
    const agentId = { value: agentServer.agent.agentId };
    for (const [type, field, after] of [
      [MasterCallType.RESERVE_RESOURCES, 'reserve_resources', { web: { cpus: 0.5 } }],
      [MasterCallType.UNRESERVE_RESOURCES, 'unreserve_resources', {}],
    ] as const) {
      const answer = await post(
        url,
        encode(MasterCall, { type, [field]: { agent_id: agentId, resources: [reservedCpus] } }),
        { 'Content-Type': PROTOBUF, Accept: PROTOBUF },
      );
      t.is(answer.status, 202, `${field}: ${answer.body.toString('utf8')}`);
      t.deepEqual(cluster.master.master.state().slaves?.[0]?.reserved_resources, after);
    }

    // Mixed: a protobuf call answered in JSON when Accept prefers it, and a JSON call in protobuf.
    const asJson = await post(url, encode(MasterCall, { type: MasterCallType.GET_WEIGHTS }), {
      'Content-Type': PROTOBUF,
      Accept: JSON_TYPE,
    });
    t.is(asJson.headers['content-type'], JSON_TYPE);
    t.deepEqual(JSON.parse(asJson.body.toString('utf8')), {
      type: 'GET_WEIGHTS',
      get_weights: { weight_infos: [{ role: 'web', weight: 2.5 }] },
    });
    const fromJson = await post(url, JSON.stringify({ type: 'GET_WEIGHTS' }), {
      'Content-Type': JSON_TYPE,
      Accept: PROTOBUF,
    });
    t.is(fromJson.headers['content-type'], PROTOBUF);
    t.is(MasterResponse.decode(fromJson.body).get_weights.weight_infos[0].role, 'web');

    // The agent: GET_STATE and READ_FILE of the task's stdout.
    const agentState = await ask(
      agentUrl,
      encode(AgentCall, { type: AgentCallType.GET_STATE }),
      AgentResponse,
    );
    t.is(agentState.type, AgentResponseType.GET_STATE);
    const launched = agentState.get_state.get_tasks.launched_tasks;
    t.is(launched.length, 1);
    t.is(launched[0].task_id.value, 'long');
    t.is(launched[0].state, TASK_RUNNING);
    t.is(agentState.get_state.get_frameworks.frameworks[0].framework_info.id.value, prober.frameworkId);
    t.is(agentState.get_state.get_executors.executors[0].executor_info.executor_id.value, 'long');
    const stdout = `/frameworks/${prober.frameworkId}/executors/long/runs/latest/stdout`;
    const readFile = (offset: number, length?: number) =>
      ask(
        agentUrl,
        encode(AgentCall, {
          type: AgentCallType.READ_FILE,
          read_file: { path: stdout, offset, ...(length === undefined ? {} : { length }) },
        }),
        AgentResponse,
      );
    await eventually(
      async () => Buffer.from((await readFile(0)).read_file.data).toString('utf8') === 'hello\n',
      10_000,
      'the task to write its stdout',
    );
    const part = await readFile(1, 3);
    t.is(part.type, AgentResponseType.READ_FILE);
    t.is(AgentResponse.toObject(part, { longs: Number }).read_file.size, 6);
    t.true(part.read_file.data instanceof Uint8Array, 'bytes arrive as bytes, not base64 text');
    t.is(Buffer.from(part.read_file.data).toString('utf8'), 'ell');
  } finally {
    stream.close();
    driver.stop();
    await close();
    await cluster.close();
  }
});

test('protobuf calls get Mesos’s 400, 406 and 415', async (t) => {
  const master = await MasterServer.start({ port: 0 });
  const url = master.url;
  try {
    // Bytes that are not a Call (a JSON text, whose "{" is an unknown group start).
    const garbage = await post(url, '{"type":"GET_HEALTH"}', { 'Content-Type': PROTOBUF });
    t.is(garbage.status, 400);
    t.regex(garbage.body.toString('utf8'), /^Failed to parse body into Call protobuf/u);
    // A well-formed Call missing what its type needs: the same validation as JSON.
    const noArgument = await post(url, encode(MasterCall, { type: MasterCallType.UPDATE_WEIGHTS }), {
      'Content-Type': PROTOBUF,
    });
    t.is(noArgument.status, 400);
    t.is(
      noArgument.body.toString('utf8'),
      "Failed to validate master::Call: Expecting 'update_weights' to be present",
    );
    const text = await post(url, 'GET_HEALTH', { 'Content-Type': 'text/plain' });
    t.is(text.status, 415);
    t.regex(
      text.body.toString('utf8'),
      /^Expecting 'Content-Type' of application\/json or application\/x-protobuf/u,
    );
    const html = await post(url, encode(MasterCall, { type: MasterCallType.GET_FLAGS }), {
      'Content-Type': PROTOBUF,
      Accept: 'text/html',
    });
    t.is(html.status, 406);
    t.regex(
      html.body.toString('utf8'),
      /^Expecting 'Accept' to allow 'application\/x-protobuf' or 'application\/json'/u,
    );
    // Nothing changed by the refused UPDATE_WEIGHTS.
    const weights = await ask(url, encode(MasterCall, { type: MasterCallType.GET_WEIGHTS }), MasterResponse);
    t.deepEqual(weights.get_weights.weight_infos, []);
  } finally {
    await master.close();
  }
});
