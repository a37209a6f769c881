/**
 * How offers end (src/master/master.cpp `rescindOffer`, `discardOffer`, `_removeOffer`):
 * rescinded offers are announced with RESCIND, discarded ones silently; both hand the resources
 * back to the allocator, with a refusal filter only when a framework declined them.
 */
import type { Resources } from '../core/resources.js';
import type { MasterContext } from './context.js';
import { rescindEvent } from './events.js';
import type { OfferBatch, OfferRecord } from './offer-book.js';

/**
 * Takes an offer out of the book and out of its grant; returns its resources, which are now an
 * ordinary allocation of the framework on the agent, the caller's to use or recover.
 */
export function takeOffer(ctx: MasterContext, offer: OfferRecord): Resources {
  ctx.offers.remove(offer);
  afterRemoval(ctx, offer.batch);
  return ctx.allocator.takeEntry(offer.batch.grant, offer.index);
}

/**
 * Withdraws an offer: RESCIND to its framework (dropped if disconnected), resources back to the
 * allocator with no filter (agent lost or disconnected, framework disconnected, offer timeout).
 */
export function rescindOffer(ctx: MasterContext, offer: OfferRecord, why: string): void {
  const framework = ctx.frameworks.get(offer.frameworkId);
  if (framework !== undefined) ctx.sendEvent(framework, rescindEvent(offer.offerId));
  recover(ctx, offer, takeOffer(ctx, offer), undefined);
  ctx.counters.rescinded(1);
  ctx.trace('offer-rescinded', { offer: offer.id, framework: offer.frameworkId, agent: offer.agentId, why });
}

/**
 * Drops an offer without telling its framework (failover, invalid ACCEPT, DECLINE). With
 * `refuseSeconds` the allocator filters the resources from that framework for that long.
 */
export function discardOffer(ctx: MasterContext, offer: OfferRecord, refuseSeconds?: number): void {
  recover(ctx, offer, takeOffer(ctx, offer), refuseSeconds);
}

/**
 * Drops every outstanding offer of a batch at once, as {@link discardOffer} would one by one:
 * the allocator recovers what is left of the grant in one pass. Returns how many there were.
 */
export function discardBatch(ctx: MasterContext, batch: OfferBatch, refuseSeconds?: number): number {
  const n = ctx.offers.removeAll(batch);
  afterRemoval(ctx, batch);
  ctx.allocator.releaseGrant(batch.grant, refuseSeconds);
  return n;
}

/** A batch with no offer left needs its offer-timeout timer no more. */
function afterRemoval(ctx: MasterContext, batch: OfferBatch): void {
  if (batch.outstanding > 0) return;
  ctx.timers.cancel(batch.timer);
  batch.timer = undefined;
}

function recover(
  ctx: MasterContext,
  offer: OfferRecord,
  resources: Resources,
  refuseSeconds: number | undefined,
): void {
  ctx.allocator.recoverResources({
    frameworkId: offer.frameworkId,
    agentId: offer.agentId,
    role: offer.role,
    resources,
    ...(refuseSeconds === undefined ? {} : { refuseSeconds }),
  });
}
