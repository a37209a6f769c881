/**
 * An agent's sandbox files over HTTP, as Mesos's agent `/files` endpoints
 * (src/files/files.cpp): `GET /files/read?path=…&offset=…&length=…` answers JSON
 * `{"data": "…", "offset": n}` (an `offset` of -1 asks for the file's size, answered as the
 * offset with no data, as Mesos's pailer does), and `GET /files/download?path=…` answers the
 * file itself, as plain text so a browser shows a task's stdout in place.
 *
 * `path` is one of:
 * - Mesos's virtual path of an executor's latest run,
 *   `/frameworks/<framework>/executors/<executor>/runs/latest/<file>` (a command task's executor
 *   has the task's id), which a UI builds from `/master/state` alone;
 * - an absolute path in the agent's sandboxes, `<work dir>/slaves/…` (an executor's directory).
 *
 * Only the sandboxes are served: a path that resolves (after `..` and symbolic links) outside
 * `<work dir>/slaves` is refused with 403, so the agent's checkpoint (`<work dir>/meta`, with the
 * executors' tokens) and the rest of the machine stay out of reach; a path that does not exist
 * is 404. A read returns at most {@link MAX_READ_BYTES}.
 */
import {
  closeSync,
  createReadStream,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  statSync,
} from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { sendJson, sendText } from './http-util.js';

/** The most one `/files/read` returns (Mesos's UI pages through a file in such reads). */
export const MAX_READ_BYTES = 1024 * 1024;

/** The paths the agent answers. */
export const FILES_READ_PATH = '/files/read';
export const FILES_DOWNLOAD_PATH = '/files/download';

/** Where a requested path leads. */
export type SandboxPath =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'refused'; readonly status: 400 | 403 | 404; readonly message: string };

const VIRTUAL = /^\/frameworks\/([^/]+)\/executors\/([^/]+)\/runs\/latest(?:\/(.*))?$/u;

/**
 * Resolves `requested` against the sandboxes of the agent `agentId` (undefined until it has
 * registered) under `workDir`; see the module comment. A directory is refused (400) unless
 * `directories` is set (the operator API's LIST_FILES lists one).
 */
export function resolveSandboxPath(
  workDir: string,
  agentId: string | undefined,
  requested: string,
  directories = false,
): SandboxPath {
  let root: string;
  try {
    root = realpathSync(join(workDir, 'slaves'));
  } catch {
    return { kind: 'refused', status: 404, message: `No such file: ${requested} (no sandbox yet)` };
  }
  let candidate: string;
  const virtual = VIRTUAL.exec(requested);
  if (virtual !== null) {
    const [, framework, executor, rest] = virtual as unknown as [string, string, string, string | undefined];
    if (agentId === undefined) return { kind: 'refused', status: 404, message: `No such file: ${requested}` };
    const runs = join(root, agentId, 'frameworks', framework, 'executors', executor, 'runs');
    const latest = latestRun(runs);
    if (latest === undefined) return { kind: 'refused', status: 404, message: `No such file: ${requested}` };
    candidate = join(runs, latest, rest ?? '');
  } else if (isAbsolute(requested)) {
    candidate = requested;
  } else {
    return {
      kind: 'refused',
      status: 404,
      message: `No such file: ${requested} (expected /frameworks/<id>/executors/<id>/runs/latest/<file> or an absolute sandbox path)`,
    };
  }
  // Refused before looking: whether a file exists outside the sandboxes is not the agent's to say.
  const lexical = resolve(candidate);
  if (!within(lexical, root) && !within(lexical, resolve(workDir, 'slaves'))) return outside(requested);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return { kind: 'refused', status: 404, message: `No such file: ${requested}` };
  }
  if (!within(real, root)) return outside(requested);
  if (!directories && statSync(real).isDirectory()) {
    return { kind: 'refused', status: 400, message: `Cannot read a directory: ${requested}` };
  }
  return { kind: 'file', path: real };
}

/** Whether `path` is `root` or below it. */
function within(path: string, root: string): boolean {
  return path === root || path.startsWith(root + sep);
}

function outside(requested: string): SandboxPath {
  return { kind: 'refused', status: 403, message: `${requested} is outside the agent's sandboxes` };
}

/** The run (container) folder in `runs` changed last, if any: Mesos's `latest` link. */
function latestRun(runs: string): string | undefined {
  let best: { name: string; mtimeMs: number } | undefined;
  try {
    for (const entry of readdirSync(runs, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const mtimeMs = statSync(join(runs, entry.name)).mtimeMs;
      if (best === undefined || mtimeMs > best.mtimeMs) best = { name: entry.name, mtimeMs };
    }
  } catch {
    return undefined;
  }
  return best?.name;
}

/** Answers `/files/read` or `/files/download` (see the module comment). */
export function serveSandboxFile(
  req: IncomingMessage,
  res: ServerResponse,
  workDir: string,
  agentId: string | undefined,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, `Expecting 'GET', received '${req.method ?? ''}'`, { Allow: 'GET' });
    return;
  }
  const url = new URL(req.url ?? '/', 'http://agent');
  const requested = url.searchParams.get('path');
  if (requested === null || requested === '') {
    sendText(res, 400, "Expecting 'path' query parameter");
    return;
  }
  const found = resolveSandboxPath(workDir, agentId, requested);
  if (found.kind === 'refused') {
    sendText(res, found.status, found.message);
    return;
  }
  if (url.pathname === FILES_DOWNLOAD_PATH) {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(found.path)
      .on('error', () => res.destroy())
      .pipe(res);
    return;
  }
  const offset = integerParam(url, 'offset', 0);
  const length = integerParam(url, 'length', MAX_READ_BYTES);
  if (offset === undefined || offset < -1) {
    sendText(
      res,
      400,
      `Failed to parse offset: expected a whole number ≥ -1, got '${url.searchParams.get('offset')}'`,
    );
    return;
  }
  if (length === undefined || length < 0) {
    sendText(
      res,
      400,
      `Failed to parse length: expected a whole number ≥ 0, got '${url.searchParams.get('length')}'`,
    );
    return;
  }
  const fd = openSync(found.path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (offset === -1) {
      sendJson(res, { data: '', offset: size });
      return;
    }
    const start = Math.min(offset, size);
    const buffer = Buffer.alloc(Math.min(length, MAX_READ_BYTES, size - start));
    const read = readSync(fd, buffer, 0, buffer.length, start);
    sendJson(res, { data: buffer.subarray(0, read).toString('utf8'), offset: start });
  } finally {
    closeSync(fd);
  }
}

/** The query parameter `name` as a whole number, `fallback` if absent, undefined if not one. */
function integerParam(url: URL, name: string, fallback: number): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null) return fallback;
  const n = Number(text);
  return Number.isSafeInteger(n) && text.trim() !== '' ? n : undefined;
}
