/**
 * A fault-injecting TCP proxy for one link of a live cluster on loopback: it listens on a port of
 * its own and forwards every connection it takes to a target (a master, an agent), so the
 * scenario's network faults can be replayed on real sockets without privileges (network
 * namespaces and iptables need root, which CI may not have).
 *
 * Directions are named from the connection's opener: `forward` is what the client (the side
 * that connected) sends to the target, `backward` what the target answers.
 *
 * - **Blocked** (a partition): bytes of a blocked direction are held, not dropped, and not
 *   refused: the proxy stops reading the sending socket, so the sender's kernel buffers fill
 *   and its writes stall, as over a real link whose packets are lost and retransmitted. New
 *   connections are accepted (the kernel does that before the proxy hears of them) but not
 *   opened to the target while `forward` is blocked: a connect looks like it succeeded and then
 *   nothing comes back. When the link heals, what was held flows on in order (TCP is reliable;
 *   a message is lost only if its sender gave up on the connection meanwhile, by its own
 *   timeout). A connection's end (FIN) or reset travels in order with its bytes, so a peer that
 *   died behind a partition is noticed only when the partition heals, as in a real network.
 * - **Delay** (the scenario's latency): each chunk read is released after a delay drawn from
 *   `[minMs, maxMs]`, never before the chunk before it (TCP keeps order, as the simulator does
 *   without `reorder`). A delay under a millisecond is not waited for (timers are no finer).
 * - **Source address**: the connection to the target is made from the client's own loopback
 *   address, so a master that checks that an agent's messages come from its `--host`
 *   (source-address.ts) sees the agent's address, not the proxy's.
 * - **Retarget**: a target restarted on another port (a master after a crash) is reached by the
 *   new connections; the proxy's own port, which the peers know, stays. A proxy may start with
 *   no target yet (an agent's, made before the agent listens): connections wait for one.
 */
import { createServer, isIPv4, type Server, type Socket, connect as tcpConnect } from 'node:net';

/** A direction of a proxied link, named from the connection's opener (see the module comment). */
export type ProxyDirection = 'forward' | 'backward';

/** Where a proxy forwards to. */
export interface ProxyTarget {
  readonly host: string;
  readonly port: number;
}

/** One-way latency added to every chunk, uniform in [minMs, maxMs], drawn from `random`. */
export interface ProxyLatency {
  readonly minMs: number;
  readonly maxMs: number;
  readonly random: () => number;
}

/** What a proxy has done, for tests and logs. */
export interface ProxyCounters {
  /** Connections taken from clients since the start. */
  accepted: number;
  /** Bytes written on, each way. */
  forwardBytes: number;
  backwardBytes: number;
}

/** Bytes a pipe holds before it stops reading its source (backpressure, as a TCP window). */
const HIGH_WATER_BYTES = 1024 * 1024;

/** What travels in a pipe: bytes, or the source's end (FIN) or reset, in order with the bytes. */
type Item = Buffer | 'end' | 'reset';

interface Queued {
  readonly item: Item;
  readonly releaseAtMs: number;
}

/**
 * One direction of one proxied connection: reads `source`, holds what it read while blocked or
 * until its delay is over, writes it to the sink once the sink exists.
 */
class Pipe {
  readonly #source: Socket;
  readonly #proxy: FaultProxy;
  readonly #direction: ProxyDirection;
  #sink: Socket | undefined;
  readonly #queue: Queued[] = [];
  #queuedBytes = 0;
  #lastReleaseMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #waitingForDrain = false;
  /** The source ended or was reset: nothing more will be read from it. */
  #finished = false;
  /** Set when the source has closed: called once its end has been passed on. */
  #onClosed: (() => void) | undefined;

  constructor(source: Socket, proxy: FaultProxy, direction: ProxyDirection, onFinished: () => void) {
    this.#source = source;
    this.#proxy = proxy;
    this.#direction = direction;
    source.on('data', (chunk: Buffer) => this.#push(chunk));
    source.on('end', () => this.#push('end'));
    source.on('error', () => this.#push('reset'));
    source.on('close', (hadError) => {
      if (!hadError) this.#push('end');
      this.#onClosed = onFinished;
      this.#flush();
    });
  }

  /** The socket to write to, once the connection to the target is open. */
  attach(sink: Socket): void {
    this.#sink = sink;
    sink.on('drain', () => {
      this.#waitingForDrain = false;
      this.#flush();
    });
    this.#flush();
  }

  /** Called when the proxy's blocks or latency changed. */
  update(): void {
    if (this.#proxy.isBlocked(this.#direction)) this.#source.pause();
    else if (this.#queuedBytes < HIGH_WATER_BYTES && !this.#finished) this.#source.resume();
    this.#flush();
  }

  /** Drops everything (the proxy is closing). */
  destroy(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#queue.length = 0;
    this.#finished = true;
    this.#source.destroy();
  }

  #push(item: Item): void {
    if (this.#finished) return;
    if (item === 'end' || item === 'reset') this.#finished = true;
    const now = Date.now();
    const delayMs = this.#proxy.drawDelayMs();
    const releaseAtMs = Math.max(this.#lastReleaseMs, now + delayMs);
    this.#lastReleaseMs = releaseAtMs;
    this.#queue.push({ item, releaseAtMs });
    if (typeof item !== 'string') this.#queuedBytes += item.length;
    if (this.#queuedBytes >= HIGH_WATER_BYTES || this.#proxy.isBlocked(this.#direction)) this.#source.pause();
    this.#flush();
  }

  #flush(): void {
    const sink = this.#sink;
    if (sink === undefined || this.#waitingForDrain || this.#proxy.isBlocked(this.#direction)) return;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    while (this.#queue.length > 0) {
      const head = this.#queue[0] as Queued;
      const waitMs = head.releaseAtMs - Date.now();
      // Timers are no finer than a millisecond: a shorter wait is not worth one.
      if (waitMs >= 1) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#flush();
        }, waitMs);
        return;
      }
      this.#queue.shift();
      const { item } = head;
      if (item === 'end') {
        sink.end();
        continue;
      }
      if (item === 'reset') {
        sink.resetAndDestroy();
        continue;
      }
      this.#queuedBytes -= item.length;
      this.#proxy.counted(this.#direction, item.length);
      if (!sink.write(item)) {
        this.#waitingForDrain = true;
        break;
      }
    }
    if (this.#queuedBytes < HIGH_WATER_BYTES && !this.#finished) this.#source.resume();
    if (this.#queue.length === 0 && this.#onClosed !== undefined) {
      const done = this.#onClosed;
      this.#onClosed = undefined;
      done();
    }
  }
}

/** One client connection and, once opened, its connection to the target. */
class Connection {
  readonly #client: Socket;
  readonly #proxy: FaultProxy;
  readonly #forward: Pipe;
  #backward: Pipe | undefined;
  #upstream: Socket | undefined;
  #closedHalves = 0;

  constructor(client: Socket, proxy: FaultProxy) {
    this.#client = client;
    this.#proxy = proxy;
    this.#forward = new Pipe(client, proxy, 'forward', () => this.#halfDone());
    // Held while `forward` is blocked: the connection reaches the target when the link heals.
    this.#forward.update();
    this.#maybeOpen();
  }

  /** The proxy's state changed. */
  update(): void {
    this.#maybeOpen();
    this.#forward.update();
    this.#backward?.update();
  }

  destroy(): void {
    this.#forward.destroy();
    this.#backward?.destroy();
    this.#client.destroy();
    this.#upstream?.destroy();
  }

  #maybeOpen(): void {
    const target = this.#proxy.target;
    if (this.#upstream !== undefined || target === undefined || this.#proxy.isBlocked('forward')) return;
    const remote = this.#client.remoteAddress;
    // From the client's own loopback address, so the target sees who really connected.
    const localAddress =
      remote !== undefined && isIPv4(remote) && remote.startsWith('127.') && target.host.startsWith('127.')
        ? remote
        : undefined;
    const upstream = tcpConnect({
      host: target.host,
      port: target.port,
      allowHalfOpen: true,
      ...(localAddress === undefined ? {} : { localAddress }),
    });
    upstream.setNoDelay(true);
    this.#upstream = upstream;
    this.#backward = new Pipe(upstream, this.#proxy, 'backward', () => this.#halfDone());
    this.#backward.update();
    this.#backward.attach(this.#client);
    this.#forward.attach(upstream);
  }

  /** Both directions have delivered their end: the connection is over. */
  #halfDone(): void {
    this.#closedHalves++;
    if (this.#closedHalves >= 2) this.#proxy.forget(this);
  }
}

/** A fault-injecting TCP proxy (see the module comment). */
export class FaultProxy {
  readonly #server: Server;
  readonly #connections = new Set<Connection>();
  readonly #blocked = { forward: false, backward: false };
  #target: ProxyTarget | undefined;
  #latency: ProxyLatency | undefined;
  /** The port the proxy listens on (what peers are told). */
  readonly port: number;
  readonly host: string;
  readonly counters: ProxyCounters = { accepted: 0, forwardBytes: 0, backwardBytes: 0 };

  private constructor(server: Server, host: string, port: number, target: ProxyTarget | undefined) {
    this.#server = server;
    this.host = host;
    this.port = port;
    this.#target = target;
  }

  /**
   * Starts a proxy on `host` (default 127.0.0.1), port `port` (default: any free one), to
   * `target` (undefined: connections wait for {@link retarget}).
   */
  static async start(
    target: ProxyTarget | undefined,
    options: { host?: string; port?: number } = {},
  ): Promise<FaultProxy> {
    const host = options.host ?? '127.0.0.1';
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        const address = server.address();
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('assertion failed: a TCP server has a port'));
      });
    });
    const proxy = new FaultProxy(server, host, port, target);
    server.on('connection', (client: Socket) => {
      proxy.counters.accepted++;
      proxy.#connections.add(new Connection(client, proxy));
    });
    return proxy;
  }

  /** `host:port` where peers reach the target through this proxy. */
  get hostPort(): string {
    return `${this.host}:${this.port}`;
  }

  /** The target new connections go to, if there is one yet. */
  get target(): ProxyTarget | undefined {
    return this.#target;
  }

  /** Connections open now (a held one included). */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /**
   * New connections go to `target` (a restarted peer on another port); open ones stay, and those
   * waiting for a target go there now.
   */
  retarget(target: ProxyTarget): void {
    this.#target = target;
    for (const c of this.#connections) c.update();
  }

  /** Holds (true) or lets through (false) each direction; undefined leaves it as it is. */
  setBlocked(blocked: { readonly forward?: boolean; readonly backward?: boolean }): void {
    this.#blocked.forward = blocked.forward ?? this.#blocked.forward;
    this.#blocked.backward = blocked.backward ?? this.#blocked.backward;
    for (const c of this.#connections) c.update();
  }

  /** Whether `direction` is held now. */
  isBlocked(direction: ProxyDirection): boolean {
    return this.#blocked[direction];
  }

  /** Adds `latency` to every chunk from now on (undefined: none). */
  setLatency(latency: ProxyLatency | undefined): void {
    this.#latency = latency;
  }

  /** The delay of the next chunk (0 without latency). */
  drawDelayMs(): number {
    const l = this.#latency;
    if (l === undefined) return 0;
    return l.minMs + l.random() * (l.maxMs - l.minMs);
  }

  /** @internal counts bytes written on in `direction` */
  counted(direction: ProxyDirection, bytes: number): void {
    if (direction === 'forward') this.counters.forwardBytes += bytes;
    else this.counters.backwardBytes += bytes;
  }

  /** @internal a connection is over */
  forget(connection: Connection): void {
    this.#connections.delete(connection);
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    for (const c of this.#connections) c.destroy();
    this.#connections.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
