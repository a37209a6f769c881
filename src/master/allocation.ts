/**
 * The allocation loop (mesos.md §6.2): a batch run over every agent each allocation interval,
 * plus runs triggered by events (a framework added or activated, offers revived, an agent
 * added), coalesced as Mesos does since MESOS-6904: a trigger while a run is pending only adds
 * its agents to the pending run's candidates. Runs happen on a 0 ms timer, so every trigger of
 * the current instant joins one run.
 *
 * Each run's offers become one OFFERS event per framework (src/master/master.cpp `Master::offer`);
 * offers for a framework that is gone, disconnected or inactive, or on an agent that is gone or
 * inactive, go straight back to the allocator without a filter.
 */

import type { Grant } from '../allocator/grant.js';
import type { AgentInfo } from '../core/messages/cluster-info.js';
import type { Url } from '../core/messages/common.js';
import type { AgentID, OfferID } from '../core/messages/ids.js';
import { ipv4Octets } from '../core/messages/network.js';
import type { Offer } from '../core/messages/offer.js';
import type { OfferBatchView, OfferIdRange } from '../core/messages/offer-batch.js';
import { type Attribute, resourcesToJson } from '../core/messages/resources-json.js';
import type { TimerId } from '../core/process.js';
import { formatResources } from '../core/resource-text.js';
import type { Resources } from '../core/resources.js';
import type { AgentRecord } from './agent-registry.js';
import type { AllocationTrigger, MasterContext } from './context.js';
import { offersEvent } from './events.js';
import type { FrameworkRecord } from './framework-registry.js';
import { OfferBatch } from './offer-book.js';
import { rescindOffer } from './offer-lifecycle.js';

/** Batch and event-triggered allocation runs. */
export class AllocationLoop implements AllocationTrigger {
  readonly #ctx: MasterContext;
  #pending: TimerId | undefined;
  #all = false;
  readonly #candidates = new Set<string>();
  /** While set, runs wait for this many agents or this time (see {@link pauseForRecovery}). */
  #paused: { readonly agents: number; readonly untilMs: number } | undefined;

  constructor(ctx: MasterContext) {
    this.#ctx = ctx;
  }

  /** Arms the batch timer. */
  start(): void {
    this.#ctx.timers.set(this.#ctx.options.allocationIntervalMs, 'allocation-interval', () => {
      this.trigger();
      this.start();
    });
  }

  trigger(agentIds?: Iterable<string>): void {
    if (agentIds === undefined) this.#all = true;
    else for (const id of agentIds) this.#candidates.add(id);
    if (this.#pending === undefined) {
      this.#pending = this.#ctx.timers.set(0, 'allocate', () => this.#run());
    }
  }

  /**
   * Mesos's allocator `recover`: after a failover with quota, allocation waits until `agents`
   * agents are back or `untilMs`, so that quota is not judged on a fraction of the cluster.
   */
  pauseForRecovery(agents: number, untilMs: number): void {
    this.#paused = { agents, untilMs };
    this.#ctx.trace('allocation-paused', { untilAgents: agents, untilMs });
  }

  #run(): void {
    this.#pending = undefined;
    const paused = this.#paused;
    if (paused !== undefined) {
      const back = this.#ctx.allocator.agentIds().length;
      if (back < paused.agents && this.#ctx.now() < paused.untilMs) return;
      this.#paused = undefined;
      this.#all = true;
      this.#ctx.trace('allocation-resumed', { agents: back });
    }
    const candidates = this.#all ? undefined : [...this.#candidates];
    this.#all = false;
    this.#candidates.clear();
    const ctx = this.#ctx;
    ctx.counters.startCycle(ctx.now());
    const made = makeOffers(ctx, ctx.allocator.allocateGrants(candidates));
    // Runs that offer nothing (most batch runs of a busy cluster) stay out of the trace.
    if (made === 0) return;
    ctx.trace('allocation', {
      run: ctx.counters.allocationRuns,
      agents: candidates?.length ?? 'all',
      offers: made,
    });
  }
}

/**
 * Turns an allocation run's grants into offers: one {@link OfferBatch} per grant, numbered in
 * the order made, and one OFFERS event per framework. Grants for a framework that is gone,
 * disconnected or inactive go straight back to the allocator without a filter (as Mesos
 * recovers offers it cannot send). Agents need no such check: the master deactivates and
 * removes agents in the allocator at the moment it does so itself, and the allocator offers
 * only active agents. Returns how many offers were made.
 */
export function makeOffers(ctx: MasterContext, grants: readonly Grant[]): number {
  const byFramework = new Map<string, OfferBatch[]>();
  for (const grant of grants) {
    const framework = ctx.frameworks.get(grant.frameworkId);
    if (framework === undefined || !framework.connected || !framework.active) {
      ctx.allocator.releaseGrant(grant, undefined);
      continue;
    }
    let list = byFramework.get(grant.frameworkId);
    if (list === undefined) {
      list = [];
      byFramework.set(grant.frameworkId, list);
    }
    list.push(addBatch(ctx, grant));
  }
  let made = 0;
  for (const [frameworkId, batches] of byFramework) {
    const framework = ctx.frameworks.get(frameworkId) as FrameworkRecord;
    const view = new FrameworkOffers(ctx, framework, batches);
    ctx.sendEvent(framework, offersEvent(view));
    framework.offersMade += view.size;
    made += view.size;
  }
  ctx.counters.offered(made);
  return made;
}

function addBatch(ctx: MasterContext, grant: Grant): OfferBatch {
  const batch = new OfferBatch(grant, ctx.ids.masterId, ctx.ids.reserveOffers(grant.size));
  ctx.offers.add(batch);
  const timeoutMs = ctx.options.offerTimeoutMs;
  if (timeoutMs !== undefined) {
    // Mesos --offer_timeout: rescind the offers still outstanding then (all were made now).
    batch.timer = ctx.timers.set(timeoutMs, 'offer-timeout', () => {
      batch.timer = undefined;
      for (const p of [...batch.outstandingPositions()]) rescindOffer(ctx, batch.record(p), 'offer timeout');
    });
  }
  if (ctx.env.tracing !== false) {
    for (let p = 0; p < grant.size; p++) {
      ctx.trace('offer', {
        offer: batch.offerId(p).value,
        framework: grant.frameworkId,
        agent: grant.agentId(p),
        role: grant.role,
        resources: formatResources(grant.resources(p)),
      });
    }
  }
  return batch;
}

/**
 * The offers of one OFFERS event: a framework's batches of one cycle, in order. The `Offer`
 * messages are built only when read (see core/messages/offer-batch.ts).
 */
class FrameworkOffers implements OfferBatchView {
  readonly size: number;
  readonly ranges: readonly OfferIdRange[];
  readonly #ctx: MasterContext;
  readonly #framework: FrameworkRecord;
  readonly #batches: readonly OfferBatch[];
  /** Start position of each batch in the view. */
  readonly #starts: number[];
  #offers: Offer[] | undefined;

  constructor(ctx: MasterContext, framework: FrameworkRecord, batches: readonly OfferBatch[]) {
    this.#ctx = ctx;
    this.#framework = framework;
    this.#batches = batches;
    this.#starts = [];
    let size = 0;
    for (const b of batches) {
      this.#starts.push(size);
      size += b.size;
    }
    this.size = size;
    this.ranges = batches.map((b) => ({ first: b.offerId(0), count: b.size }));
  }

  offerId(i: number): OfferID {
    const [batch, p] = this.#at(i);
    return batch.offerId(p);
  }

  agentId(i: number): AgentID {
    const [batch, p] = this.#at(i);
    return this.#agent(batch, p).agentId;
  }

  hostname(i: number): string {
    const [batch, p] = this.#at(i);
    return this.#agent(batch, p).info.hostname;
  }

  attributes(i: number): readonly Attribute[] {
    const [batch, p] = this.#at(i);
    return this.#agent(batch, p).info.attributes ?? [];
  }

  resources(i: number): Resources {
    const [batch, p] = this.#at(i);
    return batch.grant.resources(p);
  }

  role(i: number): string {
    return this.#at(i)[0].role;
  }

  offer(i: number): Offer {
    const [batch, p] = this.#at(i);
    const agent = this.#agent(batch, p);
    return offerJson(batch.offerId(p), batch.role, batch.grant.resources(p), this.#framework, agent);
  }

  /** Every offer, built once (what a live transport serialises, or a scheduler reading `offers`). */
  get all(): Offer[] {
    if (this.#offers === undefined) this.#offers = Array.from({ length: this.size }, (_, i) => this.offer(i));
    return this.#offers;
  }

  /** The agent of entry `p`: its record as the offers were made, even if it has left since. */
  #agent(batch: OfferBatch, p: number): AgentRecord {
    return this.#ctx.agents.known(batch.grant.agentId(p)) as AgentRecord;
  }

  #at(i: number): [OfferBatch, number] {
    const starts = this.#starts;
    let b = starts.length - 1;
    while (b > 0 && (starts[b] as number) > i) b--;
    return [this.#batches[b] as OfferBatch, i - (starts[b] as number)];
  }
}

/**
 * The Offer message as Mesos's `Master::offer` fills it: id, framework and agent ids, the
 * agent's hostname, `url` (the agent's HTTP address), resources, attributes, the framework's
 * executors on the agent, `allocation_info`, and `domain` when the agent has one. Mesos strips
 * `allocation_info` for frameworks without MULTI_ROLE (MESOS-8237); Agora always sends it, so
 * every scheduler can tell an offer's role. Not set: `unavailability` (no maintenance).
 */
function offerJson(
  id: OfferID,
  role: string,
  resources: Resources,
  framework: FrameworkRecord,
  agent: AgentRecord,
): Offer {
  const executorIds = [...(agent.executors.get(framework.id)?.keys() ?? [])].map((value) => ({ value }));
  return {
    id,
    framework_id: framework.frameworkId,
    agent_id: agent.agentId,
    hostname: agent.info.hostname,
    url: agentUrl(agent.info),
    resources: resourcesToJson(resources, { allocationRole: role }),
    ...(agent.info.attributes === undefined ? {} : { attributes: agent.info.attributes }),
    ...(executorIds.length === 0 ? {} : { executor_ids: executorIds }),
    allocation_info: { role },
    ...(agent.info.domain === undefined ? {} : { domain: agent.info.domain }),
  };
}

/** Each AgentInfo's URL, made once (an agent's info is replaced, not changed, when it changes). */
const AGENT_URLS = new WeakMap<AgentInfo, Url>();

/**
 * The agent's URL in an offer, as Mesos builds it from the agent's pid: `http`, the agent's
 * hostname, IP and port, and the path of its libprocess actor, `/slave(1)`. The IP is the
 * hostname when that is an IPv4 address (a live agent's listening address); an agent known
 * by name only (the simulated world's) has none.
 */
function agentUrl(info: AgentInfo): Url {
  let url = AGENT_URLS.get(info);
  if (url === undefined) {
    const port = info.port ?? AGENT_PORT;
    const hostname = info.hostname;
    const address =
      ipv4Octets(hostname) === undefined ? { hostname, port } : { hostname, ip: hostname, port };
    url = { scheme: 'http', address, path: AGENT_URL_PATH };
    AGENT_URLS.set(info, url);
  }
  return url;
}

/** Mesos's agent port, where an AgentInfo gives none. */
const AGENT_PORT = 5051;

/** The path of Mesos's agent actor (`slave(1)`), under which its endpoints are served. */
const AGENT_URL_PATH = '/slave(1)';
