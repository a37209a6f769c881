/**
 * Every link of a live loopback cluster through a {@link FaultProxy}, so that the scenario's
 * partitions and latency act on real connections. Processes are named by their scenario
 * addresses (`master`, `agent-3`, `scheduler-A`). The links, and who opens their connections:
 *
 * | link                | connections opened by | carries                                       |
 * |---------------------|-----------------------|-----------------------------------------------|
 * | agent → master      | the agent             | the agent's messages (POST), answered 202     |
 * | master → agent      | the master            | the master's messages, at the agent's         |
 * |                     |                       | advertised port (`--advertise-port`)          |
 * | scheduler ↔ master  | the scheduler         | its calls (POST) forward; the event stream    |
 * |                     |                       | and the answers to calls backward             |
 *
 * **A partition** from `a` to `b` cuts the messages `a` sends to `b`, as the simulator does
 * (Mesos's OneWayPartitionTest drops the messages of one direction): between a master and an
 * agent, each of which sends its messages on connections of its own (libprocess's shape), the
 * proxy of the sender's connections holds both ways (the request and its answer, which is no
 * message); the other direction's connections flow. Between a master and a scheduler, where
 * everything travels on the scheduler's connections (the v1 HTTP API), scheduler → master holds
 * what the scheduler sends (its calls) and master → scheduler holds what the master sends (the
 * events and the answers to calls; the scheduler sends its calls one at a time, each after the
 * previous one's answer, so at most one call gets through before the rest wait for the heal).
 * Held bytes flow on when the link heals (see fault-proxy.ts: a partition stalls TCP, it does not
 * lose what was sent; a sender that gives up first, by its own timeout, loses it). Agents never
 * talk to each other or to schedulers, so a partition between those cuts nothing, as in the
 * simulator.
 *
 * **Latency**: the scenario's one-way latency, divided by the time scale, on every chunk each
 * way. Loss, duplication and reordering are not replayed: TCP turns loss into delay and neither
 * duplicates nor reorders.
 */
import { FaultProxy, type ProxyTarget } from './fault-proxy.js';

/** The scenario address of the master. */
const MASTER = 'master';

/** The one-way latency of every link, in real ms, and where each link draws from. */
export interface LinkLatency {
  readonly minMs: number;
  readonly maxMs: number;
  /** A seeded stream per link (named `network/<link>`). */
  readonly random: (link: string) => () => number;
}

interface AgentLinks {
  /** The agent's connections to the master. */
  readonly toMaster: FaultProxy;
  /** The master's connections to the agent (its advertised port). */
  readonly fromMaster: FaultProxy;
}

/** The proxies of a cluster's links (see the module comment). */
export class FaultLinks {
  readonly #host: string;
  #master: ProxyTarget;
  readonly #agents = new Map<string, AgentLinks>();
  readonly #schedulers = new Map<string, FaultProxy>();
  /** `from → to` pairs whose messages are cut. */
  readonly #cut = new Set<string>();
  #latency: LinkLatency | undefined;

  /** @param master where the master listens now (retarget with {@link masterMoved}) */
  constructor(master: ProxyTarget, latency?: LinkLatency) {
    this.#host = master.host;
    this.#master = master;
    this.#latency = latency;
  }

  /** The master listens at `target` now (it restarted): new connections go there. */
  masterMoved(target: ProxyTarget): void {
    this.#master = target;
    for (const links of this.#agents.values()) links.toMaster.retarget(target);
    for (const proxy of this.#schedulers.values()) proxy.retarget(target);
  }

  /**
   * The links of agent `id` (made on first call): the master URL it is given and the port it
   * advertises. Until {@link agentMoved}, the master's connections to it wait.
   */
  async agent(id: string): Promise<{ readonly masterUrl: string; readonly advertisePort: number }> {
    let links = this.#agents.get(id);
    if (links === undefined) {
      const toMaster = await this.#proxy(this.#master, `${id}->${MASTER}`);
      // Its target is set when the agent listens (agentMoved); until then the master's
      // connections wait (an agent registers as it starts, before its start is reported).
      const fromMaster = await this.#proxy(undefined, `${MASTER}->${id}`);
      links = { toMaster, fromMaster };
      this.#agents.set(id, links);
      this.#apply();
    }
    return { masterUrl: `http://${links.toMaster.hostPort}`, advertisePort: links.fromMaster.port };
  }

  /** Agent `id` listens at `port` now (it started or restarted). */
  agentMoved(id: string, port: number): void {
    this.#agents.get(id)?.fromMaster.retarget({ host: this.#host, port });
  }

  /** The master URL scheduler `address` is given (its link is made on first call). */
  async scheduler(address: string): Promise<string> {
    let proxy = this.#schedulers.get(address);
    if (proxy === undefined) {
      proxy = await this.#proxy(this.#master, `${address}<->${MASTER}`);
      this.#schedulers.set(address, proxy);
      this.#apply();
    }
    return `http://${proxy.hostPort}`;
  }

  /** Cuts the messages `a` sends to `b`, and `b`'s to `a` unless `oneWay`. */
  partition(a: string, b: string, oneWay: boolean): void {
    this.#cut.add(`${a} ${b}`);
    if (!oneWay) this.#cut.add(`${b} ${a}`);
    this.#apply();
  }

  /** Restores both directions between `a` and `b` (as the simulator's heal). */
  heal(a: string, b: string): void {
    this.#cut.delete(`${a} ${b}`);
    this.#cut.delete(`${b} ${a}`);
    this.#apply();
  }

  /** Whether messages from `from` to `to` are cut now. */
  isCut(from: string, to: string): boolean {
    return this.#cut.has(`${from} ${to}`);
  }

  /** The proxy of each link, by name, for tests and logs. */
  proxies(): ReadonlyMap<string, FaultProxy> {
    const all = new Map<string, FaultProxy>();
    for (const [id, links] of this.#agents) {
      all.set(`${id}->${MASTER}`, links.toMaster);
      all.set(`${MASTER}->${id}`, links.fromMaster);
    }
    for (const [address, proxy] of this.#schedulers) all.set(`${address}<->${MASTER}`, proxy);
    return all;
  }

  /** Closes every proxy and its connections. */
  async close(): Promise<void> {
    await Promise.all([...this.proxies().values()].map((p) => p.close()));
    this.#agents.clear();
    this.#schedulers.clear();
  }

  async #proxy(target: ProxyTarget | undefined, link: string): Promise<FaultProxy> {
    const proxy = await FaultProxy.start(target, { host: this.#host });
    const latency = this.#latency;
    if (latency !== undefined && latency.maxMs > 0) {
      proxy.setLatency({ minMs: latency.minMs, maxMs: latency.maxMs, random: latency.random(link) });
    }
    return proxy;
  }

  /** Sets every proxy's blocks from the cut pairs. */
  #apply(): void {
    for (const [id, links] of this.#agents) {
      const agentToMaster = this.isCut(id, MASTER);
      const masterToAgent = this.isCut(MASTER, id);
      links.toMaster.setBlocked({ forward: agentToMaster, backward: agentToMaster });
      links.fromMaster.setBlocked({ forward: masterToAgent, backward: masterToAgent });
    }
    for (const [address, proxy] of this.#schedulers) {
      proxy.setBlocked({ forward: this.isCut(address, MASTER), backward: this.isCut(MASTER, address) });
    }
  }
}
