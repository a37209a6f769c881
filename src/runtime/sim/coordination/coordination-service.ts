/**
 * A simulated coordination service: the part of ZooKeeper that Mesos's masters, agents and
 * frameworks rely on (and that src/runtime/live/zk uses on a real server), as a sans-IO model
 * driven by the simulated clock.
 *
 * - **Sessions with timeouts.** A client opens a session with a timeout; every request it makes
 *   (or a ping) tells the service it is alive. A session the service has not heard from for its
 *   timeout expires at {@link CoordinationService.expireDue}: its ephemeral nodes are deleted and
 *   the watches those deletions trigger fire. An expired or closed session answers every request
 *   with `session-expired`, as ZooKeeper's SESSIONEXPIRED: the client must open a new one.
 * - **Nodes.** A tree of paths, each node with data and a version bumped by every `setData`
 *   (`setData`/`delete` with a version apply only if it still matches: BADVERSION otherwise).
 *   Ephemeral nodes belong to a session and have no children. Sequential nodes get the parent's
 *   next sequence number appended, zero-padded to ten digits as ZooKeeper does; the counter only
 *   grows (ZooKeeper derives it from the parent's child-version, which deletions bump too), so a
 *   sequence is never reused.
 * - **Watches.** One-shot, as in ZooKeeper: `getChildren`/`getData`/`exists` with a watch leave
 *   one on the path for that session; the next change of that kind fires it once and removes it
 *   (a session sets at most one of each kind per path, so a change fires it once however many
 *   times it was asked for). A watch of a session that ends is dropped.
 * - **Server crash.** While the service is down (the ensemble lost its quorum) every request
 *   answers `connection-loss` and nothing expires: in ZooKeeper only a serving leader expires
 *   sessions, and a new one restarts every session's timeout. So {@link recover} gives every
 *   live session a fresh timeout from that instant.
 *
 * Nothing here reads a clock: every call that depends on time takes `nowMs`, so a run is a pure
 * function of the calls made, and the simulated world makes them from its one seed.
 */

import { err, ok, type Result } from '../../../core/result.js';

/** A session's id (positive, assigned in order from 1). */
export type SessionId = number;

/** How a node is created (ZooKeeper's CreateMode). */
export type NodeMode = 'persistent' | 'persistent-sequential' | 'ephemeral' | 'ephemeral-sequential';

/** ZooKeeper's error codes, as far as this model can produce them. */
export type CoordinationError =
  | 'connection-loss'
  | 'session-expired'
  | 'no-node'
  | 'node-exists'
  | 'bad-version'
  | 'not-empty'
  | 'no-children-for-ephemerals'
  | 'bad-arguments';

/** What a fired watch reports (ZooKeeper's WatchedEvent types). */
export type WatchKind = 'children-changed' | 'data-changed' | 'created' | 'deleted';

/** A fired watch, to be delivered to `session`'s client. */
export interface WatchEvent {
  readonly session: SessionId;
  readonly kind: WatchKind;
  readonly path: string;
}

/** A node's data and version. */
export interface NodeData {
  readonly data: string;
  readonly version: number;
}

/** Why a session ended, for the trace. */
export type SessionEnd = 'expired' | 'closed';

/** Hooks the model calls as it goes (the world turns them into deliveries and trace lines). */
export interface CoordinationHooks {
  /** A watch fired. */
  readonly watch?: (event: WatchEvent) => void;
  /** A session ended (its ephemerals are already gone). */
  readonly sessionEnded?: (session: SessionId, how: SessionEnd) => void;
}

/** ZooKeeper pads sequence numbers to ten digits. */
const SEQUENCE_DIGITS = 10;

interface ZNode {
  data: string;
  version: number;
  readonly owner: SessionId | undefined;
  readonly children: Set<string>;
  /** The next sequence number for a sequential child. */
  nextSequence: number;
}

interface Session {
  readonly timeoutMs: number;
  lastHeardMs: number;
  readonly ephemerals: Set<string>;
}

/** Which watch table a watch lives in. */
type WatchTable = 'data' | 'children';

/** The model; see the module comment. */
export class CoordinationService {
  readonly #nodes = new Map<string, ZNode>();
  readonly #sessions = new Map<SessionId, Session>();
  /** path → sessions watching the node's data (getData/exists). */
  readonly #dataWatches = new Map<string, Set<SessionId>>();
  /** path → sessions watching the node's children (getChildren). */
  readonly #childWatches = new Map<string, Set<SessionId>>();
  readonly #hooks: CoordinationHooks;
  #nextSession: SessionId = 1;
  #up = true;

  constructor(hooks: CoordinationHooks = {}) {
    this.#hooks = hooks;
    this.#nodes.set('/', newNode('', undefined));
  }

  /** Whether the service is serving (not crashed). */
  get up(): boolean {
    return this.#up;
  }

  /** Sessions alive now (for checks and tests). */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Whether `session` is alive. */
  alive(session: SessionId): boolean {
    return this.#sessions.has(session);
  }

  /** Opens a session with `timeoutMs` (> 0). */
  openSession(nowMs: number, timeoutMs: number): Result<SessionId, CoordinationError> {
    if (!this.#up) return err('connection-loss');
    if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) return err('bad-arguments');
    const id = this.#nextSession++;
    this.#sessions.set(id, { timeoutMs, lastHeardMs: nowMs, ephemerals: new Set() });
    return ok(id);
  }

  /** A ping: `session` is alive at `nowMs`. */
  ping(session: SessionId, nowMs: number): Result<void, CoordinationError> {
    const s = this.#heard(session, nowMs);
    return s.ok ? ok(undefined) : s;
  }

  /** Closes `session` at once: its ephemerals go, as at expiry. */
  closeSession(session: SessionId): Result<void, CoordinationError> {
    if (!this.#up) return err('connection-loss');
    if (!this.#sessions.has(session)) return err('session-expired');
    this.#end(session, 'closed');
    return ok(undefined);
  }

  /** When the next session would expire if nobody is heard from (Infinity: none, or down). */
  nextExpiryMs(): number {
    if (!this.#up) return Number.POSITIVE_INFINITY;
    let next = Number.POSITIVE_INFINITY;
    for (const s of this.#sessions.values()) next = Math.min(next, s.lastHeardMs + s.timeoutMs);
    return next;
  }

  /** Expires every session not heard from for its timeout by `nowMs`, in id order; returns them. */
  expireDue(nowMs: number): SessionId[] {
    if (!this.#up) return [];
    const due: SessionId[] = [];
    for (const [id, s] of this.#sessions) if (s.lastHeardMs + s.timeoutMs <= nowMs) due.push(id);
    for (const id of due) this.#end(id, 'expired');
    return due;
  }

  /** Expires `session` now whatever its timeout (a fault: the server lost track of it). */
  expire(session: SessionId): boolean {
    if (!this.#up || !this.#sessions.has(session)) return false;
    this.#end(session, 'expired');
    return true;
  }

  /** The service stops serving (see the module comment). */
  crash(): void {
    this.#up = false;
  }

  /** The service serves again; every live session's timeout starts over at `nowMs`. */
  recover(nowMs: number): void {
    this.#up = true;
    for (const s of this.#sessions.values()) s.lastHeardMs = nowMs;
  }

  /**
   * Creates `path` (its parent must exist). Sequential modes append the parent's next sequence;
   * returns the path created.
   */
  create(
    session: SessionId,
    nowMs: number,
    path: string,
    data: string,
    mode: NodeMode,
  ): Result<string, CoordinationError> {
    const s = this.#heard(session, nowMs);
    if (!s.ok) return s;
    const parentPath = parentOf(path);
    if (parentPath === undefined) return err('bad-arguments');
    const parent = this.#nodes.get(parentPath);
    if (parent === undefined) return err('no-node');
    if (parent.owner !== undefined) return err('no-children-for-ephemerals');
    let created = path;
    if (mode === 'persistent-sequential' || mode === 'ephemeral-sequential') {
      created = `${path}${String(parent.nextSequence).padStart(SEQUENCE_DIGITS, '0')}`;
    }
    if (this.#nodes.has(created)) return err('node-exists');
    // The counter moves on every child created, as the parent's cversion does in ZooKeeper.
    parent.nextSequence++;
    const ephemeral = mode === 'ephemeral' || mode === 'ephemeral-sequential';
    this.#nodes.set(created, newNode(data, ephemeral ? session : undefined));
    parent.children.add(nameOf(created));
    if (ephemeral) s.value.ephemerals.add(created);
    this.#fire('data', created, 'created');
    this.#fire('children', parentPath, 'children-changed');
    return ok(created);
  }

  /** Creates every missing node along `path` as persistent (ZooKeeper clients' mkdirp). */
  mkdirp(session: SessionId, nowMs: number, path: string): Result<void, CoordinationError> {
    const s = this.#heard(session, nowMs);
    if (!s.ok) return s;
    const parts = path.split('/').filter((p) => p !== '');
    let at = '';
    for (const part of parts) {
      at = `${at}/${part}`;
      if (this.#nodes.has(at)) continue;
      const made = this.create(session, nowMs, at, '', 'persistent');
      if (!made.ok) return made;
    }
    return ok(undefined);
  }

  /** The names of `path`'s children, sorted; with `watch`, a one-shot children watch. */
  getChildren(
    session: SessionId,
    nowMs: number,
    path: string,
    watch: boolean,
  ): Result<string[], CoordinationError> {
    const s = this.#heard(session, nowMs);
    if (!s.ok) return s;
    const node = this.#nodes.get(path);
    if (node === undefined) return err('no-node');
    if (watch) addWatch(this.#childWatches, path, session);
    return ok([...node.children].sort());
  }

  /** `path`'s data and version; with `watch`, a one-shot data watch (none on a missing node, as in ZooKeeper). */
  getData(
    session: SessionId,
    nowMs: number,
    path: string,
    watch: boolean,
  ): Result<NodeData, CoordinationError> {
    const s = this.#heard(session, nowMs);
    if (!s.ok) return s;
    const node = this.#nodes.get(path);
    if (node === undefined) return err('no-node');
    if (watch) addWatch(this.#dataWatches, path, session);
    return ok({ data: node.data, version: node.version });
  }

  /** Whether `path` exists; with `watch`, a one-shot watch that its creation, change or deletion fires. */
  exists(
    session: SessionId,
    nowMs: number,
    path: string,
    watch: boolean,
  ): Result<boolean, CoordinationError> {
    const s = this.#heard(session, nowMs);
    if (!s.ok) return s;
    if (watch) addWatch(this.#dataWatches, path, session);
    return ok(this.#nodes.has(path));
  }

  /** Replaces `path`'s data if its version is `version` (-1: any); returns the new version. */
  setData(
    session: SessionId,
    nowMs: number,
    path: string,
    data: string,
    version: number,
  ): Result<number, CoordinationError> {
    const s = this.#heard(session, nowMs);
    if (!s.ok) return s;
    const node = this.#nodes.get(path);
    if (node === undefined) return err('no-node');
    if (version !== -1 && version !== node.version) return err('bad-version');
    node.data = data;
    node.version++;
    this.#fire('data', path, 'data-changed');
    return ok(node.version);
  }

  /** Deletes `path` (no children) if its version is `version` (-1: any). */
  delete(session: SessionId, nowMs: number, path: string, version: number): Result<void, CoordinationError> {
    const s = this.#heard(session, nowMs);
    if (!s.ok) return s;
    const node = this.#nodes.get(path);
    if (node === undefined || path === '/') return err('no-node');
    if (version !== -1 && version !== node.version) return err('bad-version');
    if (node.children.size > 0) return err('not-empty');
    this.#remove(path);
    return ok(undefined);
  }

  /**
   * `path`'s children, sorted, as the service holds them, with no session and no watch: the
   * simulated world's own look (its detectors and checks), not a client request.
   */
  peekChildren(path: string): string[] {
    return [...(this.#nodes.get(path)?.children ?? [])].sort();
  }

  /** `path`'s data and version, with no session and no watch (see {@link peekChildren}). */
  peekData(path: string): NodeData | undefined {
    const node = this.#nodes.get(path);
    return node === undefined ? undefined : { data: node.data, version: node.version };
  }

  /** The session owning the ephemeral node at `path`, if it is one (for checks). */
  ownerOf(path: string): SessionId | undefined {
    return this.#nodes.get(path)?.owner;
  }

  #heard(session: SessionId, nowMs: number): Result<Session, CoordinationError> {
    if (!this.#up) return err('connection-loss');
    const s = this.#sessions.get(session);
    if (s === undefined) return err('session-expired');
    // A request arriving after the session's deadline finds it expired, even if no one has
    // called expireDue yet: ZooKeeper's session tracker would have expired it on time.
    if (s.lastHeardMs + s.timeoutMs <= nowMs) {
      this.#end(session, 'expired');
      return err('session-expired');
    }
    s.lastHeardMs = Math.max(s.lastHeardMs, nowMs);
    return ok(s);
  }

  #end(session: SessionId, how: SessionEnd): void {
    const s = this.#sessions.get(session);
    if (s === undefined) return;
    this.#sessions.delete(session);
    for (const table of [this.#dataWatches, this.#childWatches]) {
      for (const [path, watchers] of table) {
        watchers.delete(session);
        if (watchers.size === 0) table.delete(path);
      }
    }
    for (const path of [...s.ephemerals].sort()) this.#remove(path);
    this.#hooks.sessionEnded?.(session, how);
  }

  #remove(path: string): void {
    const node = this.#nodes.get(path);
    if (node === undefined) return;
    this.#nodes.delete(path);
    if (node.owner !== undefined) this.#sessions.get(node.owner)?.ephemerals.delete(path);
    const parentPath = parentOf(path) as string;
    this.#nodes.get(parentPath)?.children.delete(nameOf(path));
    this.#fire('data', path, 'deleted');
    this.#fire('children', path, 'deleted');
    this.#fire('children', parentPath, 'children-changed');
  }

  /** Fires (and removes) the watches on `path` in `table`, in session order. */
  #fire(table: WatchTable, path: string, kind: WatchKind): void {
    const watches = table === 'data' ? this.#dataWatches : this.#childWatches;
    const watchers = watches.get(path);
    if (watchers === undefined) return;
    watches.delete(path);
    for (const session of [...watchers].sort((a, b) => a - b)) {
      this.#hooks.watch?.({ session, kind, path });
    }
  }
}

/** The sequence number a sequential node's name ends with, or undefined. */
export function sequenceOf(name: string): number | undefined {
  const match = /_(\d{10})$/u.exec(name);
  return match === null ? undefined : Number(match[1]);
}

function newNode(data: string, owner: SessionId | undefined): ZNode {
  return { data, version: 0, owner, children: new Set(), nextSequence: 0 };
}

function addWatch(table: Map<string, Set<SessionId>>, path: string, session: SessionId): void {
  let watchers = table.get(path);
  if (watchers === undefined) {
    watchers = new Set();
    table.set(path, watchers);
  }
  watchers.add(session);
}

/** `/a/b` → `/a`, `/a` → `/`, `/` or a path not starting with `/` → undefined. */
function parentOf(path: string): string | undefined {
  if (!path.startsWith('/') || path === '/' || path.endsWith('/')) return undefined;
  const at = path.lastIndexOf('/');
  return at === 0 ? '/' : path.slice(0, at);
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
