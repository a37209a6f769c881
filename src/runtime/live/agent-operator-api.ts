/**
 * The agent's operator API v1 at `POST /api/v1` (docs/operator-http-api.md "Agent API",
 * agent.proto): GET_HEALTH, GET_FLAGS, GET_VERSION, GET_METRICS, GET_STATE, GET_CONTAINERS,
 * GET_FRAMEWORKS, GET_EXECUTORS, GET_TASKS, GET_AGENT, LIST_FILES and READ_FILE, with the same
 * body handling and errors as the master's (operator-codec.ts, operator-calls-decode.ts).
 *
 * LIST_FILES and READ_FILE reach the sandboxes only (sandbox-files.ts): a path outside
 * `<work dir>/slaves` is 403, a missing one 404, as `/files/read` answers. READ_FILE returns the
 * file's `size` and up to `length` bytes from `offset` (at most 1 MiB), base64 in JSON as Mesos
 * writes `bytes`.
 */
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Agent } from '../../agent/agent.js';
import { type RequestLimits, sendText } from './http-util.js';
import { type AgentCall, decodeAgentCall } from './operator-calls-decode.js';
import {
  type CommonSources,
  type Flag,
  isCommonCall,
  type OperatorAnswering,
  readOperatorCall,
  sendCommonResponse,
  sendOperatorResponse,
} from './operator-http.js';
import { MAX_READ_BYTES, resolveSandboxPath } from './sandbox-files.js';

/** What the endpoint reads from the live agent beyond the agent itself. */
export interface AgentOperatorOptions {
  readonly workDir: string;
  readonly flags: () => readonly Flag[];
  readonly version: string;
  readonly startedAtMs: number;
  readonly limits?: RequestLimits;
}

/** `/api/v1` on a live agent. */
export class AgentOperatorApi {
  readonly #agent: Agent;
  readonly #options: AgentOperatorOptions;

  readonly #common: CommonSources;

  constructor(agent: Agent, options: AgentOperatorOptions) {
    this.#agent = agent;
    this.#options = options;
    this.#common = { flags: options.flags, version: options.version, metrics: () => this.#metrics() };
  }

  /** Serves one `/api/v1` request. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const read = await readOperatorCall(req, res, decodeAgentCall, 'agent', this.#options.limits);
    if (read === undefined) return;
    return this.#dispatch(res, read.call, read.answering);
  }

  async #dispatch(res: ServerResponse, call: AgentCall, answering: OperatorAnswering): Promise<void> {
    const answer = (type: string, field: string, value: unknown) =>
      sendOperatorResponse(res, answering, type, field, value);
    if (isCommonCall(call)) return sendCommonResponse(res, answering, call.type, this.#common);
    switch (call.type) {
      case 'GET_STATE':
        return answer(call.type, 'get_state', this.#agent.operatorState());
      case 'GET_CONTAINERS':
        return answer(call.type, 'get_containers', { containers: this.#agent.containers() });
      case 'GET_FRAMEWORKS':
        return answer(call.type, 'get_frameworks', this.#agent.operatorState().get_frameworks);
      case 'GET_EXECUTORS':
        return answer(call.type, 'get_executors', this.#agent.operatorState().get_executors);
      case 'GET_TASKS':
        return answer(call.type, 'get_tasks', this.#agent.operatorState().get_tasks);
      case 'GET_AGENT':
        return answer(call.type, 'get_agent', { agent_info: this.#agent.info() });
      case 'LIST_FILES': {
        const listed = this.#list(call.path);
        if (!Array.isArray(listed)) return sendText(res, listed.status, listed.message);
        return answer(call.type, 'list_files', { file_infos: listed });
      }
      case 'READ_FILE': {
        const read = this.#read(call.path, call.offset, call.length);
        if ('status' in read) return sendText(res, read.status, read.message);
        return answer(call.type, 'read_file', read);
      }
      case 'UNSUPPORTED':
        return sendText(res, 501, `${call.name} is not implemented by Agora's agent`);
    }
  }

  /** A few of Mesos's agent metrics, from its state (the full set lives in `/metrics/snapshot`). */
  #metrics(): Record<string, number> {
    const state = this.#agent.operatorState();
    const count = (s: string) => state.get_tasks.launched_tasks.filter((t) => t.state === s).length;
    return {
      'slave/uptime_secs': (Date.now() - this.#options.startedAtMs) / 1000,
      'slave/registered': this.#agent.phase === 'registered' ? 1 : 0,
      'slave/frameworks_active': state.get_frameworks.frameworks.length,
      'slave/executors_running': state.get_executors.executors.length,
      'slave/tasks_staging': state.get_tasks.queued_tasks.length + count('TASK_STAGING'),
      'slave/tasks_starting': count('TASK_STARTING'),
      'slave/tasks_running': count('TASK_RUNNING'),
    };
  }

  #list(path: string): FileInfo[] | { status: number; message: string } {
    const found = resolveSandboxPath(this.#options.workDir, this.#agent.agentId, path, true);
    if (found.kind === 'refused') return found;
    if (!statSync(found.path).isDirectory()) return [fileInfo(found.path, path)];
    const base = path.endsWith('/') ? path.slice(0, -1) : path;
    return readdirSync(found.path)
      .sort()
      .map((name) => fileInfo(join(found.path, name), `${base}/${name}`));
  }

  #read(
    path: string,
    offset: number,
    length: number | undefined,
  ): { size: number; data: string } | { status: number; message: string } {
    const found = resolveSandboxPath(this.#options.workDir, this.#agent.agentId, path);
    if (found.kind === 'refused') return found;
    const fd = openSync(found.path, 'r');
    try {
      const size = fstatSync(fd).size;
      const start = Math.min(offset, size);
      const buffer = Buffer.alloc(Math.min(length ?? MAX_READ_BYTES, MAX_READ_BYTES, size - start));
      const read = readSync(fd, buffer, 0, buffer.length, start);
      return { size, data: buffer.subarray(0, read).toString('base64') };
    } finally {
      closeSync(fd);
    }
  }
}

/** Mesos `FileInfo`. */
interface FileInfo {
  readonly path: string;
  readonly nlink: number;
  readonly size: number;
  readonly mtime: { readonly nanoseconds: number };
  readonly mode: number;
  readonly uid: string;
  readonly gid: string;
}

/** `real`'s FileInfo under the name the caller used (uid and gid are numbers here, not names). */
function fileInfo(real: string, shown: string): FileInfo {
  const s = lstatSync(real);
  return {
    path: shown,
    nlink: s.nlink,
    size: s.size,
    mtime: { nanoseconds: Math.round(s.mtimeMs) * 1_000_000 },
    mode: s.mode,
    uid: String(s.uid),
    gid: String(s.gid),
  };
}
