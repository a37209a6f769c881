/**
 * Finds the leading master in ZooKeeper, as Mesos's ZooKeeperMasterDetector does: it watches the
 * masters' group under the URL's path, takes the member with the lowest sequence among the
 * `json.info_<seq>` nodes, reads its MasterInfo, and says so each time the leader changes (or
 * when there is none). Agents, frameworks and non-leading masters use it to find the leader.
 * A session that expires is replaced by a new one; while disconnected, the last leader seen
 * stays the answer (a watch cannot fire then, and ZooKeeper keeps the leader's node until its
 * session expires).
 */
import type { MasterInfo } from '../../../core/messages/cluster-info.js';
import { readMasterInfo } from './master-info-json.js';
import { groupMembers, MASTER_INFO_JSON_LABEL, ZK_NO_NODE, ZkSession, zkErrorCode } from './zk-session.js';
import type { ZkUrl } from './zk-url.js';

/** The leader as the group shows it. */
export interface DetectedLeader {
  readonly info: MasterInfo;
  /** Its znode's sequence number: the leader's epoch. */
  readonly sequence: number;
  /** Its znode, e.g. `/mesos/json.info_0000000003`. */
  readonly znode: string;
}

/** How a {@link LeaderDetector} runs. */
export interface LeaderDetectorOptions {
  readonly sessionTimeoutMs: number;
  /** Called with every new leader, or undefined when there is none. */
  readonly changed: (leader: DetectedLeader | undefined) => void;
  readonly log?: (line: string) => void;
}

/** Watches the masters' group (see the module comment); stop it with {@link close}. */
export class LeaderDetector {
  readonly #url: ZkUrl;
  readonly #options: LeaderDetectorOptions;
  #session: ZkSession | undefined;
  #leader: DetectedLeader | undefined;
  #closed = false;
  /** Bumped on every new session and close, so answers of an older one are dropped. */
  #generation = 0;

  constructor(url: ZkUrl, options: LeaderDetectorOptions) {
    this.#url = url;
    this.#options = options;
  }

  /** The leader last seen. */
  get leader(): DetectedLeader | undefined {
    return this.#leader;
  }

  /** Connects and starts watching. */
  start(): void {
    void this.#connect();
  }

  /** Resolves with the leader once one is known. */
  async nextLeader(): Promise<DetectedLeader> {
    const known = this.#leader;
    if (known !== undefined) return known;
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  readonly #waiters: ((leader: DetectedLeader) => void)[] = [];

  /** Stops watching and ends the session. */
  close(): void {
    this.#closed = true;
    this.#generation++;
    this.#session?.close();
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const generation = ++this.#generation;
    const session = await ZkSession.open(this.#url, this.#options.sessionTimeoutMs, {
      expired: () => {
        if (generation !== this.#generation) return;
        this.#options.log?.('ZooKeeper session expired; detecting the leader on a new one');
        session.close();
        void this.#connect();
      },
    });
    if (generation !== this.#generation) {
      session.close();
      return;
    }
    this.#session = session;
    await this.#watch(session, generation);
  }

  async #watch(session: ZkSession, generation: number): Promise<void> {
    if (generation !== this.#generation) return;
    const again = () => void this.#watch(session, generation);
    try {
      let children: string[];
      try {
        children = await session.children(this.#url.path, again);
      } catch (e) {
        if (zkErrorCode(e) !== ZK_NO_NODE) throw e;
        // No master has contended yet: create the path, so its children can be watched.
        await session.mkdirp(this.#url.path);
        children = await session.children(this.#url.path, again);
      }
      const leading = groupMembers(children).find((m) => m.label === MASTER_INFO_JSON_LABEL);
      if (leading === undefined) {
        this.#set(undefined);
        return;
      }
      const znode = `${this.#url.path}/${leading.name}`;
      if (this.#leader?.znode === znode) return;
      const read = await session.getData(znode);
      if (read === undefined) return again(); // Gone between the two reads.
      const info = readMasterInfo(read.data);
      if (typeof info === 'string') {
        this.#options.log?.(`the leading znode ${znode} holds no MasterInfo JSON (${info}); no leader`);
        this.#set(undefined);
        return;
      }
      if (generation === this.#generation) this.#set({ info, sequence: leading.sequence, znode });
    } catch (e) {
      if (generation !== this.#generation || session.closed) return;
      // Connection loss: the watch is re-armed once the session is back (or a new one is made).
      this.#options.log?.(`watching the masters in ZooKeeper failed (${String(e)}); trying again`);
      setTimeout(again, 200).unref();
    }
  }

  #set(leader: DetectedLeader | undefined): void {
    if (leader?.znode === this.#leader?.znode) return;
    this.#leader = leader;
    this.#options.changed(leader);
    if (leader !== undefined) for (const w of this.#waiters.splice(0)) w(leader);
  }
}
