/**
 * Outstanding offers (Mesos `Master::offers`, `Framework::offers`, `Slave::offers`). Each offer
 * is everything the allocator gave one framework on one agent for one role in one cycle, so
 * there are at most (agents × roles) per framework: the allocator bounds them.
 */
import type { OfferID } from '../core/messages/ids.js';
import type { TimerId } from '../core/process.js';
import type { Resources } from '../core/resources.js';
import { getOrCreate } from './task-book.js';

/** One outstanding offer. */
export interface OfferRecord {
  readonly id: string;
  readonly offerId: OfferID;
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  readonly resources: Resources;
  /** The `offerTimeoutMs` timer, when one is configured. */
  timer: TimerId | undefined;
}

/** Offers by id, framework and agent. */
export class OfferBook {
  readonly #byId = new Map<string, OfferRecord>();
  readonly #byFramework = new Map<string, Set<string>>();
  readonly #byAgent = new Map<string, Set<string>>();

  add(offer: OfferRecord): void {
    this.#byId.set(offer.id, offer);
    getOrCreate(this.#byFramework, offer.frameworkId, () => new Set()).add(offer.id);
    getOrCreate(this.#byAgent, offer.agentId, () => new Set()).add(offer.id);
  }

  get(id: string): OfferRecord | undefined {
    return this.#byId.get(id);
  }

  /** Removes an offer from every index (its resources are the caller's to recover). */
  remove(offer: OfferRecord): void {
    this.#byId.delete(offer.id);
    removeFromSet(this.#byFramework, offer.frameworkId, offer.id);
    removeFromSet(this.#byAgent, offer.agentId, offer.id);
  }

  /** The framework's offers, oldest first. */
  ofFramework(frameworkId: string): OfferRecord[] {
    return this.#lookup(this.#byFramework.get(frameworkId));
  }

  /** The offers on an agent, oldest first. */
  onAgent(agentId: string): OfferRecord[] {
    return this.#lookup(this.#byAgent.get(agentId));
  }

  /** Every outstanding offer, oldest first. */
  all(): IterableIterator<OfferRecord> {
    return this.#byId.values();
  }

  get size(): number {
    return this.#byId.size;
  }

  #lookup(ids: Set<string> | undefined): OfferRecord[] {
    return [...(ids ?? [])].map((id) => this.#byId.get(id) as OfferRecord);
  }
}

function removeFromSet<K>(map: Map<K, Set<string>>, key: K, id: string): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(id);
  if (set.size === 0) map.delete(key);
}
