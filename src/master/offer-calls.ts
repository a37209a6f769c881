/**
 * DECLINE, REVIVE and SUPPRESS (src/master/master.cpp `decline`, `revive`, `suppress`;
 * mesos.md §6.4). A decline hands the offers back with a refusal filter, 5 s when the call gives
 * none; REVIVE clears the roles' filters, unsuppresses them and triggers an allocation; SUPPRESS
 * stops offers in the roles. Empty role lists mean all the framework's roles, and one invalid
 * role drops the whole call.
 */
import { DEFAULT_REFUSE_SECONDS } from '../allocator/allocator.js';
import type { Filters } from '../core/messages/common.js';
import type { OfferID } from '../core/messages/ids.js';
import type { OfferIdRange } from '../core/messages/offer-batch.js';
import { roleProblem } from '../core/roles.js';
import type { MasterContext } from './context.js';
import type { FrameworkRecord } from './framework-registry.js';
import { discardBatch, discardOffer } from './offer-lifecycle.js';

/** Mesos applies the `Filters` default (5 s) whenever the call gives no `refuse_seconds`. */
export function refuseSecondsOf(filters: Filters | undefined): number {
  return filters?.refuse_seconds ?? DEFAULT_REFUSE_SECONDS;
}

/**
 * DECLINE: the framework's named offers go back with the filter; unknown ones are ignored.
 * `ranges` (a simulated scheduler's "decline the rest of these offers", see
 * core/messages/offer-batch.ts) name runs of consecutive offer ids: every one of them still
 * outstanding is declined, a whole batch at once when a range covers it.
 */
export function handleDecline(
  ctx: MasterContext,
  framework: FrameworkRecord,
  offerIds: readonly OfferID[],
  filters: Filters | undefined,
  ranges: readonly OfferIdRange[] = [],
): void {
  const refuseSeconds = refuseSecondsOf(filters);
  let declined = 0;
  for (const range of ranges) declined += declineRange(ctx, framework, range, refuseSeconds);
  for (const { value } of offerIds) {
    const offer = ctx.offers.get(value);
    // Mesos would discard any offer by id; Agora only lets a framework decline its own.
    if (offer === undefined || offer.frameworkId !== framework.id) {
      ctx.trace('decline-ignored', { framework: framework.id, offer: value, why: 'no longer valid' });
      continue;
    }
    discardOffer(ctx, offer, refuseSeconds);
    declined++;
    ctx.trace('offer-declined', {
      offer: value,
      framework: framework.id,
      agent: offer.agentId,
      refuseSeconds,
    });
  }
  ctx.counters.declined(declined);
  framework.offersDeclined += declined;
}

/** Declines the framework's outstanding offers in one range; returns how many. */
function declineRange(
  ctx: MasterContext,
  framework: FrameworkRecord,
  range: OfferIdRange,
  refuseSeconds: number,
): number {
  const first = ctx.offers.locateNumber(range.first.value);
  if (first === undefined || range.count <= 0) return 0;
  const last = first + range.count - 1;
  let declined = 0;
  for (const batch of ctx.offers.batchesOf(framework.id)) {
    const from = Math.max(first, batch.base);
    const to = Math.min(last, batch.base + batch.size - 1);
    if (from > to) continue;
    if (from === batch.base && to === batch.base + batch.size - 1) {
      declined += discardBatch(ctx, batch, refuseSeconds);
    } else {
      for (let n = from; n <= to; n++) {
        const p = n - batch.base;
        if (!batch.isOutstanding(p)) continue;
        discardOffer(ctx, batch.record(p), refuseSeconds);
        declined++;
      }
    }
  }
  if (ctx.env.tracing !== false) {
    ctx.trace('offers-declined', {
      framework: framework.id,
      first: range.first.value,
      count: declined,
      refuseSeconds,
    });
  }
  return declined;
}

/** The roles a REVIVE/SUPPRESS names, or why the call is dropped. */
function callRoles(
  framework: FrameworkRecord,
  roles: readonly string[] | undefined,
  verb: string,
): string[] | string {
  const named = roles ?? [];
  for (const role of named) {
    const problem = roleProblem(role);
    if (problem !== undefined) return `${verb} role '${role}' is invalid: ${problem}`;
    if (!framework.roles.includes(role))
      return `${verb} role '${role}' is not one of the frameworks's subscribed roles`;
  }
  return named.length === 0 ? [...framework.roles] : [...new Set(named)];
}

/** REVIVE: unsuppress the roles, clear their filters, and allocate. */
export function handleRevive(
  ctx: MasterContext,
  framework: FrameworkRecord,
  roles: readonly string[] | undefined,
): void {
  const named = callRoles(framework, roles, 'revive');
  if (typeof named === 'string') {
    ctx.trace('call-dropped', { framework: framework.id, type: 'REVIVE', why: named });
    return;
  }
  for (const role of named) framework.suppressedRoles.delete(role);
  ctx.allocator.reviveOffers(framework.id, named);
  ctx.allocation.trigger();
  ctx.trace('revive', { framework: framework.id, roles: named });
}

/** SUPPRESS: no more offers in the roles until revived (outstanding offers stay valid). */
export function handleSuppress(
  ctx: MasterContext,
  framework: FrameworkRecord,
  roles: readonly string[] | undefined,
): void {
  const named = callRoles(framework, roles, 'suppression');
  if (typeof named === 'string') {
    ctx.trace('call-dropped', { framework: framework.id, type: 'SUPPRESS', why: named });
    return;
  }
  for (const role of named) framework.suppressedRoles.add(role);
  ctx.allocator.suppressOffers(framework.id, named);
  ctx.trace('suppress', { framework: framework.id, roles: named });
}
