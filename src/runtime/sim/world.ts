/**
 * The simulated world: the composition root that runs sans-IO processes on a virtual clock
 * (ARCHITECTURE.md §4). One event queue ordered by (time, sequence) holds every message delivery,
 * timer and scheduled harness action; the loop pops the earliest, sets `now` to its time and
 * calls the handler, so same-time events run in the order they were scheduled and a run is a
 * pure function of (processes, seed, harness actions).
 *
 * Randomness: one seed derives every stream by name (src/core/random-streams.ts): `network` for the
 * network, `process/<address>` for a process's first incarnation and `process/<address>#<n>`
 * for its n-th restart, so a restarted process does not depend on how far its predecessor got.
 * Other layers should take their streams from {@link SimWorld.streams} under their own prefix
 * (e.g. `workload/<framework>`).
 *
 * Crash and stop: the process's instance is discarded and its incarnation number bumped, which
 * drops its pending timers and every message on the way to it (the TCP connections break);
 * messages sent to it while it is down are refused. Messages it already sent stay on the wire. `restart` builds a new instance from the factory,
 * since a crash loses all in-memory state, and calls onStart on it.
 *
 * Messages are handed over by reference, as they would be in-process in libprocess; a process
 * must treat messages it sent or received as immutable (live mode serialises them anyway).
 */
import { assertNever } from '../../core/assert-never.js';
import {
  type Address,
  type DurableStore,
  type Env,
  HEALTH_WAKE_TAG,
  type Process,
  type TimerId,
  type TraceEvent,
} from '../../core/process.js';
import { RandomStreams } from '../../core/random-streams.js';
import { type EventHandle, EventQueue } from './event-queue.js';
import { SimHealthElision } from './health-elision.js';
import { type NetworkConfig, SimNetwork, type TransmitOutcome } from './network.js';
import { ProcessError, preview } from './process-error.js';
import {
  EventKind,
  EventPool,
  type ProcessEntry,
  type ProcessStatus,
  type SimDisk,
  type SimEvent,
} from './sim-event.js';
import { TraceLog, type TraceOption } from './trace.js';

/** Builds a fresh process instance for an address (called on start and on every restart). */
export type ProcessFactory<M> = (address: Address) => Process<M>;

/** A harness action scheduled with {@link SimWorld.at}. */
export type WorldAction<M> = (world: SimWorld<M>) => void;

/** Options for a {@link SimWorld}. */
export interface SimWorldOptions<M = unknown> {
  /** The scenario seed; every random stream derives from it. */
  readonly seed: string | number;
  /** Network knobs (see {@link NetworkConfig}); defaults are reliable, FIFO, 1 ms. */
  readonly network?: Partial<NetworkConfig>;
  /** Most events pending at once (the event queue's limit). */
  readonly maxPendingEvents?: number;
  /** Where the trace goes (default `'memory'`, read with {@link SimWorld.traceLines}). */
  readonly trace?: TraceOption;
  /** Most lines a memory trace keeps before throwing. */
  readonly maxTraceLines?: number;
  /** Also trace every send, delivery and timer firing (large; faults are always traced). */
  readonly traceDeliveries?: boolean;
  /**
   * Builds the message that tells a process a peer went down (a connection closing, libprocess's
   * `exited`). When given, a process that stops or crashes has this delivered, after the
   * network's minimum latency, to every running process it exchanged messages with since it
   * started, unless a partition separates them (a broken link sends no reset). When absent,
   * processes learn of failures only by timeouts.
   */
  readonly linkMessage?: (exited: Address) => M;
  /** Watches every send, delivery and event (the invariant checker of a checking run). */
  readonly observer?: WorldObserver<M>;
  /**
   * Give every process a simulated disk (`env.store`, see {@link DurableStore}). Off by
   * default: processes then have no store, and the master keeps its registry in memory.
   */
  readonly disks?: boolean;
  /**
   * With `linkMessage`: a message lost on a link that is up, or cut off by a partition, breaks
   * the connection, as over TCP (see the world's lost-message handling). Off by default: a loss
   * or a partition is then silent.
   */
  readonly lossBreaksConnections?: boolean;
  /**
   * Tells health-check messages apart (a ping, its answer): they travel on the network's health
   * lane (network.ts `transmitHealth`). Absent: every message is an ordinary one.
   */
  readonly healthMessage?: (msg: M) => 'ping' | 'pong' | undefined;
  /**
   * Let processes elide health checks on quiet links (core/process.ts `HealthElision`; needs
   * `healthMessage`, and faults scheduled with {@link SimWorld.atFault}). Off by default.
   */
  readonly elideHealthChecks?: boolean;
  /**
   * Routes messages by a name that is not a process (highly available masters: clients send to
   * `master`, which reaches the leader *they* have detected; see coordination/leader-routing.ts).
   * Absent: every address is a process.
   */
  readonly router?: AddressRouter;
}

/** Maps a logical address to a process and back (see {@link SimWorldOptions.router}). */
export interface AddressRouter {
  /** The process a message `from` sends to `to` goes to (`to` itself when not routed). */
  resolve(from: Address, to: Address): Address;
  /** The sender `to` sees for a message from process `from` (`from` itself when not routed). */
  shown(from: Address, to: Address): Address;
}

/**
 * Sees what the world does, without taking part: a checker that must look after every event, or
 * at messages as they are sent and delivered. It must not act on the world.
 */
export interface WorldObserver<M> {
  /** A process sent `msg` (before the network decides its fate). */
  sent?(from: Address, to: Address, msg: M, nowMs: number): void;
  /** `msg` is about to be handled by the running process `to`. */
  delivered?(from: Address, to: Address, msg: M, nowMs: number): void;
  /** An event has been processed. */
  afterEvent?(nowMs: number): void;
}

/** The pseudo-address the network's trace records carry. */
export const NETWORK_ADDRESS = '@network';

/** Default event budget for {@link SimWorld.runUntilIdle}. */
export const DEFAULT_IDLE_EVENT_LIMIT = 10_000_000;

/** Why the world dropped a message, as traced in `net.drop` records. */
export type DropReason = 'loss' | 'partition' | 'unknown-address' | 'receiver-down' | 'connection-reset';

/** A deterministic discrete-event world for processes speaking messages of type `M`. */
export class SimWorld<M> {
  /** The simulated network; partition, heal and reconfigure it at any time. */
  readonly network: SimNetwork;
  /** The run's named random streams (the scenario layer takes its workload streams from here). */
  readonly streams: RandomStreams;

  readonly #queue: EventQueue<SimEvent<M, WorldAction<M>>>;
  readonly #pool = new EventPool<M, WorldAction<M>>();
  readonly #processes = new Map<Address, ProcessEntry<M>>();
  readonly #trace: TraceLog;
  readonly #traceDeliveries: boolean;
  readonly #linkMessage: ((exited: Address) => M) | undefined;
  readonly #observer: WorldObserver<M> | undefined;
  readonly #disks: boolean;
  readonly #lossBreaksConnections: boolean;
  /**
   * `from\0to` → the connection number on that directed link, bumped when a loss breaks it.
   * Empty (no lookups) until the first loss.
   */
  readonly #connections = new Map<string, number>();
  readonly #healthMessage: ((msg: M) => 'ping' | 'pong' | undefined) | undefined;
  readonly #health: SimHealthElision | undefined;
  /**
   * Times of scheduled faults that have not happened yet, ascending (see {@link atFault}):
   * those that touch every process, and those that touch only some, by process.
   */
  readonly #faultTimes = new FaultCalendar();
  readonly #router: AddressRouter | undefined;
  #now = 0;
  #eventCount = 0;
  #inLoop = false;

  /** An empty world at time 0. */
  constructor(options: SimWorldOptions<M>) {
    this.streams = new RandomStreams(options.seed);
    this.#trace = new TraceLog(options.trace ?? 'memory', options.maxTraceLines);
    this.#traceDeliveries = options.traceDeliveries === true && this.#trace.enabled;
    this.#linkMessage = options.linkMessage;
    this.#observer = options.observer;
    this.#disks = options.disks === true;
    this.#lossBreaksConnections = options.lossBreaksConnections === true && options.linkMessage !== undefined;
    this.#queue = new EventQueue(
      options.maxPendingEvents === undefined ? {} : { maxSize: options.maxPendingEvents },
    );
    this.network = new SimNetwork({
      random: this.streams.stream('network'),
      ...(options.network === undefined ? {} : { config: options.network }),
      trace: (event) => this.#trace.record(this.#now, NETWORK_ADDRESS, event),
      healthSalt: Math.floor(this.streams.stream('network/health')() * 4294967296),
    });
    this.#healthMessage = options.healthMessage;
    this.#router = options.router;
    this.#health =
      options.elideHealthChecks === true && options.healthMessage !== undefined
        ? new SimHealthElision({
            now: () => this.#now,
            network: this.network,
            plain: (address) => {
              const entry = this.#processes.get(address);
              return entry?.status === 'running' && entry.clock === undefined;
            },
            nextFaultMs: (a, b) => this.#faultTimes.next(a, b),
            wake: (address) => {
              const entry = this.#processes.get(address);
              if (entry?.status === 'running') {
                this.#schedule(EventKind.timer, this.#now, entry, address, undefined, HEALTH_WAKE_TAG);
              }
            },
          })
        : undefined;
  }

  /**
   * Health checks to and from `address` are always simulated as messages, never elided (call it
   * up front for a process whose clock a fault will skew; see health-elision.ts).
   */
  keepHealthChecks(address: Address): void {
    this.#health?.keepMessages(address);
  }

  /** Stretches of health checks elided so far (0 unless `elideHealthChecks`; see health-elision.ts). */
  get healthElisions(): number {
    return this.#health?.stretches ?? 0;
  }

  /** The current simulated time in ms. */
  get now(): number {
    return this.#now;
  }

  /** Events processed so far (including those dropped because their target went down). */
  get eventCount(): number {
    return this.#eventCount;
  }

  /** Events pending in the queue. */
  get pendingEvents(): number {
    return this.#queue.size;
  }

  /** Registers `address` without starting it; messages to it are dropped until it starts. */
  add(address: Address, factory: ProcessFactory<M>): void {
    if (typeof address !== 'string' || address === '' || address.startsWith('@')) {
      throw new Error(`invalid address ${JSON.stringify(address)}: non-empty, not starting with "@"`);
    }
    if (this.#processes.has(address)) throw new Error(`address ${address} is already registered`);
    this.#processes.set(address, {
      address,
      factory,
      status: 'registered',
      incarnation: 0,
      starts: 0,
      instance: undefined,
      env: undefined,
      peers: new Set(),
      clock: undefined,
      disk: undefined,
    });
  }

  /** Registers and starts `address`. */
  spawn(address: Address, factory: ProcessFactory<M>): void {
    this.add(address, factory);
    this.start(address);
  }

  /** Starts a registered process that is not running: a new instance from its factory, then onStart. */
  start(address: Address): void {
    const entry = this.#entry(address);
    if (entry.status === 'running') throw new Error(`process ${address} is already running`);
    const instance = entry.factory(address);
    const env = this.#makeEnv(entry);
    entry.status = 'running';
    entry.starts++;
    entry.instance = instance;
    entry.env = env;
    this.#trace.record(this.#now, address, {
      kind: entry.starts === 1 ? 'sim.start' : 'sim.restart',
      incarnation: entry.incarnation,
    });
    try {
      instance.onStart(env);
    } catch (e) {
      throw new ProcessError(address, 'onStart', this.#now, e);
    }
  }

  /** Starts again a process that crashed or stopped (state is lost: the factory builds it anew). */
  restart(address: Address): void {
    const entry = this.#entry(address);
    if (entry.status !== 'crashed' && entry.status !== 'stopped') {
      throw new Error(`process ${address} cannot restart: it is ${entry.status}`);
    }
    this.start(address);
  }

  /** Stops a running process in an orderly way: onStop runs, then its timers and inbound messages are dropped. */
  stop(address: Address): void {
    const entry = this.#running(address);
    this.#trace.record(this.#now, address, { kind: 'sim.stop' });
    try {
      entry.instance?.onStop?.(entry.env as Env<M>);
    } catch (e) {
      throw new ProcessError(address, 'onStop', this.#now, e);
    }
    this.#down(entry, 'stopped');
  }

  /** Crashes a running process: no handler runs; its timers and inbound messages are dropped. */
  crash(address: Address): void {
    const entry = this.#running(address);
    this.#trace.record(this.#now, address, { kind: 'sim.crash' });
    this.#down(entry, 'crashed');
  }

  /** Where `address` is in its lifecycle, or undefined if it is not registered. */
  status(address: Address): ProcessStatus | undefined {
    return this.#processes.get(address)?.status;
  }

  /** The running instance at `address` (for tests to inspect), or undefined. */
  instance(address: Address): Process<M> | undefined {
    return this.#processes.get(address)?.instance;
  }

  /**
   * Skews `address`'s clock from now on: it jumps by `jumpMs` (an NTP step; negative goes back)
   * and then runs at `rate` times the world's pace (drift; 1 keeps pace), so its timers of d ms
   * fire after d / rate world ms. Skews compound; `rate` 1 and `jumpMs` 0 change nothing. The
   * clock is the machine's: it survives crashes and restarts.
   */
  skewClock(address: Address, jumpMs: number, rate: number): void {
    const entry = this.#entry(address);
    if (!(Number.isFinite(jumpMs) && rate > 0 && Number.isFinite(rate))) {
      throw new RangeError(
        `clock skew of ${address}: jump must be finite and rate > 0, got ${jumpMs}, ${rate}`,
      );
    }
    entry.clock = { worldBaseMs: this.#now, localBaseMs: localTime(entry, this.#now) + jumpMs, rate };
    this.#trace.record(this.#now, address, { kind: 'clock.skew', jumpMs, rate });
  }

  /** `address`'s own clock reading now (the world's time unless skewed). */
  clockOf(address: Address): number {
    return localTime(this.#entry(address), this.#now);
  }

  /** Sends `msg` from any address (registered or not, e.g. a test client) through the network. */
  inject(from: Address, to: Address, msg: M): void {
    this.#send(from, to, msg);
  }

  /** Schedules a harness action (crash a node, heal a partition…) at `timeMs` >= now. */
  at(timeMs: number, action: WorldAction<M>): EventHandle {
    if (!(timeMs >= this.#now))
      throw new RangeError(`cannot schedule at ${timeMs} ms: now is ${this.#now} ms`);
    const event = this.#pool.take();
    event.kind = EventKind.action;
    event.action = action;
    event.handle = this.#queue.push(timeMs, event);
    return event.handle;
  }

  /**
   * Schedules a fault: an action that may disturb links to the processes it `affects` (every
   * process when undefined): a crash, a restart, a partition or its end, a clock skew. The same
   * as {@link at}, and the world also records the time, so that it never elides a health check
   * whose fate the fault could change (see health-elision.ts). Faults must be scheduled before
   * the world relies on the quiet before them: in practice, up front, or from a fault's own
   * action for its sequel.
   */
  atFault(timeMs: number, affects: readonly Address[] | undefined, action: WorldAction<M>): EventHandle {
    this.#health?.faultScheduled(timeMs, affects);
    this.#faultTimes.add(timeMs, affects);
    return this.at(timeMs, (world) => {
      this.#faultTimes.remove(timeMs, affects);
      action(world);
    });
  }

  /** Cancels an action scheduled with {@link at}; false if it already ran or was cancelled. */
  cancelAction(handle: EventHandle): boolean {
    const event = this.#queue.get(handle);
    if (event === undefined || event.kind !== EventKind.action) return false;
    this.#queue.cancel(handle);
    this.#pool.release(event);
    return true;
  }

  /** Processes every event at or before `timeMs`, then sets the clock to `timeMs`. Returns the count. */
  runUntil(timeMs: number): number {
    if (!(Number.isFinite(timeMs) && timeMs >= this.#now)) {
      throw new RangeError(`runUntil needs a finite time >= now (${this.#now} ms), got ${timeMs}`);
    }
    return this.#loop(() => this.#queue.peekTime() <= timeMs, Number.POSITIVE_INFINITY, timeMs);
  }

  /**
   * Processes events until none is pending. A periodic timer keeps a world busy forever, so past
   * `maxEvents` this throws instead of spinning; use {@link runUntil} for such systems.
   */
  runUntilIdle(maxEvents: number = DEFAULT_IDLE_EVENT_LIMIT): number {
    const count = this.#loop(() => true, maxEvents, undefined);
    if (this.#queue.size > 0) {
      throw new Error(
        `world not idle after ${maxEvents} events (t=${this.#now} ms, ${this.#queue.size} pending); ` +
          'a periodic timer never lets it idle: use runUntil',
      );
    }
    return count;
  }

  /** Processes at most `count` events. Returns how many it processed. */
  runEvents(count: number): number {
    if (!(Number.isInteger(count) && count >= 0))
      throw new RangeError(`count must be an integer >= 0, got ${count}`);
    return this.#loop(() => true, count, undefined);
  }

  /**
   * Fires `tag` on the running process at `address` at `atMs` (>= now), as one of its own timers
   * would (a notification from a simulated service, e.g. a coordination watch); returns the id,
   * or undefined if the process is not running.
   */
  wake(address: Address, atMs: number, tag: string): TimerId | undefined {
    const entry = this.#processes.get(address);
    if (entry?.status !== 'running') return undefined;
    if (!(atMs >= this.#now))
      throw new RangeError(`cannot wake ${address} at ${atMs} ms: now is ${this.#now} ms`);
    return this.#schedule(EventKind.timer, atMs, entry, address, undefined, tag);
  }

  /** Records a harness event (a fault that was skipped, say) in the trace, from `source`. */
  traceHarness(source: string, event: TraceEvent): void {
    this.#trace.record(this.#now, source, event);
  }

  /** The trace kept in memory, one JSON object per line (empty when tracing is off or sunk). */
  traceLines(): string[] {
    return this.#trace.lines();
  }

  #loop(more: () => boolean, maxEvents: number, endMs: number | undefined): number {
    if (this.#inLoop) throw new Error('the world is already running: a harness action may not run it again');
    this.#inLoop = true;
    let count = 0;
    try {
      while (count < maxEvents && this.#queue.size > 0 && more()) {
        this.#step();
        count++;
        this.#observer?.afterEvent?.(this.#now);
      }
    } finally {
      this.#inLoop = false;
    }
    if (endMs !== undefined) this.#now = endMs;
    return count;
  }

  #step(): void {
    const event = this.#queue.pop() as SimEvent<M, WorldAction<M>>;
    this.#now = this.#queue.lastTime;
    this.#eventCount++;
    switch (event.kind) {
      case EventKind.deliver:
        this.#deliver(event);
        break;
      case EventKind.timer:
        this.#fire(event);
        break;
      case EventKind.action:
        (event.action as WorldAction<M>)(this);
        break;
      default:
        assertNever(event.kind, 'event kind');
    }
    // Released only after the handler ran: it may schedule events, which must not reuse this record
    // while its fields are still being read.
    this.#pool.release(event);
  }

  #deliver(event: SimEvent<M, WorldAction<M>>): void {
    const entry = event.target as ProcessEntry<M>;
    const msg = event.msg as M;
    if (entry.incarnation !== event.incarnation) {
      this.#drop(event.from, entry.address, msg, 'receiver-down');
      return;
    }
    if (this.#connections.size > 0 && event.epoch !== this.#epoch(event.from, entry.address)) {
      this.#drop(event.from, entry.address, msg, 'connection-reset');
      return;
    }
    if (this.#traceDeliveries) {
      this.#trace.record(this.#now, entry.address, { kind: 'sim.deliver', from: event.from, msg });
    }
    this.#observer?.delivered?.(event.from, entry.address, msg, this.#now);
    const from = this.#router === undefined ? event.from : this.#router.shown(event.from, entry.address);
    try {
      (entry.instance as Process<M>).onMessage(entry.env as Env<M>, from, msg);
    } catch (e) {
      throw new ProcessError(entry.address, `onMessage from ${event.from}: ${preview(msg)}`, this.#now, e);
    }
  }

  #fire(event: SimEvent<M, WorldAction<M>>): void {
    const entry = event.target as ProcessEntry<M>;
    if (entry.incarnation !== event.incarnation) return; // the process went down: its timers died with it
    const write = entry.disk?.pending.get(event.handle);
    if (write !== undefined) {
      (entry.disk as SimDisk).pending.delete(event.handle);
      (entry.disk as SimDisk).durable.set(write.key, write.value);
    }
    if (this.#traceDeliveries) {
      this.#trace.record(this.#now, entry.address, { kind: 'sim.timer', tag: event.tag, id: event.handle });
    }
    try {
      (entry.instance as Process<M>).onTimer(entry.env as Env<M>, event.tag, event.handle);
    } catch (e) {
      throw new ProcessError(entry.address, `onTimer "${event.tag}" (timer ${event.handle})`, this.#now, e);
    }
  }

  /** `sender` is `from`'s entry when the caller has it (a process's own env). */
  #send(from: Address, logicalTo: Address, msg: M, sender?: ProcessEntry<M>): void {
    const to = this.#router === undefined ? logicalTo : this.#router.resolve(from, logicalTo);
    const entry = this.#processes.get(to);
    const health = this.#healthMessage?.(msg);
    // The network is asked even when the receiver is down, so its draws do not depend on which
    // processes happen to be up (see network.ts).
    const transmission =
      health === undefined
        ? this.network.transmit(from, to, this.#now, entry?.status === 'running')
        : this.network.transmitHealth(from, to, this.#now, entry?.status === 'running');
    if (entry === undefined || transmission.copies === 0) {
      this.#drop(from, to, msg, dropReason(entry, transmission.outcome));
      if (this.#lossBreaksConnections && entry !== undefined) {
        if (transmission.outcome === 'lost') this.#breakConnection(from, entry, true);
        // The reset cannot cross the partition: only the sender, whose data went unacknowledged,
        // learns that the connection broke (the far end learns when it next hears of it).
        else if (transmission.outcome === 'partitioned') this.#breakConnection(from, entry, false);
      }
      return;
    }
    if (this.#linkMessage !== undefined) this.#connect(sender ?? this.#processes.get(from), entry);
    const epoch = this.#epoch(from, to);
    const { firstAtMs, secondAtMs, copies } = transmission;
    if (this.#traceDeliveries) {
      this.#trace.record(this.#now, from, { kind: 'sim.send', to, atMs: firstAtMs, msg });
    }
    if (copies === 2 && this.#trace.enabled) {
      this.#trace.record(this.#now, NETWORK_ADDRESS, {
        kind: 'net.duplicate',
        from,
        to,
        firstAtMs,
        secondAtMs,
      });
    }
    this.#schedule(EventKind.deliver, firstAtMs, entry, from, msg, '', epoch);
    if (copies === 2) this.#schedule(EventKind.deliver, secondAtMs, entry, from, msg, '', epoch);
  }

  /**
   * A message lost on a link that is otherwise up. Mesos talks over TCP, where a lost segment is
   * retransmitted and data is never silently skipped: what looks like a loss from above is a
   * connection that broke (a reset, a retransmission timeout). So with `lossBreaksConnections`
   * a loss breaks the connection: messages still in flight on it, either way, are dropped, both
   * ends are told the other exited (libprocess `exited`), and the next send opens a new
   * connection. Otherwise the world is datagram-like and a loss is just a loss.
   *
   * A message a partition cuts off is no different: TCP would never skip it and deliver the
   * next, so the connection breaks, but only the sender is told (`tellReceiver` false). A
   * silent gap let a RUN_TASK vanish in a partition shorter than the health checks, and the
   * master believed the task STAGING for ever (chaos seeds 70528 and 70608); told, the master
   * disconnects the agent and its pings make the agent reregister, and the reregistration
   * reconciles the task, as Mesos's `exited` and `PingSlaveMessage.connected` do.
   */
  #breakConnection(from: Address, to: ProcessEntry<M>, tellReceiver: boolean): void {
    for (const key of [linkKey(from, to.address), linkKey(to.address, from)]) {
      this.#connections.set(key, (this.#connections.get(key) ?? 0) + 1);
    }
    this.#trace.record(this.#now, NETWORK_ADDRESS, { kind: 'net.connection-reset', a: from, b: to.address });
    const linkMessage = this.#linkMessage as (exited: Address) => M;
    const sender = this.#processes.get(from);
    const atMs = this.#now + this.network.config.latencyMsMin;
    to.peers.delete(from);
    sender?.peers.delete(to.address);
    if (tellReceiver && to.status === 'running') {
      this.#schedule(EventKind.deliver, atMs, to, from, linkMessage(from), '', this.#epoch(from, to.address));
    }
    if (sender !== undefined && sender.status === 'running') {
      this.#schedule(
        EventKind.deliver,
        atMs,
        sender,
        to.address,
        linkMessage(to.address),
        '',
        this.#epoch(to.address, from),
      );
    }
  }

  #epoch(from: Address, to: Address): number {
    return this.#connections.size === 0 ? 0 : (this.#connections.get(linkKey(from, to)) ?? 0);
  }

  #drop(from: Address, to: Address, msg: M, reason: DropReason): void {
    this.#trace.record(this.#now, NETWORK_ADDRESS, { kind: 'net.drop', reason, from, to, msg });
  }

  #schedule(
    kind: EventKind,
    atMs: number,
    entry: ProcessEntry<M>,
    from: Address,
    msg: M | undefined,
    tag: string,
    epoch = 0,
  ): EventHandle {
    const event = this.#pool.take();
    event.epoch = epoch;
    event.kind = kind;
    event.target = entry;
    event.incarnation = entry.incarnation;
    event.from = from;
    event.msg = msg;
    event.tag = tag;
    event.handle = this.#queue.push(atMs, event);
    return event.handle;
  }

  #makeEnv(entry: ProcessEntry<M>): Env<M> {
    const self = entry.address;
    const incarnation = entry.incarnation;
    const random = this.streams.stream(
      incarnation === 0 ? `process/${self}` : `process/${self}#${incarnation}`,
    );
    // A process's env dies with its incarnation; using it afterwards (from a leaked closure) is a bug.
    const check = () => {
      if (entry.incarnation !== incarnation) {
        throw new Error(`process ${self} used the env of an incarnation that went down`);
      }
    };
    return {
      self,
      now: () => (entry.clock === undefined ? this.#now : localTime(entry, this.#now)),
      send: (to, msg) => {
        check();
        this.#observer?.sent?.(self, to, msg, this.#now);
        this.#send(self, to, msg, entry);
      },
      setTimer: (delayMs, tag) => {
        check();
        if (!(delayMs >= 0 && Number.isFinite(delayMs))) {
          throw new RangeError(`process ${self}: timer delay must be a finite number >= 0, got ${delayMs}`);
        }
        const atMs =
          entry.clock === undefined ? this.#now + delayMs : skewedTimerAt(entry, this.#now, delayMs);
        return this.#schedule(EventKind.timer, atMs, entry, self, undefined, tag);
      },
      cancelTimer: (id) => this.#cancelTimer(entry, incarnation, id),
      random,
      trace: (event: TraceEvent) => this.#trace.record(this.#now, self, event),
      tracing: this.#trace.enabled,
      ...(this.#disks ? { store: this.#store(entry, incarnation) } : {}),
      ...(this.#health === undefined ? {} : { health: this.#health.channel(self) }),
    };
  }

  /** Cancels one of this incarnation's own timers; any other id (fired, foreign, bogus) is a no-op. */
  #cancelTimer(entry: ProcessEntry<M>, incarnation: number, id: TimerId): void {
    const event = this.#queue.get(id);
    if (event === undefined || event.kind !== EventKind.timer) return;
    if (event.target !== entry || event.incarnation !== incarnation) return;
    this.#queue.cancel(id);
    this.#pool.release(event);
  }

  #down(entry: ProcessEntry<M>, status: 'stopped' | 'crashed'): void {
    this.#settleDisk(entry);
    entry.status = status;
    entry.incarnation++;
    entry.instance = undefined;
    entry.env = undefined;
    this.#notifyPeers(entry);
  }

  /**
   * The writes a process had not seen acknowledged when it went down: each may already be on
   * the platter or not (a coin from the disk's own stream, so other draws do not move), in the
   * order they were made. The fsync never reports back: the process is gone.
   */
  #settleDisk(entry: ProcessEntry<M>): void {
    const disk = entry.disk;
    if (disk === undefined || disk.pending.size === 0) return;
    const random = this.streams.stream(`disk/${entry.address}`);
    for (const [id, { key, value }] of disk.pending) {
      const kept = random() < 0.5;
      if (kept) disk.durable.set(key, value);
      this.#trace.record(this.#now, entry.address, {
        kind: kept ? 'disk.write-kept' : 'disk.write-lost',
        key,
      });
      const event = this.#queue.get(id);
      if (event !== undefined) {
        this.#queue.cancel(id);
        this.#pool.release(event);
      }
    }
    disk.pending.clear();
  }

  /** The durable store a process of `entry` sees: its machine's disk. */
  #store(entry: ProcessEntry<M>, incarnation: number): DurableStore {
    return {
      load: (key) => entry.disk?.durable.get(key),
      save: (key, value, tag) => {
        if (entry.incarnation !== incarnation) {
          throw new Error(`process ${entry.address} used the env of an incarnation that went down`);
        }
        entry.disk ??= { durable: new Map(), pending: new Map() };
        // An fsync takes 1 to 10 ms, drawn from the disk's own stream.
        const latencyMs = 1 + 9 * this.streams.stream(`disk/${entry.address}`)();
        const id = this.#schedule(
          EventKind.timer,
          this.#now + latencyMs,
          entry,
          entry.address,
          undefined,
          tag,
        );
        entry.disk.pending.set(id, { key, value });
        return id;
      },
    };
  }

  /** A copy of what is durable on `address`'s disk (for tests and checks). */
  diskContents(address: Address): ReadonlyMap<string, string> {
    return new Map(this.#entry(address).disk?.durable ?? []);
  }

  /**
   * Forgets what is on `address`'s disk, as a machine reboot makes a Mesos agent ignore its
   * checkpoint (its boot id changed). The process must be down.
   */
  wipeDisk(address: Address): void {
    const entry = this.#entry(address);
    if (entry.status === 'running') throw new Error(`cannot wipe the disk of ${address}: it is running`);
    entry.disk = undefined;
    this.#trace.record(this.#now, address, { kind: 'disk.wiped' });
  }

  /** Records that `from` and `to` now have a connection (both ways), when links are tracked. */
  #connect(sender: ProcessEntry<M> | undefined, to: ProcessEntry<M>): void {
    if (sender === undefined || sender.status !== 'running' || sender === to) return;
    sender.peers.add(to.address);
    to.peers.add(sender.address);
  }

  /** Tells the running peers of a process that went down, as a connection reset would. */
  #notifyPeers(entry: ProcessEntry<M>): void {
    const linkMessage = this.#linkMessage;
    if (linkMessage === undefined) return;
    const atMs = this.#now + this.network.config.latencyMsMin;
    for (const address of entry.peers) {
      const peer = this.#processes.get(address) as ProcessEntry<M>;
      peer.peers.delete(entry.address);
      if (peer.status !== 'running' || !this.network.canReach(entry.address, address)) continue;
      this.#trace.record(this.#now, NETWORK_ADDRESS, {
        kind: 'net.link-exited',
        exited: entry.address,
        to: address,
      });
      const epoch = this.#epoch(entry.address, address);
      this.#schedule(EventKind.deliver, atMs, peer, entry.address, linkMessage(entry.address), '', epoch);
    }
    entry.peers.clear();
  }

  #entry(address: Address): ProcessEntry<M> {
    const entry = this.#processes.get(address);
    if (entry === undefined) throw new Error(`no process registered at ${address}`);
    return entry;
  }

  #running(address: Address): ProcessEntry<M> {
    const entry = this.#entry(address);
    if (entry.status !== 'running')
      throw new Error(`process ${address} is not running (it is ${entry.status})`);
    return entry;
  }
}

/**
 * When a timer of `delayMs` on a skewed clock fires, in world time: the delay is measured on
 * the process's own clock (a fast clock fires early), and never so short that the process
 * would read its clock before the deadline when it fires. Rounding could otherwise give a
 * world time equal to now, and a process that re-arms for the small remainder would spin at
 * one instant for ever (the first long campaign found this: seed 370).
 */
function skewedTimerAt<M>(entry: ProcessEntry<M>, nowMs: number, delayMs: number): number {
  const rate = (entry.clock as NonNullable<ProcessEntry<M>['clock']>).rate;
  let atMs = nowMs + delayMs / rate;
  if (delayMs === 0) return atMs;
  const deadline = localTime(entry, nowMs) + delayMs;
  while (localTime(entry, atMs) < deadline) atMs += Math.abs(atMs) * Number.EPSILON || Number.MIN_VALUE;
  return atMs;
}

/** A directed link as one map key. */
function linkKey(from: Address, to: Address): string {
  return `${from}\u0000${to}`;
}

/** What the process's clock reads at world time `nowMs`. */
function localTime<M>(entry: ProcessEntry<M>, nowMs: number): number {
  const clock = entry.clock;
  return clock === undefined ? nowMs : clock.localBaseMs + (nowMs - clock.worldBaseMs) * clock.rate;
}

/** Why a send was dropped, for the trace. */
function dropReason<M>(entry: ProcessEntry<M> | undefined, outcome: TransmitOutcome): DropReason {
  if (entry === undefined) return 'unknown-address';
  if (outcome === 'refused') return 'receiver-down';
  return outcome === 'lost' ? 'loss' : 'partition';
}

/**
 * Pending fault times, ascending: those touching every process, and per process those touching
 * only some. A fault leaves it when it happens, so the first pending time is never in the past.
 */
class FaultCalendar {
  readonly #all: number[] = [];
  readonly #byProcess = new Map<Address, number[]>();

  add(timeMs: number, affects: readonly Address[] | undefined): void {
    if (affects === undefined) insertSorted(this.#all, timeMs);
    else {
      for (const address of new Set(affects)) {
        let list = this.#byProcess.get(address);
        if (list === undefined) {
          list = [];
          this.#byProcess.set(address, list);
        }
        insertSorted(list, timeMs);
      }
    }
  }

  remove(timeMs: number, affects: readonly Address[] | undefined): void {
    if (affects === undefined) removeOne(this.#all, timeMs);
    else for (const address of new Set(affects)) removeOne(this.#byProcess.get(address) ?? [], timeMs);
  }

  /** The first pending fault touching `a` or `b`, or Infinity. */
  next(a: Address, b: Address): number {
    return Math.min(
      this.#all[0] ?? Number.POSITIVE_INFINITY,
      this.#byProcess.get(a)?.[0] ?? Number.POSITIVE_INFINITY,
      this.#byProcess.get(b)?.[0] ?? Number.POSITIVE_INFINITY,
    );
  }
}

function insertSorted(list: number[], value: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] as number) > value) i--;
  list.splice(i, 0, value);
}

function removeOne(list: number[], value: number): void {
  const at = list.indexOf(value);
  if (at >= 0) list.splice(at, 1);
}
