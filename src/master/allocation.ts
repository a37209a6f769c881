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
import type { Offer as AllocatedOffer } from '../allocator/allocator.js';
import type { Offer } from '../core/messages/offer.js';
import { resourcesToJson } from '../core/messages/resources-json.js';
import type { TimerId } from '../core/process.js';
import { formatResources } from '../core/resource-text.js';
import type { AgentRecord } from './agent-registry.js';
import type { AllocationTrigger, MasterContext } from './context.js';
import { offersEvent } from './events.js';
import type { FrameworkRecord } from './framework-registry.js';
import type { OfferRecord } from './offer-book.js';
import { rescindOffer } from './offer-lifecycle.js';
import { getOrCreate } from './task-book.js';

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
    const offers = ctx.allocator.allocate(candidates);
    const made = makeOffers(ctx, offers);
    // Runs that offer nothing (most batch runs of a busy cluster) stay out of the trace.
    if (made === 0) return;
    ctx.trace('allocation', {
      run: ctx.counters.allocationRuns,
      agents: candidates?.length ?? 'all',
      offers: made,
    });
  }
}

/** Turns an allocation run's result into offers and OFFERS events; returns how many were made. */
export function makeOffers(ctx: MasterContext, allocated: readonly AllocatedOffer[]): number {
  const byFramework = new Map<string, Offer[]>();
  for (const a of allocated) {
    const framework = ctx.frameworks.get(a.frameworkId);
    const agent = ctx.agents.get(a.agentId);
    if (framework === undefined || !framework.connected || !framework.active || !agent?.active) {
      ctx.allocator.recoverResources({ ...a });
      continue;
    }
    const offer = addOffer(ctx, a);
    getOrCreate(byFramework, a.frameworkId, () => []).push(offerJson(offer, framework, agent));
  }
  let made = 0;
  for (const [frameworkId, offers] of byFramework) {
    ctx.sendEvent(ctx.frameworks.get(frameworkId) as FrameworkRecord, offersEvent(offers));
    made += offers.length;
  }
  ctx.counters.offered(made);
  return made;
}

function addOffer(ctx: MasterContext, a: AllocatedOffer): OfferRecord {
  const offerId = ctx.ids.nextOffer();
  const offer: OfferRecord = { id: offerId.value, offerId, ...a, timer: undefined };
  ctx.offers.add(offer);
  const timeoutMs = ctx.options.offerTimeoutMs;
  if (timeoutMs !== undefined) {
    // Mesos --offer_timeout: rescind the offer if it is still outstanding then.
    offer.timer = ctx.timers.set(timeoutMs, 'offer-timeout', () => {
      offer.timer = undefined;
      if (ctx.offers.get(offer.id) === offer) rescindOffer(ctx, offer, 'offer timeout');
    });
  }
  if (ctx.env.tracing !== false) {
    ctx.trace('offer', {
      offer: offer.id,
      framework: a.frameworkId,
      agent: a.agentId,
      role: a.role,
      resources: formatResources(a.resources),
    });
  }
  return offer;
}

/**
 * The Offer message: one agent, one role, `allocation_info` on the offer and its resources.
 * Mesos strips `allocation_info` for frameworks without MULTI_ROLE (MESOS-8237); Agora always
 * sends it, so every scheduler can tell an offer's role. Not set: `url`, `domain`,
 * `unavailability` (no maintenance).
 */
function offerJson(offer: OfferRecord, framework: FrameworkRecord, agent: AgentRecord): Offer {
  const executorIds = [...(agent.executors.get(framework.id)?.keys() ?? [])].map((value) => ({ value }));
  return {
    id: offer.offerId,
    framework_id: framework.frameworkId,
    agent_id: agent.agentId,
    hostname: agent.info.hostname,
    resources: resourcesToJson(offer.resources, { allocationRole: offer.role }),
    ...(agent.info.attributes === undefined ? {} : { attributes: agent.info.attributes }),
    ...(executorIds.length === 0 ? {} : { executor_ids: executorIds }),
    allocation_info: { role: offer.role },
  };
}
