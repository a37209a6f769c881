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
 * agent started so far has registered and the frameworks asked for have been built; actions
 * scheduled before then wait for it. This differs from the simulator, where agents register
 * during the first second of scenario time (each after Mesos's random initial delay, up to the
 * 1 s registration backoff factor), after the frameworks subscribed, so each new agent is
 * offered alone; live, the first allocation after a SUBSCRIBE offers the whole cluster to the
 * frameworks subscribed by then (what that costs mixed: its case in live-replay.test.ts).
 * Actions run in (time, order scheduled) order from one queue with one timer, so equal times
 * keep FIFO order as in the simulator, and each one's lateness goes to the {@link LagMeter}.
 *
 * Faults are replayed on the real processes and sockets:
 *
 * - **Nodes** (cluster-nodes.ts): the master and the agents run in this process, or with
 *   `processes` each as its own OS process (`agora master`, `agora agent`). An agent or master
 *   crash is a SIGKILL of its process (in this process: its connections cut and its processes
 *   dropped with no last words); a restart starts it again on the same work dir, so a master
 *   recovers its registry and an agent its checkpoint (Mesos `--recover=reconnect`). Wiping an
 *   agent's disk (a reboot) kills the tasks its agent left and empties its work dir: it
 *   registers anew, under a new id.
 * - **Links** (fault-links.ts, fault-proxy.ts): every agent–master and scheduler–master link goes
 *   through a fault proxy, which holds a partitioned direction (connections stall; held bytes
 *   flow on when it heals) and adds the scenario's latency divided by the time scale. Agents
 *   advertise their proxy's port, so the master's connections to them go through it too.
 * - **Schedulers**: a crashed driver's connections close without a TEARDOWN, and a new driver
 *   subscribes with the framework's id; the log says which id each registration got.
 *
 * Not replayed: clock skew (one machine, one clock; said by {@link LiveHarness.cannotReplay},
 * so the run loop skips it out loud), and the network's loss, duplication and reordering (TCP
 * turns loss into delay and neither duplicates nor reorders).
 */

import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findPolicy } from '../../allocator/policies.js';
import { assertNever } from '../../core/assert-never.js';
import type { FrameworkInfo } from '../../core/messages/framework-info.js';
import type { FrameworkID } from '../../core/messages/ids.js';
import type { TraceEvent } from '../../core/process.js';
import { deriveStream } from '../../core/random-streams.js';
import type { Resources } from '../../core/resources.js';
import type { Scheduler } from '../../driver/scheduler.js';
import type { MesosSchedulerDriver } from '../../driver/scheduler-driver.js';
import { type FaultSpec, MASTER_ADDRESS } from '../../scenario/schema.js';
import type { AgentPlan, MasterPlan } from '../plan/cluster-plan.js';
import type { ClusterHarness, HarnessProcessStatus, HarnessStream, MasterCounters } from '../plan/harness.js';
import { masterCountersOf } from '../plan/master-counters.js';
import { cleanupAgentWorkDir } from './agent-recovery.js';
import {
  childProcessNodes,
  IN_PROCESS_NODES,
  type LiveAgentNode,
  type LiveMasterNode,
  type MasterSettings,
  type NodeContext,
  type NodeLauncher,
  wipeAgentDisk,
} from './cluster-nodes.js';
import type { Credential } from './credentials.js';
import { eventually } from './eventually.js';
import { FaultLinks } from './fault-links.js';
import { LagMeter } from './live-lag.js';
import { liveSchedulerDriver } from './live-scheduler.js';
import { clearLongTimeout, type LongTimeout, setLongTimeout } from './long-timer.js';

/** How long agents may take to register before {@link LiveHarness.ready} gives up (real ms). */
const REGISTRATION_TIMEOUT_MS = 30_000;

/** Real ms between checks of a {@link LiveHarness.runUntil} condition. */
const POLL_MS = 5;

/**
 * Mesos's `--agent_reregister_timeout` (10 min, the master's default, src/master/options.ts) and
 * `--recovery_timeout` (15 min), in scenario ms: divided by the time scale like every timing.
 */
const AGENT_REREGISTER_TIMEOUT_MS = 600_000;
const AGENT_RECOVERY_TIMEOUT_MS = 900_000;

/** Every node listens on loopback. */
const HOST = '127.0.0.1';

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
  /** Told the master's URL each time it starts (its web UI is at `/`: `agora live --serve`). */
  readonly onMasterUrl?: (url: string) => void;
  /** Run with authentication on: the master requires it of every agent and framework, which present it. */
  readonly credential?: Credential;
  /** Run the master and each agent as its own OS process (`agora live --processes`). */
  readonly processes?: boolean;
  /** The scenario's one-way latency in scenario ms; every link adds it, divided by the time scale. */
  readonly latency?: { readonly minMs: number; readonly maxMs: number };
  /**
   * The scheduler addresses that get a link (a fault proxy) of their own, so that partitions and
   * latency reach them; a scheduler not listed talks to the master directly.
   */
  readonly schedulers?: readonly string[];
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
  readonly workDir: string;
  status: HarnessProcessStatus;
  /** Its running node; undefined while it is down. */
  node: LiveAgentNode | undefined;
  /** Whether it was ever started (a down agent may have left tasks behind). */
  started: boolean;
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
  readonly #launcher: NodeLauncher;
  readonly #context: NodeContext;
  #master: LiveMasterNode | undefined;
  #masterPlan: MasterPlan | undefined;
  /** The master's port, kept across restarts (a scheduler without a link of its own uses it). */
  #masterPort: number | undefined;
  #masterStatus: HarnessProcessStatus | undefined;
  /** The links, once the master first listens. */
  #links: FaultLinks | undefined;
  #linksReady: Promise<FaultLinks>;
  #linksResolve: (links: FaultLinks) => void = () => {};
  /** The master URL each linked scheduler is given. */
  readonly #schedulerUrls = new Map<string, string>();
  /**
   * Starts, crashes and restarts of each process run one after another, in the order asked
   * (a restart after the crash it follows); different processes' do not wait for each other.
   */
  readonly #chains = new Map<string, Promise<void>>();
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
    this.#launcher = options.processes === true ? childProcessNodes() : IN_PROCESS_NODES;
    this.#context = {
      seed: options.seed,
      log: this.#log,
      ...(options.credential === undefined ? {} : { credential: options.credential }),
    };
    this.#linksReady = new Promise((resolve) => {
      this.#linksResolve = resolve;
    });
  }

  /** `in-process` or `processes`: how the master and the agents run. */
  get nodes(): NodeLauncher['kind'] {
    return this.#launcher.kind;
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
    this.#masterPlan = plan;
    this.#masterStatus = 'running';
    this.#then(MASTER_ADDRESS, () => this.#startMaster(plan));
  }

  /** Starts the master (again) on its work dir and port, and points the links at it. */
  async #startMaster(plan: MasterPlan): Promise<void> {
    const master = await this.#launcher.startMaster(
      this.#masterSettings(plan),
      join(this.#options.workDir, MASTER_ADDRESS),
      this.#context,
      this.#masterPort ?? 0,
    );
    this.#master = master;
    this.#masterPort = master.port;
    this.#options.onMasterUrl?.(`http://${HOST}:${master.port}/`);
    if (this.#links !== undefined) {
      this.#links.masterMoved({ host: HOST, port: master.port });
      return;
    }
    const latency = this.#options.latency;
    const links = new FaultLinks(
      { host: HOST, port: master.port },
      latency === undefined
        ? undefined
        : {
            minMs: latency.minMs / this.timeScale,
            maxMs: latency.maxMs / this.timeScale,
            random: (link) => this.stream(`network/${link}`),
          },
    );
    for (const address of this.#options.schedulers ?? []) {
      this.#schedulerUrls.set(address, await links.scheduler(address));
    }
    this.#links = links;
    this.#linksResolve(links);
  }

  /** The master's settings in real time. */
  #masterSettings(plan: MasterPlan): MasterSettings {
    const scale = this.timeScale;
    return {
      policy: plan.policy,
      allocationIntervalMs: plan.allocationIntervalMs / scale,
      weights: plan.weights,
      quotas: plan.quotas,
      agentPingTimeoutMs: plan.agentPingTimeoutMs / scale,
      maxAgentPingTimeouts: plan.maxAgentPingTimeouts,
      agentReregisterTimeoutMs: AGENT_REREGISTER_TIMEOUT_MS / scale,
      filterGpuResources: plan.filterGpuResources,
      offerTimeoutMs: plan.offerTimeoutMs === undefined ? undefined : plan.offerTimeoutMs / scale,
    };
  }

  addAgent(plan: AgentPlan, resources: () => Resources): void {
    this.#agents.set(plan.id, {
      plan,
      resources,
      workDir: join(this.#options.workDir, plan.id),
      status: 'registered',
      node: undefined,
      started: false,
    });
  }

  spawnFramework(address: string, scheduler: Scheduler, info: FrameworkInfo): MesosSchedulerDriver {
    const entry: FrameworkEntry = {
      scheduler,
      status: 'running',
      live: this.#driver(address, scheduler, info),
    };
    this.#frameworks.set(address, entry);
    // Before the clock starts, the driver starts with it, as the first action of time 0: the
    // submissions due at 0 then run before its SUBSCRIBED can come back, as in the simulator
    // (where they run at 0 while SUBSCRIBE is on the wire). Started at once instead, a framework
    // subscribed with nothing to run and suppressed, and its first jobs waited for a revive to
    // win back offers already made to others (mixed's etl waited 8 s live, 0.4 s simulated).
    if (this.#startedAt === undefined) this.at(0, () => entry.live.driver.start());
    else entry.live.driver.start();
    return entry.live.driver;
  }

  failoverFramework(address: string, info: FrameworkInfo): MesosSchedulerDriver {
    const entry = this.#frameworks.get(address);
    if (entry === undefined) throw new Error(`assertion failed: no scheduler at ${address}`);
    if (entry.status === 'running') throw new Error(`process ${address} cannot restart: it is running`);
    this.#log(`${address} fails over with framework id ${info.id?.value ?? '(none: it never registered)'}`);
    entry.live = this.#driver(address, entry.scheduler, info);
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
    this.#then(address, () => this.#startAgent(agent));
  }

  /** Starts an agent (again) on its work dir, behind its links. */
  async #startAgent(agent: AgentEntry): Promise<void> {
    const links = await this.#linksReady;
    const { masterUrl, advertisePort } = await links.agent(agent.plan.id);
    agent.started = true;
    agent.node = await this.#launcher.startAgent(
      {
        id: agent.plan.id,
        masterUrl,
        advertisePort,
        resources: agent.resources(),
        attributes: agent.plan.attributes,
        workDir: agent.workDir,
        recoveryTimeoutMs: AGENT_RECOVERY_TIMEOUT_MS / this.timeScale,
        timeScale: this.timeScale,
      },
      this.#context,
    );
    links.agentMoved(agent.plan.id, agent.node.port);
  }

  /** Starts again a crashed or stopped master or agent, on its work dir (schedulers fail over instead). */
  restart(address: string): void {
    if (address === MASTER_ADDRESS) {
      const plan = this.#masterPlan;
      if (plan === undefined) throw new Error('live: the master was never spawned');
      this.#mustBeDown(address, this.#masterStatus);
      this.#masterStatus = 'running';
      this.#log(`master restarts on its registry (${this.#launcher.kind})`);
      this.#then(MASTER_ADDRESS, () => this.#startMaster(plan));
      return;
    }
    const agent = this.#agents.get(address);
    if (agent === undefined) throw new Error(`live: cannot restart ${address}: schedulers fail over instead`);
    this.#mustBeDown(address, agent.status);
    agent.status = 'running';
    this.#log(`${address} restarts on its work dir (${this.#launcher.kind})`);
    this.#then(address, () => this.#startAgent(agent));
  }

  /** Stops the master or an agent in order (an agent kills its tasks and unregisters). */
  stop(address: string): void {
    if (address === MASTER_ADDRESS) {
      this.#mustBeRunning(address, this.#masterStatus);
      this.#masterStatus = 'stopped';
      this.#then(MASTER_ADDRESS, async () => {
        const master = this.#master;
        this.#master = undefined;
        await master?.close();
      });
      return;
    }
    const agent = this.#agents.get(address);
    if (agent === undefined)
      throw new Error(`live: cannot stop ${address}: schedulers are stopped by their drivers`);
    this.#mustBeRunning(address, agent.status);
    agent.status = 'stopped';
    this.#then(address, async () => {
      const node = agent.node;
      agent.node = undefined;
      await node?.close();
    });
  }

  /**
   * Kills a process: the master or an agent with SIGKILL (`processes`) or cut in this process
   * with no last words; a scheduler's connections close with no TEARDOWN, as when its process
   * dies. Disks stay.
   */
  crash(address: string): void {
    const how = this.#launcher.kind === 'processes' ? 'SIGKILL' : 'cut, in this process';
    if (address === MASTER_ADDRESS) {
      this.#mustBeRunning(address, this.#masterStatus);
      this.#masterStatus = 'crashed';
      this.#log(`master crashes (${how})`);
      this.#then(MASTER_ADDRESS, async () => {
        const master = this.#master;
        this.#master = undefined;
        await master?.crash();
      });
      return;
    }
    const agent = this.#agents.get(address);
    if (agent !== undefined) {
      this.#mustBeRunning(address, agent.status);
      agent.status = 'crashed';
      this.#log(`${address} crashes (${how})`);
      this.#then(address, async () => {
        const node = agent.node;
        agent.node = undefined;
        await node?.crash();
      });
      return;
    }
    const entry = this.#frameworks.get(address);
    if (entry === undefined) throw new Error(`live: no process ${address} to crash`);
    this.#mustBeRunning(address, entry.status);
    entry.status = 'crashed';
    this.#log(`${address} crashes (its driver's connections close, no TEARDOWN)`);
    // At once, as a dying process: no more callbacks or timers, the subscription stream drops
    // (the master sees the connection close), and nothing is said (no TEARDOWN).
    entry.live.driver.abort();
    this.#closing.push(entry.live.close());
  }

  /**
   * Empties a process's disk: an agent's machine rebooted (the tasks its agent left die, its work
   * dir goes), or a master's registry lost.
   */
  wipeDisk(address: string): void {
    if (address === MASTER_ADDRESS) {
      const dir = join(this.#options.workDir, MASTER_ADDRESS);
      this.#then(MASTER_ADDRESS, async () => rmSync(dir, { recursive: true, force: true }));
      return;
    }
    const agent = this.#agents.get(address);
    if (agent === undefined) throw new Error(`live: ${address} has no disk to wipe`);
    this.#log(`${address}'s machine reboots: its tasks die, its work dir is emptied`);
    this.#then(address, async () => wipeAgentDisk(agent.workDir));
  }

  /** Cuts what `a` sends to `b` (and `b` to `a` unless `oneWay`) on the links between them. */
  partition(a: string, b: string, oneWay: boolean): void {
    this.#log(`partition: ${a} ${oneWay ? '→' : '↔'} ${b} cut`);
    this.#linksNow().partition(a, b, oneWay);
  }

  heal(a: string, b: string): void {
    this.#log(`partition: ${a} ↔ ${b} healed`);
    this.#linksNow().heal(a, b);
  }

  /** The links, which exist once the master first listened (before the clock starts). */
  #linksNow(): FaultLinks {
    const links = this.#links;
    if (links === undefined) throw new Error('assertion failed: a partition before the master listened');
    return links;
  }

  #mustBeRunning(address: string, status: HarnessProcessStatus | undefined): void {
    if (status !== 'running') throw new Error(`process ${address} is not running: ${status}`);
  }

  #mustBeDown(address: string, status: HarnessProcessStatus | undefined): void {
    if (status !== 'crashed' && status !== 'stopped')
      throw new Error(`process ${address} cannot restart: it is ${status}`);
  }

  cannotReplay(kind: FaultSpec['kind']): string | undefined {
    switch (kind) {
      case 'clock-skew':
        return 'not replayed live: one machine has one clock (the simulator skews clocks)';
      case 'agent-crash':
      case 'agent-restart':
      case 'master-crash':
      case 'network-partition':
      case 'framework-crash':
        return undefined;
      default:
        return assertNever(kind);
    }
  }

  masterCounters(): MasterCounters {
    return masterCountersOf(this.#masterStatus === 'running' ? this.#master : undefined);
  }

  trace(event: TraceEvent): void {
    const atMs = this.now();
    this.events.push({ ...event, atMs });
    this.#log(`harness at ${(atMs / 1000).toFixed(3)} s: ${JSON.stringify(event)}`);
  }

  /**
   * Before the clock starts: resolves when the master is up and every agent started so far has
   * registered. Once it runs, only reports a failure: a crash or a partition may hold agents
   * away for as long as the scenario says.
   */
  async ready(): Promise<void> {
    if (this.#startedAt !== undefined) {
      this.#check();
      return;
    }
    await Promise.all(this.#chains.values());
    this.#check();
    const master = this.#master;
    if (master !== undefined) {
      const expected = [...this.#agents.values()].filter((a) => a.node !== undefined).length;
      await eventually(
        async () => (await master.activatedAgents()) >= expected,
        REGISTRATION_TIMEOUT_MS,
        `all ${expected} agent(s) to register with the live master`,
      );
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
    await eventually(
      () => {
        this.#check();
        return done() || this.now() >= endMs;
      },
      Number.POSITIVE_INFINITY,
      'a condition or its deadline',
      { pollMs: POLL_MS },
    );
    return done();
  }

  async runTo(timeMs: number): Promise<void> {
    await this.ready();
    this.#startClock();
    await new Promise<void>((resolve) => this.at(timeMs, resolve));
    // A master in another process is read over HTTP: its counters as of now, for the series
    // and the summary.
    if (this.#masterStatus === 'running') await this.#master?.refreshCounters();
    this.#check();
  }

  async close(): Promise<void> {
    this.lag.stop();
    if (this.#timer !== undefined) clearLongTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
    await Promise.all(this.#chains.values());
    const frameworks = [...this.#frameworks.values()].filter((f) => f.status === 'running');
    for (const f of frameworks) f.live.driver.stop();
    await Promise.all([...frameworks.map((f) => f.live.close()), ...this.#closing]);
    await Promise.all([...this.#agents.values()].map((a) => a.node?.close()));
    // An agent that is down may have left tasks waiting for it (a crash with reconnect): they
    // go with the run, not after its recovery timeout.
    for (const a of this.#agents.values())
      if (a.started && a.node === undefined) cleanupAgentWorkDir(resolve(a.workDir));
    await this.#master?.close();
    await this.#links?.close();
  }

  /** The first failure of a spawn or an action, rethrown. */
  #check(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Runs `step` after what was asked of `address` before it; a failure is kept for {@link #check}. */
  #then(address: string, step: () => Promise<void>): void {
    const before = this.#chains.get(address) ?? Promise.resolve();
    this.#chains.set(
      address,
      before.then(step).catch((e: unknown) => {
        this.#failure ??= e;
      }),
    );
  }

  #driver(
    address: string,
    scheduler: Scheduler,
    info: FrameworkInfo,
  ): ReturnType<typeof liveSchedulerDriver> {
    const port = this.#masterPort;
    if (port === undefined)
      throw new Error('live: a framework cannot start before the master is up (await ready())');
    const credential = this.#options.credential;
    const masterUrl = this.#schedulerUrls.get(address) ?? `http://${HOST}:${port}`;
    return liveSchedulerDriver(
      announcing(scheduler, (id) => this.#log(`${address} registered as framework ${id.value}`)),
      {
        ...info,
        ...(info.failover_timeout === undefined
          ? {}
          : { failover_timeout: info.failover_timeout / this.timeScale }),
        ...(credential === undefined ? {} : { principal: credential.principal }),
      },
      {
        masterUrl,
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

/**
 * `scheduler`, also telling `registered` who it registered as: the run's log shows that a
 * framework that failed over kept its id.
 */
function announcing(scheduler: Scheduler, registered: (id: FrameworkID) => void): Scheduler {
  return new Proxy(scheduler, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property === 'registered' && typeof value === 'function') {
        return (...args: Parameters<Scheduler['registered']>) => {
          registered(args[1]);
          return value.apply(target, args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
