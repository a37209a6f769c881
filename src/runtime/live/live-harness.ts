/**
 * The live node as a {@link ClusterHarness}: a real master ({@link MasterServer}) and real agents
 * ({@link AgentServer}, tasks as child processes) in this process, each on its own loopback port,
 * and schedulers over the v1 HTTP API ({@link liveSchedulerDriver}), in real time divided by a
 * time scale.
 *
 * Time scale X: the harness speaks scenario time (`now`, `at`) and runs it X times faster than
 * real time; every duration it hands to a process is divided by X (the allocation interval, ping
 * and offer timeouts, failover timeouts); the run loop divides the rest (refuse filters, `sleep`
 * durations) by {@link LiveHarness.timeScale}.
 *
 * The scenario clock starts when the harness is first driven ({@link LiveHarness.runTo} or
 * {@link LiveHarness.runUntil}), after {@link LiveHarness.ready}: once the master is up, every
 * agent started so far has registered (in the simulator agents register within the first
 * milliseconds) and the frameworks asked for have been built; actions scheduled before then
 * wait for it. Actions run in (time, order
 * scheduled) order from one queue with one timer, so equal times keep FIFO order as in the
 * simulator, and each one's lateness goes to the {@link LagMeter}.
 *
 * Not replayed yet (said by {@link LiveHarness.cannotReplay}, so the run loop skips such faults
 * out loud): agent and master crashes and restarts (the master and agents share this process),
 * network partitions (they need a fault proxy on each link), clock skew (one machine, one
 * clock). Scheduler crashes and failovers are replayed: a crashed driver's connections close
 * without a TEARDOWN, and a new driver subscribes with the framework's id.
 */
import { join } from 'node:path';
import { findPolicy } from '../../allocator/policies.js';
import type { FrameworkInfo } from '../../core/messages/framework-info.js';
import type { TraceEvent } from '../../core/process.js';
import type { Resources } from '../../core/resources.js';
import type { Scheduler } from '../../driver/scheduler.js';
import type { MesosSchedulerDriver } from '../../driver/scheduler-driver.js';
import { type FaultSpec, MASTER_ADDRESS } from '../../scenario/schema.js';
import type { AgentPlan, MasterPlan } from '../plan/cluster-plan.js';
import type { ClusterHarness, HarnessProcessStatus, HarnessStream, MasterCounters } from '../plan/harness.js';
// TODO(roots): deriveStream moves to src/core; import it from there after the merge.
import { deriveStream } from '../sim/random-streams.js';
import { AgentServer } from './agent-server.js';
import type { Credential } from './credentials.js';
import { LagMeter } from './live-lag.js';
import { liveSchedulerDriver } from './live-scheduler.js';
import { clearLongTimeout, type LongTimeout, setLongTimeout } from './long-timer.js';
import { MasterServer } from './master-server.js';

/** How long agents may take to register before {@link LiveHarness.ready} gives up (real ms). */
const REGISTRATION_TIMEOUT_MS = 30_000;

/** Real ms between checks of a {@link LiveHarness.runUntil} condition. */
const POLL_MS = 5;

/** How to build a live harness. */
export interface LiveHarnessOptions {
  /** Scenario seconds per real second (> 0). */
  readonly timeScale: number;
  /** The agents' work dirs (sandboxes, checkpoints) go under it, one folder per agent. */
  readonly workDir: string;
  /** Seeds every process's and framework's random streams, as in the simulator. */
  readonly seed: number;
  /** The scenario clock stops here (default: never). */
  readonly untilMs?: number;
  readonly log?: (line: string) => void;
  /** Run with authentication on: the master requires it of every agent and framework, which present it. */
  readonly credential?: Credential;
}

/** A scheduled action. */
interface Action {
  readonly timeMs: number;
  readonly seq: number;
  readonly run: () => void;
}

interface AgentEntry {
  readonly plan: AgentPlan;
  readonly resources: () => Resources;
  status: HarnessProcessStatus;
  server: AgentServer | undefined;
}

interface FrameworkEntry {
  readonly scheduler: Scheduler;
  status: HarnessProcessStatus;
  live: ReturnType<typeof liveSchedulerDriver>;
}

/** A {@link ClusterHarness} on a live loopback cluster (see the module comment). */
export class LiveHarness implements ClusterHarness {
  readonly world: 'live' = 'live';
  readonly timeScale: number;
  readonly clockSkew = undefined;
  readonly lag: LagMeter;
  /** Harness events (faults skipped…) with their scenario times, in order. */
  readonly events: (TraceEvent & { readonly atMs: number })[] = [];
  readonly #options: LiveHarnessOptions;
  readonly #log: (line: string) => void;
  readonly #streams = new Map<string, HarnessStream>();
  readonly #agents = new Map<string, AgentEntry>();
  readonly #frameworks = new Map<string, FrameworkEntry>();
  readonly #closing: Promise<void>[] = [];
  #master: MasterServer | undefined;
  #masterStatus: HarnessProcessStatus | undefined;
  /** Spawns run one after another, in the order asked. */
  #chain: Promise<void> = Promise.resolve();
  #failure: unknown;
  #startedAt: number | undefined;
  readonly #queue: Action[] = [];
  #seq = 0;
  #timer: LongTimeout | undefined;
  #timerAtMs = Number.POSITIVE_INFINITY;

  constructor(options: LiveHarnessOptions) {
    if (!(options.timeScale > 0 && Number.isFinite(options.timeScale))) {
      throw new RangeError(`time scale must be a finite number > 0, got ${options.timeScale}`);
    }
    this.#options = options;
    this.timeScale = options.timeScale;
    this.#log = options.log ?? (() => {});
    this.lag = new LagMeter(options.timeScale);
  }

  now(): number {
    if (this.#startedAt === undefined) return 0;
    const ms = (performance.now() - this.#startedAt) * this.timeScale;
    return Math.min(ms, this.#options.untilMs ?? Number.POSITIVE_INFINITY);
  }

  at(timeMs: number, action: () => void): void {
    const entry: Action = {
      timeMs,
      seq: this.#seq++,
      run: () => {
        this.lag.action(timeMs, this.now());
        action();
      },
    };
    // Insert after every action at or before its time: FIFO for equal times.
    let lo = 0;
    let hi = this.#queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#queue[mid] as Action).timeMs <= timeMs) lo = mid + 1;
      else hi = mid;
    }
    this.#queue.splice(lo, 0, entry);
    this.#arm();
  }

  atFault(timeMs: number, _touches: readonly string[] | undefined, action: () => void): void {
    this.at(timeMs, action);
  }

  stream(name: string): HarnessStream {
    let stream = this.#streams.get(name);
    if (stream === undefined) {
      stream = deriveStream(this.#options.seed, name);
      this.#streams.set(name, stream);
    }
    return stream;
  }

  spawnMaster(plan: MasterPlan): void {
    const policy = findPolicy(plan.policy);
    if (typeof policy === 'string') throw new Error(policy);
    const scale = this.timeScale;
    const credential = this.#options.credential;
    this.#masterStatus = 'running';
    this.#then(async () => {
      this.#master = await MasterServer.start({
        port: 0,
        seed: this.#options.seed,
        log: this.#log,
        // Every agent and framework of the replay connects from loopback: one client address.
        limits: { maxConnectionsPerClient: 1_000_000 },
        ...(credential === undefined
          ? {}
          : {
              security: { credentials: [credential], authenticateFrameworks: true, authenticateAgents: true },
            }),
        master: {
          policy,
          allocationIntervalMs: plan.allocationIntervalMs / scale,
          weights: plan.weights,
          quotas: plan.quotas,
          agentPingTimeoutMs: plan.agentPingTimeoutMs / scale,
          maxAgentPingTimeouts: plan.maxAgentPingTimeouts,
          filterGpuResources: plan.filterGpuResources,
          ...(plan.offerTimeoutMs === undefined ? {} : { offerTimeoutMs: plan.offerTimeoutMs / scale }),
        },
      });
    });
  }

  addAgent(plan: AgentPlan, resources: () => Resources): void {
    this.#agents.set(plan.id, { plan, resources, status: 'registered', server: undefined });
  }

  spawnFramework(address: string, scheduler: Scheduler, info: FrameworkInfo): MesosSchedulerDriver {
    const entry: FrameworkEntry = { scheduler, status: 'running', live: this.#driver(scheduler, info) };
    this.#frameworks.set(address, entry);
    entry.live.driver.start();
    return entry.live.driver;
  }

  failoverFramework(address: string, info: FrameworkInfo): MesosSchedulerDriver {
    const entry = this.#frameworks.get(address);
    if (entry === undefined) throw new Error(`assertion failed: no scheduler at ${address}`);
    if (entry.status === 'running') throw new Error(`process ${address} cannot restart: it is running`);
    entry.live = this.#driver(entry.scheduler, info);
    entry.status = 'running';
    entry.live.driver.start();
    return entry.live.driver;
  }

  status(address: string): HarnessProcessStatus | undefined {
    if (address === MASTER_ADDRESS) return this.#masterStatus;
    return this.#agents.get(address)?.status ?? this.#frameworks.get(address)?.status;
  }

  start(address: string): void {
    const agent = this.#agents.get(address);
    if (agent === undefined) throw new Error(`live: cannot start ${address}: only agents are started so`);
    if (agent.status !== 'registered') throw new Error(`process ${address} is already ${agent.status}`);
    agent.status = 'running';
    const credential = this.#options.credential;
    this.#then(async () => {
      const master = this.#master;
      if (master === undefined) throw new Error('live: an agent cannot start before the master');
      agent.server = await AgentServer.start({
        masterUrl: master.url,
        resources: agent.resources(),
        workDir: join(this.#options.workDir, agent.plan.id),
        port: 0,
        seed: this.#options.seed,
        log: this.#log,
        ...(agent.plan.attributes.length === 0 ? {} : { agent: { attributes: agent.plan.attributes } }),
        ...(credential === undefined ? {} : { credential }),
      });
    });
  }

  restart(address: string): void {
    throw new Error(`live: restarting ${address} is not replayed yet`);
  }

  stop(address: string): void {
    throw new Error(`live: stopping ${address} is not replayed yet`);
  }

  /** Crashes a scheduler: its connections close with no TEARDOWN, as when its process dies. */
  crash(address: string): void {
    const entry = this.#frameworks.get(address);
    if (entry === undefined) throw new Error(`live: crashing ${address} is not replayed yet`);
    if (entry.status !== 'running') throw new Error(`process ${address} is not running: ${entry.status}`);
    entry.status = 'crashed';
    this.#closing.push(entry.live.close());
  }

  wipeDisk(address: string): void {
    throw new Error(`live: wiping ${address}'s disk is not replayed yet`);
  }

  partition(a: string, b: string): void {
    throw new Error(`live: partitioning ${a} from ${b} is not replayed yet`);
  }

  heal(a: string, b: string): void {
    throw new Error(`live: healing ${a} and ${b} is not replayed yet`);
  }

  cannotReplay(kind: FaultSpec['kind']): string | undefined {
    switch (kind) {
      case 'agent-crash':
      case 'agent-restart':
      case 'master-crash':
        return 'not replayed live yet: the master and the agents run in this process, not as processes to kill';
      case 'network-partition':
        return 'not replayed live yet: partitions need a fault proxy on each link';
      case 'clock-skew':
        return 'not replayed live: one machine has one clock (the simulator skews clocks)';
      case 'framework-crash':
        return undefined;
    }
  }

  masterCounters(): MasterCounters {
    const counters = this.#masterStatus === 'running' ? this.#master?.master.counters() : undefined;
    return {
      allocationRuns: counters?.allocationRuns ?? 0,
      offersMade: counters?.offersMade ?? 0,
      offersAccepted: counters?.offersAccepted ?? 0,
      offersDeclined: counters?.offersDeclined ?? 0,
      offersRescinded: counters?.offersRescinded ?? 0,
    };
  }

  trace(event: TraceEvent): void {
    const atMs = this.now();
    this.events.push({ ...event, atMs });
    this.#log(`harness at ${(atMs / 1000).toFixed(3)} s: ${JSON.stringify(event)}`);
  }

  /** Resolves when the master is up and every agent started so far has registered. */
  async ready(): Promise<void> {
    await this.#chain;
    this.#check();
    const master = this.#master;
    if (master !== undefined) {
      const expected = [...this.#agents.values()].filter((a) => a.server !== undefined).length;
      const ok = await pollUntil(
        () => master.master.state().activated_slaves >= expected,
        REGISTRATION_TIMEOUT_MS,
      );
      if (!ok) {
        throw new Error(
          `live: ${expected} agent(s) did not all register within ${REGISTRATION_TIMEOUT_MS / 1000} s`,
        );
      }
    }
  }

  /** Starts the scenario clock, if it has not started. */
  #startClock(): void {
    if (this.#startedAt !== undefined) return;
    this.#startedAt = performance.now();
    this.lag.start();
    this.#arm();
  }

  async runUntil(done: () => boolean, withinMs: number): Promise<boolean> {
    await this.ready();
    this.#startClock();
    const endMs = this.now() + withinMs;
    const held = await pollUntil(() => {
      this.#check();
      return done() || this.now() >= endMs;
    }, Number.POSITIVE_INFINITY);
    return held && done();
  }

  async runTo(timeMs: number): Promise<void> {
    await this.ready();
    this.#startClock();
    await new Promise<void>((resolve) => this.at(timeMs, resolve));
    this.#check();
  }

  async close(): Promise<void> {
    this.lag.stop();
    if (this.#timer !== undefined) clearLongTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
    await this.#chain.catch(() => {});
    const frameworks = [...this.#frameworks.values()].filter((f) => f.status === 'running');
    for (const f of frameworks) f.live.driver.stop();
    await Promise.all([...frameworks.map((f) => f.live.close()), ...this.#closing]);
    await Promise.all([...this.#agents.values()].map((a) => a.server?.close()));
    await this.#master?.close();
  }

  /** The first failure of a spawn or an action, rethrown. */
  #check(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  #then(step: () => Promise<void>): void {
    this.#chain = this.#chain.then(step).catch((e: unknown) => {
      this.#failure ??= e;
    });
  }

  #driver(scheduler: Scheduler, info: FrameworkInfo): ReturnType<typeof liveSchedulerDriver> {
    const master = this.#master;
    if (master === undefined)
      throw new Error('live: a framework cannot start before the master is up (await ready())');
    const credential = this.#options.credential;
    return liveSchedulerDriver(
      scheduler,
      {
        ...info,
        ...(info.failover_timeout === undefined
          ? {}
          : { failover_timeout: info.failover_timeout / this.timeScale }),
        ...(credential === undefined ? {} : { principal: credential.principal }),
      },
      {
        masterUrl: master.url,
        seed: this.#options.seed,
        log: this.#log,
        ...(credential === undefined ? {} : { credential }),
      },
    );
  }

  /** Keeps one timer, for the head of the queue (once the clock runs). */
  #arm(): void {
    const startedAt = this.#startedAt;
    const head = this.#queue[0];
    if (startedAt === undefined || head === undefined) return;
    if (this.#timer !== undefined && this.#timerAtMs <= head.timeMs) return;
    if (this.#timer !== undefined) clearLongTimeout(this.#timer);
    this.#timerAtMs = head.timeMs;
    const delayMs = head.timeMs / this.timeScale - (performance.now() - startedAt);
    this.#timer = setLongTimeout(() => this.#fire(), Math.max(0, delayMs));
  }

  /** Runs every action due by now, in order, then re-arms. */
  #fire(): void {
    this.#timer = undefined;
    this.#timerAtMs = Number.POSITIVE_INFINITY;
    const startedAt = this.#startedAt as number;
    const nowMs = (performance.now() - startedAt) * this.timeScale;
    while (this.#queue.length > 0 && (this.#queue[0] as Action).timeMs <= nowMs) {
      const action = this.#queue.shift() as Action;
      try {
        action.run();
      } catch (e) {
        this.#failure ??= e;
      }
    }
    this.#arm();
  }
}

/** Waits, polling every {@link POLL_MS} real ms, until `check()` holds (true) or `timeoutMs` passes (false). */
async function pollUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return true;
}
