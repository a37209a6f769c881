/**
 * An agent's sandbox files over HTTP, as Mesos's agent `/files` endpoints
 * (src/files/files.cpp, docs/endpoints/files/*.md):
 * - `GET /files/read?path=…&offset=…&length=…` answers JSON `{"data": "…", "offset": n}`: no
 *   `offset`, or -1, asks for the file's size, answered as the offset with no data (Mesos's
 *   pailer starts so); an offset at or past the end answers no data at that offset; no
 *   `length`, or -1, reads to the end; a read returns at most {@link MAX_READ_BYTES} (Mesos:
 *   16 pages); other negative numbers are 400;
 * - `GET /files/browse?path=…` lists a directory as Mesos's `FileInfo` models (`path`, `size`,
 *   `mtime`, `mode` as `ls` prints it, `nlink`, `uid`, `gid`), sorted by path;
 * - `GET /files/download?path=…` answers the file itself, as plain text so a browser shows a
 *   task's stdout in place (Mesos guesses a type from the extension and adds
 *   `Content-Disposition: attachment`).
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
 * is 404.
 */
import {
  closeSync,
  createReadStream,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { sendJson, sendText } from './http-util.js';

/** The most one `/files/read` returns: Mesos's 16 pages of 4 KiB (its UI pages through a file). */
export const MAX_READ_BYTES = 16 * 4096;

/** The paths the agent answers. */
export const FILES_READ_PATH = '/files/read';
export const FILES_DOWNLOAD_PATH = '/files/download';
export const FILES_BROWSE_PATH = '/files/browse';

/** Whether `path` is one of the `/files` endpoints (with or without Mesos's `.json`). */
export function isFilesPath(path: string): boolean {
  return [FILES_READ_PATH, FILES_DOWNLOAD_PATH, FILES_BROWSE_PATH].includes(path.replace(/\.json$/u, ''));
}

/** Where a requested path leads. */
export type SandboxPath =
  | { readonly kind: 'file' | 'directory'; readonly path: string }
  | { readonly kind: 'refused'; readonly status: 400 | 403 | 404; readonly message: string };

const VIRTUAL = /^\/frameworks\/([^/]+)\/executors\/([^/]+)\/runs\/latest(?:\/(.*))?$/u;

/**
 * Resolves `requested` against the sandboxes of the agent `agentId` (undefined until it has
 * registered) under `workDir`; see the module comment. A directory is refused (400) unless
 * `directories` is set (`/files/browse` and the operator API's LIST_FILES list one).
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
  return { kind: statSync(real).isDirectory() ? 'directory' : 'file', path: real };
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

/** Answers `/files/read`, `/files/browse` or `/files/download` (see the module comment). */
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
    sendText(res, 400, "Expecting 'path=value' in query.");
    return;
  }
  // Mesos strips a trailing slash from the path it is asked for.
  // Directories are let through here: browse lists one, read and download refuse it below.
  const found = resolveSandboxPath(
    workDir,
    agentId,
    requested.length > 1 ? requested.replace(/\/+$/u, '') : requested,
    true,
  );
  if (found.kind === 'refused') {
    sendText(res, found.status, found.message);
    return;
  }
  const endpoint = url.pathname.replace(/\.json$/u, '');
  if (endpoint === FILES_BROWSE_PATH) {
    sendJson(res, found.kind === 'directory' ? browse(found.path, requested.replace(/\/+$/u, '')) : []);
    return;
  }
  if (found.kind === 'directory') {
    sendText(
      res,
      400,
      endpoint === FILES_DOWNLOAD_PATH ? 'Cannot download a directory.' : 'Cannot read a directory.',
    );
    return;
  }
  if (endpoint === FILES_DOWNLOAD_PATH) {
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
  const offset = integerParam(url, 'offset', -1);
  const length = integerParam(url, 'length', -1);
  if (offset === undefined || length === undefined) {
    const name = offset === undefined ? 'offset' : 'length';
    sendText(
      res,
      400,
      `Failed to parse ${name}: expected a whole number, got '${url.searchParams.get(name)}'.`,
    );
    return;
  }
  if (offset < -1 || length < -1) {
    const [name, value] = offset < -1 ? ['offset', offset] : ['length', length];
    sendText(res, 400, `Negative ${name} provided: ${value}.`);
    return;
  }
  const fd = openSync(found.path, 'r');
  try {
    const size = fstatSync(fd).size;
    // Offset -1 asks for the size; at or past the end there is nothing to read.
    if (offset === -1 || offset >= size || length === 0) {
      sendJson(res, { data: '', offset: offset === -1 ? size : offset });
      return;
    }
    const wanted = length === -1 ? size - offset : length;
    const buffer = Buffer.alloc(Math.min(wanted, MAX_READ_BYTES, size - offset));
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    sendJson(res, { data: buffer.subarray(0, read).toString('utf8'), offset });
  } finally {
    closeSync(fd);
  }
}

/** A directory's entries as Mesos's `model(FileInfo)`, sorted by path (files.cpp `browse`). */
function browse(directory: string, virtualPath: string): Record<string, unknown>[] {
  const names = idNames();
  const out: Record<string, unknown>[] = [];
  for (const entry of readdirSync(directory).sort()) {
    let stats: Stats;
    try {
      // As Mesos: stat, so a link shows what it points to (reading through it is still refused
      // when that is outside the sandboxes).
      stats = statSync(join(directory, entry));
    } catch {
      continue;
    }
    out.push({
      path: `${virtualPath}/${entry}`,
      nlink: stats.nlink,
      size: stats.size,
      mtime: Math.floor(stats.mtimeMs / 1000),
      mode: modeString(stats),
      uid: names.users.get(stats.uid) ?? String(stats.uid),
      gid: names.groups.get(stats.gid) ?? String(stats.gid),
    });
  }
  return out;
}

/** A file's type and permissions as `ls -l` prints them (Mesos's `FileInfo` model). */
export function modeString(stats: Stats): string {
  const type = stats.isDirectory()
    ? 'd'
    : stats.isCharacterDevice()
      ? 'c'
      : stats.isBlockDevice()
        ? 'b'
        : stats.isFIFO()
          ? 'p'
          : stats.isSymbolicLink()
            ? 'l'
            : stats.isSocket()
              ? 's'
              : '-';
  let perms = '';
  for (let shift = 6; shift >= 0; shift -= 3) {
    const bits = (stats.mode >> shift) & 7;
    perms += `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
  }
  return type + perms;
}

/** User and group names by id, from /etc/passwd and /etc/group (Mesos asks getpwuid). */
function idNames(): { users: Map<number, string>; groups: Map<number, string> } {
  const table = (file: string) => {
    const out = new Map<number, string>();
    try {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const [name, , id] = line.split(':');
        if (name !== undefined && id !== undefined && name !== '') out.set(Number(id), name);
      }
    } catch {
      // No such file: ids stay numbers.
    }
    return out;
  };
  return { users: table('/etc/passwd'), groups: table('/etc/group') };
}

/** The query parameter `name` as a whole number, `fallback` if absent, undefined if not one. */
function integerParam(url: URL, name: string, fallback: number): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null) return fallback;
  const n = Number(text);
  return Number.isSafeInteger(n) && text.trim() !== '' ? n : undefined;
}
