/**
 * One ZooKeeper session through node-zookeeper-client, with promises. A session that expires is
 * over: the library's client cannot be used again, so whoever holds one makes a new session
 * (Mesos's Group does the same when ZooKeeper says its session expired).
 */
import zookeeper, { type Client, type Event, type Stat } from 'node-zookeeper-client';
import type { ZkUrl } from './zk-url.js';

/** The client library's error codes the callers tell apart. */
export const ZK_NO_NODE = zookeeper.Exception.NO_NODE;
export const ZK_NODE_EXISTS = zookeeper.Exception.NODE_EXISTS;
export const ZK_BAD_VERSION = zookeeper.Exception.BAD_VERSION;

/** The code of a ZooKeeper error, if `e` is one. */
export function zkErrorCode(e: unknown): number | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** What a session tells its owner. */
export interface ZkSessionEvents {
  /** The connection was lost; the session may still come back within its timeout. */
  readonly disconnected?: () => void;
  /** ZooKeeper expired the session: its ephemeral nodes are gone, the session is over. */
  readonly expired?: () => void;
}

/** A ZooKeeper session (see the module comment). */
export class ZkSession {
  readonly client: Client;
  #closed = false;

  private constructor(client: Client) {
    this.client = client;
  }

  /**
   * Connects to `url`'s servers with `sessionTimeoutMs` and resolves once connected; the client
   * keeps trying the servers in turn until then (or until {@link close}).
   */
  static open(url: ZkUrl, sessionTimeoutMs: number, events: ZkSessionEvents = {}): Promise<ZkSession> {
    const client = zookeeper.createClient(url.servers, {
      sessionTimeout: sessionTimeoutMs,
      spinDelay: 100,
      retries: 0,
    });
    if (url.digest !== undefined) client.addAuthInfo('digest', Buffer.from(url.digest));
    const session = new ZkSession(client);
    client.on('disconnected', () => {
      if (!session.#closed) events.disconnected?.();
    });
    client.on('expired', () => {
      if (!session.#closed) events.expired?.();
    });
    return new Promise((resolve) => {
      client.once('connected', () => resolve(session));
      client.connect();
    });
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The session timeout the server granted (it bounds the one asked for by its tick). */
  get timeoutMs(): number {
    return this.client.getSessionTimeout();
  }

  /** Ends the session (its ephemeral nodes go at once, if the server can be told). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.client.close();
  }

  mkdirp(path: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.client.mkdirp(path, (e) => (e === null || e === undefined ? resolve() : reject(e))),
    );
  }

  create(path: string, data: Buffer, mode: number): Promise<string> {
    return new Promise((resolve, reject) =>
      this.client.create(path, data, mode, (e, created) =>
        e === null || e === undefined ? resolve(created) : reject(e),
      ),
    );
  }

  children(path: string, watcher?: (event: Event) => void): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const done = (e: unknown, children: string[]) =>
        e === null || e === undefined ? resolve(children) : reject(e);
      if (watcher === undefined) this.client.getChildren(path, done);
      else this.client.getChildren(path, watcher, done);
    });
  }

  /** The node's data and version, or undefined if there is no such node. */
  getData(
    path: string,
    watcher?: (event: Event) => void,
  ): Promise<{ data: Buffer | undefined; version: number } | undefined> {
    return new Promise((resolve, reject) => {
      const done = (e: unknown, data: Buffer | undefined, stat: Stat) => {
        if (e === null || e === undefined) resolve({ data: data ?? undefined, version: stat.version });
        else if (zkErrorCode(e) === ZK_NO_NODE) resolve(undefined);
        else reject(e);
      };
      if (watcher === undefined) this.client.getData(path, done);
      else this.client.getData(path, watcher, done);
    });
  }

  /** Sets the node's data if its version is still `version`; resolves with the new version. */
  setData(path: string, data: Buffer, version: number): Promise<number> {
    return new Promise((resolve, reject) =>
      this.client.setData(path, data, version, (e, stat) =>
        e === null || e === undefined ? resolve(stat.version) : reject(e),
      ),
    );
  }

  exists(path: string): Promise<boolean> {
    return new Promise((resolve, reject) =>
      this.client.exists(path, (e, stat) =>
        e === null || e === undefined ? resolve(stat !== null && stat !== undefined) : reject(e),
      ),
    );
  }
}

/** Creates ephemeral sequential nodes. */
export const EPHEMERAL_SEQUENTIAL = zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL;
/** Creates plain persistent nodes. */
export const PERSISTENT = zookeeper.CreateMode.PERSISTENT;

/** The label Mesos's masters give their znodes (`json.info_<seq>`: MasterInfo as JSON). */
export const MASTER_INFO_JSON_LABEL = 'json.info';

/**
 * The members of a Mesos group among `children`: `<label>_<sequence>` nodes (Mesos's Group skips
 * nodes without a sequence, such as Agora's `registry`), lowest sequence first.
 */
export function groupMembers(
  children: readonly string[],
): { name: string; label: string; sequence: number }[] {
  const members: { name: string; label: string; sequence: number }[] = [];
  for (const name of children) {
    const match = /^(?:(.*)_)?(\d+)$/u.exec(name);
    if (match === null) continue;
    members.push({ name, label: match[1] ?? '', sequence: Number(match[2]) });
  }
  return members.sort((a, b) => a.sequence - b.sequence);
}
