/**
 * `agora master --zk zk://…/path`: a master among several, of which ZooKeeper elects one
 * (leader-contender.ts). It listens on its port from the start. While it follows, a small server
 * there answers as a Mesos master that is not elected does (leader-redirect.ts): 307 to the
 * leader, 503 while none is known, `/health` 200. Once elected, it reads the registry from
 * ZooKeeper (zk-registry-store.ts) and runs the real {@link MasterServer} on the same port, with
 * the registry written through ZooKeeper, every message it sends fenced by its lease, and its
 * epoch on every message to agents (agents refuse older epochs: agent-epoch.ts). When deposed it
 * stops that master at once, follows again, and contends anew.
 */
import type { Server } from 'node:http';
import { parseRegistry } from '../../../master/registry.js';
import { listenWithLimits, sendJson, sendText } from '../http-util.js';
import { MasterServer, type MasterServerOptions, RegistryError } from '../master-server.js';
import { MESSAGE_PATH } from '../node-messages.js';
import { MASTER_EPOCH_HEADER } from './agent-epoch.js';
import { contenderId, LeaderContender } from './leader-contender.js';
import { type DetectedLeader, LeaderDetector } from './leader-detector.js';
import { leaderFields, redirectToLeader } from './leader-redirect.js';
import { contenderInfo } from './master-info-json.js';
import { DEFAULT_ZK_SESSION_TIMEOUT_MS } from './zk-defaults.js';
import { readRegistry, zkRegistryStore } from './zk-registry-store.js';
import type { ZkSession } from './zk-session.js';
import type { ZkUrl } from './zk-url.js';
import { freePort } from './zookeeper-server.js';

/** How to start a master that contends through ZooKeeper. */
export interface HaMasterOptions extends MasterServerOptions {
  readonly zk: ZkUrl;
  /** Mesos `--zk_session_timeout` (default 10 s). */
  readonly sessionTimeoutMs?: number;
}

/** A master in a ZooKeeper-elected group (see the module comment); stop it with {@link close}. */
export class HaMaster {
  readonly url: string;
  readonly port: number;
  readonly #options: HaMasterOptions;
  readonly #host: string;
  readonly #contender: LeaderContender;
  readonly #detector: LeaderDetector;
  readonly #log: (line: string) => void;
  #follower: Server | undefined;
  #leader: MasterServer | undefined;
  #epoch: number | undefined;
  /** Transitions (follow → lead → follow) run one after another. */
  #transitions: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(options: HaMasterOptions, host: string, port: number) {
    this.#options = options;
    this.#host = host;
    this.port = port;
    const scheme = options.tls === undefined ? 'http' : 'https';
    this.url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.#log = options.log ?? (() => {});
    const timeoutMs = options.sessionTimeoutMs ?? DEFAULT_ZK_SESSION_TIMEOUT_MS;
    const info = contenderInfo(contenderId(), host, port);
    this.#detector = new LeaderDetector(options.zk, {
      sessionTimeoutMs: timeoutMs,
      changed: (leader) =>
        this.#log(leader === undefined ? 'no leader in ZooKeeper' : `the leader is ${describe(leader)}`),
      log: this.#log,
    });
    this.#contender = new LeaderContender(options.zk, timeoutMs, () => info, {
      elected: (epoch, session) => this.#enqueue(() => this.#lead(epoch, session)),
      deposed: (reason) => {
        this.#log(`no longer the leader: ${reason}; following and contending again`);
        this.#enqueue(() => this.#follow());
      },
      log: this.#log,
    });
  }

  /** Listens (as a follower), then contends. */
  static async start(options: HaMasterOptions): Promise<HaMaster> {
    const host = options.host ?? '127.0.0.1';
    // The port goes into the MasterInfo it contends with, so it is fixed before contending.
    const port = options.port === 0 ? await freePort() : (options.port ?? 5050);
    const ha = new HaMaster(options, host, port);
    await ha.#follow();
    ha.#log(
      `following; contending for leadership through ZooKeeper at ${options.zk.servers}${options.zk.path} (session timeout ${(options.sessionTimeoutMs ?? DEFAULT_ZK_SESSION_TIMEOUT_MS) / 1000} s)`,
    );
    if (options.workDir !== undefined) {
      ha.#log(`the registry is kept in ZooKeeper (${options.zk.path}/registry), not in ${options.workDir}`);
    }
    ha.#detector.start();
    ha.#contender.start();
    return ha;
  }

  /** Whether it leads now (elected, lease valid, and its master running). */
  get leading(): boolean {
    return this.#leader !== undefined && this.#contender.leading();
  }

  /** Its epoch while it leads. */
  get epoch(): number | undefined {
    return this.leading ? this.#epoch : undefined;
  }

  /** The running master while it leads (tests look inside). */
  get master(): MasterServer | undefined {
    return this.#leader;
  }

  /** Withdraws from the election and stops serving. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#contender.close();
    this.#detector.close();
    await this.#enqueue(async () => {
      await this.#stopLeading();
      await this.#stopFollowing();
    });
  }

  #enqueue(step: () => Promise<void>): Promise<void> {
    this.#transitions = this.#transitions.then(step).catch((e: unknown) => {
      this.#log(`changing role failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    });
    return this.#transitions;
  }

  async #lead(epoch: number, session: ZkSession): Promise<void> {
    if (this.#closed || !this.#contender.leading()) return;
    const path = this.#options.zk.path;
    const snapshot = await readRegistry(session, path);
    if (snapshot.text !== undefined) {
      const parsed = parseRegistry(snapshot.text);
      // Mesos's master exits when it cannot recover its registry; this one stops leading.
      if (typeof parsed === 'string') throw new RegistryError(`${path}/registry in ZooKeeper: ${parsed}`);
    }
    if (!this.#contender.leading()) return;
    await this.#stopFollowing();
    this.#epoch = epoch;
    const contender = this.#contender;
    this.#leader = await MasterServer.start({
      ...this.#options,
      host: this.#host,
      port: this.port,
      ha: {
        leading: () => contender.leading() && contender.epoch === epoch,
        agentHeaders: () => ({ [MASTER_EPOCH_HEADER]: String(epoch) }),
        registryStore: (host) =>
          zkRegistryStore(session, path, snapshot, host, (reason) => {
            this.#log(reason);
            contender.abdicate(reason);
          }),
        serve: (req, res, requestPath) => {
          if (!(contender.leading() && contender.epoch === epoch)) {
            this.#serveFollower(req, res, requestPath);
            return true;
          }
          if (requestPath === '/master/redirect' || requestPath === '/redirect') {
            redirectToLeader(req, res, requestPath, this.#detector.leader?.info);
            return true;
          }
          return false;
        },
        stateFields: () => leaderFields(this.#detector.leader?.info),
      },
    });
    this.#log(
      `elected leader with epoch ${epoch}${snapshot.text === undefined ? '' : ', recovered the registry from ZooKeeper'}`,
    );
  }

  async #follow(): Promise<void> {
    await this.#stopLeading();
    if (this.#closed || this.#follower !== undefined) return;
    const { server } = await listenWithLimits(this.#host, this.port, {
      ...(this.#options.tls === undefined ? {} : { tls: this.#options.tls }),
    });
    server.on('request', (req, res) => this.#serveFollower(req, res, (req.url ?? '/').split('?')[0] ?? '/'));
    this.#follower = server;
  }

  /** What a master that does not lead answers (see the module comment). */
  #serveFollower(
    req: Parameters<typeof redirectToLeader>[0],
    res: Parameters<typeof redirectToLeader>[1],
    path: string,
  ): void {
    switch (path) {
      case '/health':
        sendText(res, 200, '');
        return;
      case '/metrics/snapshot':
        sendJson(res, { 'master/elected': 0 });
        return;
      case MESSAGE_PATH:
        // Agents find the leader themselves (agent-detector.ts); a message here is not taken.
        sendText(res, 503, 'Not the leading master');
        return;
      default: {
        const leader = this.#detector.leader;
        // The detector may still name this master, just deposed: no leader known then.
        const elsewhere =
          leader !== undefined && leader.info.port === this.port && leader.info.hostname === this.#host
            ? undefined
            : leader;
        redirectToLeader(req, res, path, elsewhere?.info);
      }
    }
  }

  async #stopLeading(): Promise<void> {
    const leader = this.#leader;
    this.#leader = undefined;
    this.#epoch = undefined;
    if (leader !== undefined) await leader.close();
  }

  async #stopFollowing(): Promise<void> {
    const follower = this.#follower;
    this.#follower = undefined;
    if (follower === undefined) return;
    follower.closeAllConnections();
    await new Promise<void>((resolve) => follower.close(() => resolve()));
  }
}

function describe(leader: DetectedLeader): string {
  return `${leader.info.pid ?? leader.info.id} (epoch ${leader.sequence})`;
}
