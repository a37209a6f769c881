/**
 * Random and mutated requests for the live ports (`npm run bench:fuzz-live`, and a smaller run in
 * test/runtime/live/fuzz.test.ts), drawn from a seeded stream so that a failure replays.
 *
 * Each request starts from a well-formed one of the port's protocol (scheduler calls, master–agent
 * messages, executor calls, the read-only GETs) and is mutated at random: fields dropped, values
 * replaced by other JSON (wrong types, huge or deep values, odd Unicode, traversal ids), types
 * swapped, text truncated or replaced by bytes, headers missing, wrong or junk (content type,
 * `Agora-From`, tokens, credentials, stream ids), other methods and paths. A share are sent on a
 * raw socket instead, to reach the HTTP parser itself: broken request lines, bad chunked
 * encoding, lying `Content-Length`s, oversized headers, connections cut halfway.
 *
 * A {@link FuzzContext} lets a run go deeper than an outsider could: the framework id and stream
 * id of a subscription the fuzzer holds, and the address and token of an agent it registered, so
 * that calls get past the authentication into the code behind it.
 */

/** A seeded source of numbers in [0, 1). */
export type Random = () => number;

/** What the fuzzer holds that makes requests credible. */
export interface FuzzContext {
  frameworkId?: string;
  streamId?: string;
  /** An agent address the fuzzer registered at the master, and its token. */
  agentFrom?: string;
  agentToken?: string;
  /** Agent ids the master gave out (to aim messages at real agents). */
  agentIds: string[];
  /** A valid executor token and its ids, if the run has one. */
  executor?: { token: string; frameworkId: string; executorId: string };
}

/** Which port a request goes to. */
export type PortKind = 'master' | 'agent';

/** An HTTP request to send with Node's client. */
export interface HttpFuzz {
  readonly kind: 'http';
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | undefined;
}

/** Bytes to write on a raw socket (then read whatever comes back). */
export interface RawFuzz {
  readonly kind: 'raw';
  readonly bytes: Buffer;
  /** Close the socket this many ms after writing (a client that leaves). */
  readonly closeAfterMs: number;
}

export type FuzzRequest = HttpFuzz | RawFuzz;

const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
const chance = (r: Random, p: number): boolean => r() < p;
const int = (r: Random, max: number): number => Math.floor(r() * max);

const ODD_STRINGS = [
  '',
  ' ',
  '..',
  '.',
  '../../../../tmp/x',
  'a/b',
  'a\\b',
  '\u0000',
  '\n',
  '\u2028',
  '\ud800',
  '😀',
  'é'.repeat(200),
  'x'.repeat(256),
  '<script>',
  "'; DROP TABLE",
  '%2e%2e%2f',
  'null',
  '-1',
  '1e309',
  'NaN',
  '*',
  'TASK_RUNNING',
  'SCALAR',
];

/** A random JSON value, of any shape, sometimes large or deep (but never more than a few MB). */
function junk(r: Random, depth = 0): unknown {
  const k = int(r, depth > 2 ? 6 : 9);
  switch (k) {
    case 0:
      return null;
    case 1:
      return chance(r, 0.5);
    case 2:
      return pick(r, [0, -1, 1, 0.5, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 1e-320]);
    case 3:
      return pick(r, ODD_STRINGS);
    case 4:
      return depth === 0 && chance(r, 0.1) ? 'y'.repeat(int(r, 200_000)) : String(r()).slice(2);
    case 5:
      return { value: pick(r, ODD_STRINGS) };
    case 6:
      // A long list of small values, or a short list of anything.
      return depth === 0 && chance(r, 0.05)
        ? Array.from({ length: int(r, 5_000) }, () => ({ value: String(int(r, 1000)) }))
        : Array.from({ length: int(r, 4) }, () => junk(r, depth + 1));
    case 7: {
      const object: Record<string, unknown> = {};
      for (let i = int(r, 4); i > 0; i--) {
        Object.defineProperty(object, pick(r, FIELD_NAMES), {
          value: junk(r, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return object;
    }
    default: {
      // Deep nesting: parsers and decoders must not recurse without bound.
      let v: unknown = 1;
      for (let i = 0; i < int(r, 2_000); i++) v = chance(r, 0.5) ? [v] : { value: v };
      return v;
    }
  }
}

const FIELD_NAMES = [
  'type',
  'value',
  'framework_id',
  'agent_id',
  'task_id',
  'executor_id',
  'offer_ids',
  'resources',
  'scalar',
  'ranges',
  'name',
  'role',
  'roles',
  'status',
  'state',
  'uuid',
  'data',
  'command',
  'subscribe',
  'framework_info',
  'update',
  'parent',
  '__proto__',
  'constructor',
];

const SCHEDULER_TYPES = [
  'SUBSCRIBE',
  'TEARDOWN',
  'ACCEPT',
  'DECLINE',
  'REVIVE',
  'SUPPRESS',
  'KILL',
  'SHUTDOWN',
  'ACKNOWLEDGE',
  'RECONCILE',
  'MESSAGE',
  'REQUEST',
  'UPDATE_FRAMEWORK',
  'ACCEPT_INVERSE_OFFERS',
  'DECLINE_INVERSE_OFFERS',
  'ACKNOWLEDGE_OPERATION_STATUS',
  'RECONCILE_OPERATIONS',
  'UNKNOWN',
];

const AGENT_TYPES = [
  'REGISTER_AGENT',
  'REREGISTER_AGENT',
  'UNREGISTER_AGENT',
  'PONG_AGENT',
  'STATUS_UPDATE',
  'EXITED_EXECUTOR',
  'EXECUTOR_TO_FRAMEWORK',
  'RUN_TASK',
  'KILL_TASK',
  'PING_AGENT',
  'SHUTDOWN_AGENT',
  'AGENT_REGISTERED',
];

const scalar = (name: string, value: number) => ({ name, type: 'SCALAR', scalar: { value } });

/** A well-formed scheduler call (or close to it). */
function schedulerCall(r: Random, c: FuzzContext): Record<string, unknown> {
  const framework_id = { value: c.frameworkId ?? 'f' };
  const agent_id = { value: c.agentIds.length > 0 ? pick(r, c.agentIds) : 'a' };
  const task = {
    name: 't',
    task_id: { value: `t${int(r, 50)}` },
    agent_id,
    resources: [scalar('cpus', pick(r, [0.1, 1, 1000, -1, 0])), scalar('mem', 32)],
    command: { value: pick(r, ['true', 'sleep 1', 'exit 3']) },
  };
  switch (pick(r, SCHEDULER_TYPES)) {
    case 'SUBSCRIBE':
      return {
        type: 'SUBSCRIBE',
        subscribe: {
          framework_info: {
            user: 'fuzz',
            name: 'fuzz',
            ...(chance(r, 0.3) ? { id: { value: `made-up-${int(r, 1e9)}` } } : {}),
            ...(chance(r, 0.3) ? { roles: ['a', 'b'], capabilities: [{ type: 'MULTI_ROLE' }] } : {}),
            failover_timeout: pick(r, [0, 1, 3600]),
          },
        },
      };
    case 'ACCEPT':
      return {
        type: 'ACCEPT',
        framework_id,
        accept: {
          offer_ids: [{ value: `o${int(r, 100)}` }],
          operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }],
          filters: { refuse_seconds: pick(r, [0, 5, 1e9, -1]) },
        },
      };
    case 'DECLINE':
      return { type: 'DECLINE', framework_id, decline: { offer_ids: [{ value: `o${int(r, 100)}` }] } };
    case 'KILL':
      return { type: 'KILL', framework_id, kill: { task_id: task.task_id, agent_id } };
    case 'ACKNOWLEDGE':
      return {
        type: 'ACKNOWLEDGE',
        framework_id,
        acknowledge: { agent_id, task_id: task.task_id, uuid: 'AAECAwQFBgcICQoLDA0ODw==' },
      };
    case 'RECONCILE':
      return { type: 'RECONCILE', framework_id, reconcile: { tasks: [{ task_id: task.task_id, agent_id }] } };
    case 'MESSAGE':
      return {
        type: 'MESSAGE',
        framework_id,
        message: { agent_id, executor_id: { value: 'e' }, data: 'aGk=' },
      };
    case 'UPDATE_FRAMEWORK':
      return {
        type: 'UPDATE_FRAMEWORK',
        framework_id,
        update_framework: { framework_info: { user: 'fuzz', name: 'fuzz', id: framework_id, role: 'x' } },
      };
    case 'SUPPRESS':
      return { type: 'SUPPRESS', framework_id, suppress: { roles: ['*'] } };
    case 'TEARDOWN':
      // Rarely: it ends the fuzzer's own framework.
      return chance(r, 0.05) ? { type: 'TEARDOWN', framework_id } : { type: 'REVIVE', framework_id };
    default:
      return { type: pick(r, SCHEDULER_TYPES), framework_id, revive: {} };
  }
}

/** A well-formed master–agent message (or close to it). */
function agentMessage(r: Random, c: FuzzContext): Record<string, unknown> {
  const agent_id = { value: c.agentIds.length > 0 ? pick(r, c.agentIds) : 'a' };
  const framework_id = { value: c.frameworkId ?? 'f' };
  const status = {
    task_id: { value: `t${int(r, 50)}` },
    state: pick(r, ['TASK_RUNNING', 'TASK_FINISHED', 'TASK_LOST', 'TASK_BOGUS']),
    source: 'SOURCE_EXECUTOR',
  };
  switch (pick(r, AGENT_TYPES)) {
    case 'REGISTER_AGENT':
      return {
        type: 'REGISTER_AGENT',
        agent: {
          hostname: '127.0.0.1',
          resources: [scalar('cpus', pick(r, [1, 1000, -5])), scalar('mem', 64)],
        },
      };
    case 'REREGISTER_AGENT':
      return {
        type: 'REREGISTER_AGENT',
        agent: { hostname: '127.0.0.1', id: agent_id, resources: [] },
        tasks: [],
      };
    case 'UNREGISTER_AGENT':
      return { type: 'UNREGISTER_AGENT', agent_id };
    case 'STATUS_UPDATE':
      return {
        type: 'STATUS_UPDATE',
        update: { framework_id, agent_id, status, timestamp: 1, uuid: 'AAECAwQFBgcICQoLDA0ODw==' },
      };
    case 'EXITED_EXECUTOR':
      return { type: 'EXITED_EXECUTOR', agent_id, framework_id, executor_id: { value: 'e' }, status: 0 };
    case 'EXECUTOR_TO_FRAMEWORK':
      return {
        type: 'EXECUTOR_TO_FRAMEWORK',
        agent_id,
        framework_id,
        executor_id: { value: 'e' },
        data: 'aGk=',
      };
    case 'RUN_TASK':
      return {
        type: 'RUN_TASK',
        framework: { user: 'fuzz', name: 'fuzz', id: framework_id },
        task: { name: 't', task_id: status.task_id, agent_id, resources: [], command: { value: 'true' } },
      };
    case 'KILL_TASK':
      return { type: 'KILL_TASK', framework_id, task_id: status.task_id };
    default:
      return { type: pick(r, AGENT_TYPES) };
  }
}

/** A well-formed executor call (or close to it). */
function executorCall(r: Random, c: FuzzContext): Record<string, unknown> {
  const ids = {
    framework_id: { value: c.executor?.frameworkId ?? c.frameworkId ?? 'f' },
    executor_id: { value: c.executor?.executorId ?? 'e' },
  };
  switch (int(r, 3)) {
    case 0:
      return { type: 'SUBSCRIBE', ...ids, subscribe: {} };
    case 1:
      return {
        type: 'UPDATE',
        ...ids,
        update: {
          status: {
            task_id: { value: `t${int(r, 50)}` },
            state: pick(r, ['TASK_RUNNING', 'TASK_FINISHED', 'TASK_STAGING']),
            source: 'SOURCE_EXECUTOR',
            uuid: 'AAECAwQFBgcICQoLDA0ODw==',
          },
        },
      };
    default:
      return { type: 'MESSAGE', ...ids, message: { data: 'aGk=' } };
  }
}

/** Mutates a JSON value in place at a random spot; returns the (possibly new) root. */
function mutate(r: Random, root: unknown): unknown {
  const spots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 8 || spots.length > 200 || typeof v !== 'object' || v === null) return;
    for (const [k, child] of Object.entries(v).slice(0, 20)) {
      spots.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(k) : k });
      walk(child, depth + 1);
    }
  };
  walk(root, 0);
  if (spots.length === 0 || chance(r, 0.03)) return junk(r);
  const spot = pick(r, spots);
  const parent = spot.parent as Record<string | number, unknown>;
  switch (int(r, 5)) {
    case 0:
      delete parent[spot.key];
      break;
    case 1:
      parent[spot.key] = junk(r);
      break;
    case 2:
      parent[spot.key] = pick(r, ODD_STRINGS);
      break;
    case 3:
      // defineProperty, so a key named __proto__ is a field, as JSON.parse makes it, not a prototype.
      if (!Array.isArray(parent)) {
        Object.defineProperty(parent, pick(r, FIELD_NAMES), {
          value: junk(r),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      break;
    default:
      parent[spot.key] = typeof parent[spot.key] === 'string' ? 7 : (JSON.stringify(parent[spot.key]) ?? '');
  }
  return root;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/x-protobuf',
  'text/plain',
  'application/json;;;',
  '',
];

const RANDOM_PATHS = [
  '/',
  '/api/v1/scheduler/',
  '/api/v1',
  '/master/state?jsonp=x',
  '/state.json',
  '/files/download?path=/etc/passwd',
  '/../../../etc/passwd',
  '/agora/v1/message?x=1',
  `/${'a'.repeat(8_000)}`,
  '/%00',
  '/api/v1/executor/../scheduler',
];

/** One fuzzed request for a port of `kind`. */
export function fuzzRequest(r: Random, kind: PortKind, c: FuzzContext): FuzzRequest {
  if (chance(r, 0.06)) return rawRequest(r, kind);
  const readOnly =
    kind === 'master' ? ['/master/state', '/metrics/snapshot', '/quota', '/health'] : ['/state', '/health'];
  const endpoint =
    kind === 'master'
      ? pick(r, ['/api/v1/scheduler', '/api/v1/scheduler', '/agora/v1/message', 'read'])
      : pick(r, ['/api/v1/executor', '/api/v1/executor', '/agora/v1/message', 'read']);
  if (endpoint === 'read' || chance(r, 0.03)) {
    const path = chance(r, 0.5) ? pick(r, readOnly) : pick(r, RANDOM_PATHS);
    return {
      kind: 'http',
      method: pick(r, ['GET', 'GET', 'HEAD', 'POST', 'DELETE']),
      path,
      headers: {},
      body: undefined,
    };
  }
  const base =
    endpoint === '/api/v1/scheduler'
      ? schedulerCall(r, c)
      : endpoint === '/api/v1/executor'
        ? executorCall(r, c)
        : agentMessage(r, c);
  let value: unknown = base;
  const mutations = chance(r, 0.25) ? 0 : 1 + int(r, 3);
  for (let i = 0; i < mutations; i++) value = mutate(r, value);
  let text = JSON.stringify(value) ?? 'null';
  if (chance(r, 0.05)) text = text.slice(0, int(r, text.length));
  let body: Buffer = Buffer.from(text);
  if (chance(r, 0.03)) body = Buffer.from(Array.from({ length: int(r, 4096) }, () => int(r, 256)));
  const headers: Record<string, string> = {};
  if (!chance(r, 0.05))
    headers['Content-Type'] = chance(r, 0.85) ? 'application/json' : pick(r, CONTENT_TYPES);
  if (chance(r, 0.3))
    headers.Accept = pick(r, ['application/json', '*/*', 'text/html', 'application/x-protobuf']);
  if (endpoint === '/api/v1/scheduler' && c.streamId !== undefined && chance(r, 0.8)) {
    headers['Mesos-Stream-Id'] = chance(r, 0.9) ? c.streamId : 'not-a-stream';
  }
  if (endpoint === '/agora/v1/message') {
    const from =
      kind === 'agent'
        ? pick(r, ['master', 'master', 'agent@127.0.0.1:1', ''])
        : chance(r, 0.7) && c.agentFrom !== undefined
          ? c.agentFrom
          : pick(r, [
              'agent@127.0.0.1:1',
              'agent@10.6.6.6:5051',
              'master',
              'agent@localhost:7',
              'x'.repeat(2000),
            ]);
    if (from !== '') headers['Agora-From'] = from;
    if (chance(r, 0.8)) {
      headers['Agora-Agent-Token'] =
        kind === 'master' && c.agentToken !== undefined && chance(r, 0.8)
          ? c.agentToken
          : pick(r, ['x'.repeat(43), 'short', 'A'.repeat(43), '']);
    }
  }
  if (endpoint === '/api/v1/executor' && chance(r, 0.9)) {
    const token = c.executor?.token;
    headers.Authorization =
      token !== undefined && chance(r, 0.7)
        ? `Bearer ${token}`
        : pick(r, ['Bearer x.y.z', 'Bearer ', 'Basic Zm9vOmJhcg==', `Bearer ${'e'.repeat(5000)}`]);
  }
  if (chance(r, 0.05)) headers.Authorization = pick(r, ['Basic Zm9vOmJhcg==', 'Basic ???', 'Negotiate x']);
  const method = chance(r, 0.95) ? 'POST' : pick(r, ['GET', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);
  return { kind: 'http', method, path: endpoint, headers, body };
}

/** Bytes that only a raw socket can send. */
function rawRequest(r: Random, kind: PortKind): RawFuzz {
  const path = kind === 'master' ? '/api/v1/scheduler' : '/api/v1/executor';
  const variants: (() => string)[] = [
    () => 'GARBAGE\r\n\r\n',
    () =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{}`,
    () => `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}{}{}`,
    () =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n`,
    () => `POST ${path} HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(20_000)}\r\n\r\n`,
    () => `GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n`,
    () =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n{"ty`,
    () => `POST ${path} HTTP/1.0\r\n\r\n`,
    () => `\u0000\u0001\u0002${'\r\n'.repeat(int(r, 5))}`,
    () => `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n`,
  ];
  return {
    kind: 'raw',
    bytes: Buffer.from(pick(r, variants)(), 'latin1'),
    closeAfterMs: pick(r, [0, 5, 50]),
  };
}

/**
 * Sends `req` to `host:port` and says how it ended: the status code, or `reset`, `timeout`,
 * `refused-by-client` (Node's client would not send such headers). A 200 answer to a SUBSCRIBE
 * is a stream that never ends: it counts once its headers arrive, and is closed.
 */
export function sendFuzz(
  host: string,
  port: number,
  req: FuzzRequest,
  agent: import('node:http').Agent,
  timeoutMs = 5_000,
): Promise<string> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: string) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    if (req.kind === 'raw') {
      void import('node:net').then(({ connect }) => {
        const socket = connect(port, host);
        let text = '';
        socket.on('data', (d: Buffer) => {
          text += d.toString('latin1');
          const status = /^HTTP\/1\.[01] (\d{3})/u.exec(text);
          if (status !== null && text.includes('\r\n\r\n')) {
            done(status[1] as string);
            socket.destroy();
          }
        });
        socket.on('error', () => done('reset'));
        socket.on('close', () => done(/^HTTP\/1\.[01] (\d{3})/u.exec(text)?.[1] ?? 'closed'));
        socket.setTimeout(timeoutMs, () => {
          done('timeout');
          socket.destroy();
        });
        socket.write(req.bytes, () => {
          if (req.closeAfterMs >= 0) setTimeout(() => socket.end(), req.closeAfterMs);
        });
      });
      return;
    }
    void import('node:http').then(({ request }) => {
      let r: import('node:http').ClientRequest;
      try {
        r = request({
          host,
          port,
          method: req.method,
          path: req.path,
          agent,
          headers: {
            ...req.headers,
            ...(req.body === undefined ? {} : { 'Content-Length': String(req.body.length) }),
          },
          timeout: timeoutMs,
        });
      } catch {
        done('refused-by-client');
        return;
      }
      r.on('response', (res) => {
        const status = String(res.statusCode ?? 0);
        if (
          res.statusCode === 200 &&
          res.headers['transfer-encoding'] === 'chunked' &&
          req.method === 'POST'
        ) {
          // A subscription stream: count it and hang up.
          done(status);
          r.destroy();
          return;
        }
        res.resume();
        res.on('end', () => done(status));
        res.on('error', () => done(status));
      });
      r.on('timeout', () => {
        done('timeout');
        r.destroy();
      });
      r.on('error', () => done('reset'));
      r.end(req.body);
    });
  });
}
