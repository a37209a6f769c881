/**
 * Real Apache ZooKeeper servers on loopback, started from Debian's `zookeeper` package (3.8,
 * /usr/share/java/zookeeper.jar): one standalone server, or an ensemble of several, each with its
 * own data dir under a temporary directory, on free ports. What the ZooKeeper tests and the
 * failover bench run against; `npm start` and the simulator never need it.
 *
 * A server is up when it answers the `srvr` four-letter word with its mode (standalone, leader
 * or follower: it serves requests); it is stopped with SIGKILL (a crash) or SIGTERM, and can be
 * started again on the same ports and data dir, so an ensemble can lose and regain its quorum.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../eventually.js';

/** The jar of Debian's `zookeeper` package (its manifest names the jars it needs). */
export const ZOOKEEPER_JAR = process.env.AGORA_ZOOKEEPER_JAR ?? '/usr/share/java/zookeeper.jar';
/** What makes {@link ZOOKEEPER_JAR} and Java available on a Debian machine. */
export const INSTALL_ZOOKEEPER =
  'sudo apt-get install -y --no-install-recommends zookeeper (Debian’s package; or set AGORA_ZOOKEEPER_JAR to a zookeeper jar)';
const JAVA = process.env.AGORA_JAVA ?? 'java';

/** ZooKeeper is not installed: what is missing and the command that installs it. */
export class ZooKeeperMissing extends Error {
  override readonly name = 'ZooKeeperMissing';
}

/** Throws {@link ZooKeeperMissing} unless Debian's ZooKeeper is installed. */
export function requireZooKeeper(): void {
  if (!existsSync(ZOOKEEPER_JAR)) {
    throw new ZooKeeperMissing(`no ZooKeeper at ${ZOOKEEPER_JAR}; install it: ${INSTALL_ZOOKEEPER}`);
  }
}

/** A free TCP port on 127.0.0.1 (the kernel's choice; released before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Sends a four-letter word to `127.0.0.1:port`; resolves with the answer ('' if refused). */
export function fourLetterWord(port: number, word: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('connect', () => socket.write(word));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    socket.on('error', () => resolve(''));
    socket.on('close', () => resolve(answer));
  });
}

/** One server of a {@link ZooKeeperEnsemble}. */
export interface ZooKeeperServer {
  readonly myid: number;
  readonly clientPort: number;
  /** Whether its process runs. */
  readonly running: boolean;
}

/** How to start servers. */
export interface ZooKeeperOptions {
  /** ZooKeeper's tick (default 200 ms); sessions may time out between 2 and 20 ticks. */
  readonly tickTimeMs?: number;
  /** How long a server may take to serve (default 60 s: a JVM starts slowly on a busy machine). */
  readonly startTimeoutMs?: number;
  /** Every line the servers print, prefixed with their id. */
  readonly onLine?: (line: string) => void;
}

/**
 * `size` ZooKeeper servers on loopback (1: standalone). {@link start} starts them and waits
 * until they serve; {@link close} kills them and removes their data.
 */
export class ZooKeeperEnsemble {
  readonly #dir: string;
  readonly #servers: { myid: number; clientPort: number; child: ChildProcess | undefined; config: string }[];
  readonly #options: ZooKeeperOptions;

  private constructor(
    dir: string,
    servers: { myid: number; clientPort: number; config: string }[],
    options: ZooKeeperOptions,
  ) {
    this.#dir = dir;
    this.#servers = servers.map((s) => ({ ...s, child: undefined }));
    this.#options = options;
  }

  /** Starts `size` servers and resolves once each serves (a quorum of them, for an ensemble). */
  static async start(size: number, options: ZooKeeperOptions = {}): Promise<ZooKeeperEnsemble> {
    requireZooKeeper();
    if (!Number.isInteger(size) || size < 1) throw new Error(`assertion failed: ensemble size ${size}`);
    const dir = mkdtempSync(join(tmpdir(), 'agora-zk-'));
    const ports: { client: number; peer: number; election: number }[] = [];
    for (let i = 0; i < size; i++) {
      ports.push({ client: await freePort(), peer: await freePort(), election: await freePort() });
    }
    const servers = ports.map((p, i) => {
      const myid = i + 1;
      const dataDir = join(dir, `server-${myid}`);
      mkdirSync(dataDir, { recursive: true });
      const lines = [
        `tickTime=${options.tickTimeMs ?? 200}`,
        `dataDir=${dataDir}`,
        `clientPort=${p.client}`,
        'clientPortAddress=127.0.0.1',
        'initLimit=50',
        'syncLimit=25',
        'admin.enableServer=false',
        '4lw.commands.whitelist=srvr,ruok,stat',
        'maxClientCnxns=0',
      ];
      if (size > 1) {
        writeFileSync(join(dataDir, 'myid'), `${myid}\n`);
        ports.forEach((q, j) => {
          lines.push(`server.${j + 1}=127.0.0.1:${q.peer}:${q.election}`);
        });
      }
      const config = join(dir, `zoo-${myid}.cfg`);
      writeFileSync(config, `${lines.join('\n')}\n`);
      return { myid, clientPort: p.client, config };
    });
    const ensemble = new ZooKeeperEnsemble(dir, servers, options);
    try {
      for (const s of servers) ensemble.#spawn(s.myid);
      await Promise.all(servers.map((s) => ensemble.waitServing(s.myid)));
    } catch (e) {
      await ensemble.close();
      throw e;
    }
    return ensemble;
  }

  /** The servers, in id order. */
  get servers(): readonly ZooKeeperServer[] {
    return this.#servers.map((s) => ({
      myid: s.myid,
      clientPort: s.clientPort,
      running: s.child !== undefined && s.child.exitCode === null && s.child.signalCode === null,
    }));
  }

  /** The connection string of every server: `127.0.0.1:p1,127.0.0.1:p2,…`. */
  get connectString(): string {
    return this.#servers.map((s) => `127.0.0.1:${s.clientPort}`).join(',');
  }

  /** A `zk://` URL of the ensemble with `path`, as masters, agents and frameworks take it. */
  url(path = '/mesos'): string {
    return `zk://${this.connectString}${path}`;
  }

  /** Its mode as `srvr` says (standalone, leader, follower), or undefined while it does not serve. */
  async mode(myid: number): Promise<string | undefined> {
    const answer = await fourLetterWord(this.#server(myid).clientPort, 'srvr');
    return /^Mode: (\S+)/mu.exec(answer)?.[1];
  }

  /** Resolves once server `myid` serves requests. */
  waitServing(myid: number, timeoutMs = this.#options.startTimeoutMs ?? 60_000): Promise<void> {
    const server = this.#server(myid);
    return eventually(
      async () => {
        if (server.child?.exitCode !== null && server.child?.exitCode !== undefined) {
          throw new Error(`ZooKeeper server ${myid} exited with ${server.child.exitCode}`);
        }
        return (await this.mode(myid)) !== undefined;
      },
      timeoutMs,
      `ZooKeeper server ${myid} (port ${server.clientPort}) to serve`,
      { pollMs: 100 },
    );
  }

  /** Kills server `myid` (SIGKILL: a crash; its data stays) and resolves once it is gone. */
  async kill(myid: number): Promise<void> {
    const server = this.#server(myid);
    const child = server.child;
    server.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** Starts server `myid` again on its ports and data dir (resolve with {@link waitServing}). */
  restart(myid: number): void {
    if (this.#server(myid).child !== undefined) throw new Error(`assertion failed: server ${myid} runs`);
    this.#spawn(myid);
  }

  /** Kills every server and removes their data dirs. */
  async close(): Promise<void> {
    for (const s of this.#servers) await this.kill(s.myid);
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #server(myid: number) {
    const server = this.#servers[myid - 1];
    if (server === undefined) throw new Error(`assertion failed: no ZooKeeper server ${myid}`);
    return server;
  }

  #spawn(myid: number): void {
    const server = this.#server(myid);
    const child = spawn(
      JAVA,
      [
        '-Xmx96m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Dzookeeper.jmx.log4j.disable=true',
        '-cp',
        ZOOKEEPER_JAR,
        'org.apache.zookeeper.server.quorum.QuorumPeerMain',
        server.config,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.on('error', (e) => this.#options.onLine?.(`zookeeper ${myid}: ${e.message}`));
    const onLine = this.#options.onLine;
    if (onLine !== undefined) {
      for (const stream of [child.stdout, child.stderr]) {
        stream?.on('data', (chunk: Buffer) => {
          for (const line of chunk.toString().split('\n'))
            if (line !== '') onLine(`zookeeper ${myid}: ${line}`);
        });
      }
    } else {
      child.stdout?.resume();
      child.stderr?.resume();
    }
    server.child = child;
  }
}
