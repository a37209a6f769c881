/**
 * Ids the master mints, formatted as Mesos's `Master::newFrameworkId/newOfferId/newSlaveId`
 * (mesos.md §2.10): the master id is a random UUID chosen at start; frameworks are
 * `<masterId>-0000`, offers `<masterId>-O<n>`, agents `<masterId>-S<n>`, every counter starting
 * at 0 per master incarnation.
 */
import {
  type AgentID,
  type FrameworkID,
  newAgentId,
  newFrameworkId,
  newOfferId,
  type OfferID,
} from '../core/messages/ids.js';

/** The id counters of one master incarnation. */
export class MasterIds {
  /** This master's id (Mesos `MasterInfo.id`). */
  readonly masterId: string;
  #frameworks = 0;
  #offers = 0;
  #agents = 0;

  constructor(masterId: string) {
    this.masterId = masterId;
  }

  /** The next framework id. */
  nextFramework(): FrameworkID {
    return newFrameworkId(this.masterId, this.#frameworks++);
  }

  /** The next offer id. */
  nextOffer(): OfferID {
    return newOfferId(this.masterId, this.#offers++);
  }

  /** Reserves `count` consecutive offer numbers (one batch's); returns the first. */
  reserveOffers(count: number): number {
    const base = this.#offers;
    this.#offers += count;
    return base;
  }

  /** The next agent id. */
  nextAgent(): AgentID {
    return newAgentId(this.masterId, this.#agents++);
  }
}
