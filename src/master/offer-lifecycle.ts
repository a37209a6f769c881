/**
 * How offers end (src/master/master.cpp `rescindOffer`, `discardOffer`, `_removeOffer`):
 * rescinded offers are announced with RESCIND, discarded ones silently; both hand the resources
 * back to the allocator, with a refusal filter only when a framework declined them.
 */
import type { MasterContext } from './context.js';
import { rescindEvent } from './events.js';
import type { OfferRecord } from './offer-book.js';

/** Forgets an offer and its timer; its resources are the caller's business. */
export function removeOffer(ctx: MasterContext, offer: OfferRecord): void {
  ctx.offers.remove(offer);
  ctx.timers.cancel(offer.timer);
  offer.timer = undefined;
}

/**
 * Withdraws an offer: RESCIND to its framework (dropped if disconnected), resources back to the
 * allocator with no filter (agent lost or disconnected, framework disconnected, offer timeout).
 */
export function rescindOffer(ctx: MasterContext, offer: OfferRecord, why: string): void {
  const framework = ctx.frameworks.get(offer.frameworkId);
  if (framework !== undefined) ctx.sendEvent(framework, rescindEvent(offer.offerId));
  recoverOffer(ctx, offer, undefined);
  removeOffer(ctx, offer);
  ctx.counters.rescinded(1);
  ctx.trace('offer-rescinded', { offer: offer.id, framework: offer.frameworkId, agent: offer.agentId, why });
}

/**
 * Drops an offer without telling its framework (failover, invalid ACCEPT, DECLINE). With
 * `refuseSeconds` the allocator filters the resources from that framework for that long.
 */
export function discardOffer(ctx: MasterContext, offer: OfferRecord, refuseSeconds?: number): void {
  recoverOffer(ctx, offer, refuseSeconds);
  removeOffer(ctx, offer);
}

function recoverOffer(ctx: MasterContext, offer: OfferRecord, refuseSeconds: number | undefined): void {
  ctx.allocator.recoverResources({
    frameworkId: offer.frameworkId,
    agentId: offer.agentId,
    role: offer.role,
    resources: offer.resources,
    ...(refuseSeconds === undefined ? {} : { refuseSeconds }),
  });
}
