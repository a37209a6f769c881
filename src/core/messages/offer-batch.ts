/**
 * One OFFERS event's offers as a columnar view, for schedulers in the simulated world. An OFFERS
 * event carries its offers as Mesos's `Offer` list; a master that made thousands of offers in one
 * cycle builds that list only when someone reads it (a live transport serialising the event, a
 * scheduler that takes offers as objects). In the simulated world, where messages are handed over
 * by reference, the same event also carries this view under {@link OFFER_BATCH}: a scheduler that
 * implements `resourceOfferBatch` reads the few offers it uses through it and declines the rest
 * in one call, and no `Offer` object is built for the offers it never looks at.
 *
 * Symbol keys are not serialised, so the view never crosses a real connection.
 */
import type { Resources } from '../resources.js';
import type { AgentID, OfferID } from './ids.js';
import type { Offer } from './offer.js';
import type { Attribute } from './resources-json.js';

/** The key under which an OFFERS event's `offers` object carries its {@link OfferBatchView}. */
export const OFFER_BATCH: unique symbol = Symbol('agora.offer-batch');

/** A range of consecutive offer ids: `count` offers from `first` on (`<master>-O<n>` numbering). */
export interface OfferIdRange {
  readonly first: OfferID;
  readonly count: number;
}

/** The offers of one OFFERS event, in event order. */
export interface OfferBatchView {
  /** Number of offers. */
  readonly size: number;
  /** The ids of every offer of the view, as ranges (to decline them all in one call). */
  readonly ranges: readonly OfferIdRange[];
  offerId(i: number): OfferID;
  agentId(i: number): AgentID;
  hostname(i: number): string;
  attributes(i: number): readonly Attribute[];
  /** The offer's resources, as the master offered them. */
  resources(i: number): Resources;
  /** The allocation role of offer `i`. */
  role(i: number): string;
  /** Offer `i` as Mesos's `Offer` message. */
  offer(i: number): Offer;
}

/** The view an OFFERS event's offers object carries, if any. */
export function offerBatchOf(offers: object): OfferBatchView | undefined {
  return (offers as { [OFFER_BATCH]?: OfferBatchView })[OFFER_BATCH];
}
