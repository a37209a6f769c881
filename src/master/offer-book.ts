/**
 * Outstanding offers (Mesos `Master::offers`, `Framework::offers`, `Slave::offers`). An
 * allocation cycle gives each framework its offers as grants (src/allocator/grant.ts); the
 * master keeps each grant as an {@link OfferBatch}: the offer ids of its entries are the
 * batch's base number plus the entry's position (`<masterId>-O<base + p>`, numbered in the order
 * they were made, as Mesos numbers offers), and one byte per entry says whether the offer is
 * still outstanding. An offer is thus a (batch, position) pair, and an {@link OfferRecord} is a
 * view of one, made when a handler asks for it; a framework offered ten thousand agents costs one
 * batch, not ten thousand records.
 */
import type { Grant } from '../allocator/grant.js';
import { newOfferId, type OfferID } from '../core/messages/ids.js';
import type { TimerId } from '../core/process.js';
import type { Resources } from '../core/resources.js';

/** One outstanding offer, as a view of its batch's entry. */
export interface OfferRecord {
  readonly id: string;
  readonly offerId: OfferID;
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  readonly resources: Resources;
  readonly batch: OfferBatch;
  /** Its position in the batch. */
  readonly index: number;
}

/** The offers of one grant: ids, and which are still outstanding. */
export class OfferBatch {
  readonly grant: Grant;
  readonly masterId: string;
  /** The offer number of entry 0. */
  readonly base: number;
  readonly #outstandingAt: Uint8Array;
  #outstanding: number;
  /** The `offerTimeoutMs` timer, when one is configured (all of a batch's offers are made at once). */
  timer: TimerId | undefined;

  constructor(grant: Grant, masterId: string, base: number) {
    this.grant = grant;
    this.masterId = masterId;
    this.base = base;
    this.#outstandingAt = new Uint8Array(grant.size).fill(1);
    this.#outstanding = grant.size;
    this.timer = undefined;
  }

  get frameworkId(): string {
    return this.grant.frameworkId;
  }

  get role(): string {
    return this.grant.role;
  }

  get size(): number {
    return this.grant.size;
  }

  /** Offers of the batch still outstanding. */
  get outstanding(): number {
    return this.#outstanding;
  }

  isOutstanding(p: number): boolean {
    return this.#outstandingAt[p] === 1;
  }

  /** The offer id of entry `p`. */
  offerId(p: number): OfferID {
    return newOfferId(this.masterId, this.base + p);
  }

  /** A view of entry `p`. */
  record(p: number): OfferRecord {
    const offerId = this.offerId(p);
    return {
      id: offerId.value,
      offerId,
      frameworkId: this.grant.frameworkId,
      agentId: this.grant.agentId(p),
      role: this.grant.role,
      resources: this.grant.resources(p),
      batch: this,
      index: p,
    };
  }

  /** Marks entry `p` no longer outstanding; false if it already was not. */
  finish(p: number): boolean {
    if (this.#outstandingAt[p] !== 1) return false;
    this.#outstandingAt[p] = 0;
    this.#outstanding--;
    return true;
  }

  /** Marks every entry no longer outstanding; returns how many were. */
  finishAll(): number {
    const n = this.#outstanding;
    this.#outstandingAt.fill(0);
    this.#outstanding = 0;
    return n;
  }

  /** Positions of the entries still outstanding. */
  *outstandingPositions(): IterableIterator<number> {
    for (let p = 0; p < this.#outstandingAt.length; p++) if (this.#outstandingAt[p] === 1) yield p;
  }
}

/** Open batches, by offer number and by framework. */
export class OfferBook {
  readonly #masterId: string;
  readonly #prefix: string;
  /** Open batches in the order they were made (so by base, ascending). */
  #open: OfferBatch[] = [];
  readonly #byFramework = new Map<string, Set<OfferBatch>>();
  #outstanding = 0;

  constructor(masterId: string) {
    this.#masterId = masterId;
    this.#prefix = `${masterId}-O`;
  }

  /** Records a batch just made. */
  add(batch: OfferBatch): void {
    this.#open.push(batch);
    let set = this.#byFramework.get(batch.frameworkId);
    if (set === undefined) {
      set = new Set();
      this.#byFramework.set(batch.frameworkId, set);
    }
    set.add(batch);
    this.#outstanding += batch.outstanding;
  }

  /** The outstanding offer with this id, if any. */
  get(id: string): OfferRecord | undefined {
    const found = this.locate(id);
    return found === undefined ? undefined : found.batch.record(found.index);
  }

  /** The number of an offer id of this master (`<masterId>-O<n>` → n), or undefined. */
  locateNumber(id: string): number | undefined {
    if (!id.startsWith(this.#prefix)) return undefined;
    const digits = id.slice(this.#prefix.length);
    return /^\d+$/u.test(digits) ? Number(digits) : undefined;
  }

  /** The batch and position of the outstanding offer with this id, if any. */
  locate(id: string): { readonly batch: OfferBatch; readonly index: number } | undefined {
    const n = this.locateNumber(id);
    if (n === undefined) return undefined;
    const open = this.#open;
    let lo = 0;
    let hi = open.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const batch = open[mid] as OfferBatch;
      if (n < batch.base) hi = mid - 1;
      else if (n >= batch.base + batch.size) lo = mid + 1;
      else {
        const index = n - batch.base;
        return batch.isOutstanding(index) ? { batch, index } : undefined;
      }
    }
    return undefined;
  }

  /** Takes one offer out of the book (its resources are the caller's to recover). */
  remove(offer: OfferRecord): void {
    if (offer.batch.finish(offer.index)) {
      this.#outstanding--;
      this.#closeIfDone(offer.batch);
    }
  }

  /** Takes every outstanding offer of a batch out of the book; returns how many there were. */
  removeAll(batch: OfferBatch): number {
    const n = batch.finishAll();
    this.#outstanding -= n;
    this.#closeIfDone(batch);
    return n;
  }

  /** The framework's open batches, oldest first. */
  batchesOf(frameworkId: string): OfferBatch[] {
    return [...(this.#byFramework.get(frameworkId) ?? [])];
  }

  /** The framework's outstanding offers, oldest first. */
  ofFramework(frameworkId: string): OfferRecord[] {
    const out: OfferRecord[] = [];
    for (const batch of this.#byFramework.get(frameworkId) ?? []) {
      for (const p of batch.outstandingPositions()) out.push(batch.record(p));
    }
    return out;
  }

  /** The outstanding offers on an agent, oldest first (a scan of the open batches). */
  onAgent(agentId: string): OfferRecord[] {
    const out: OfferRecord[] = [];
    for (const batch of this.#open) {
      const grant = batch.grant;
      for (let p = 0; p < grant.size; p++) {
        if (batch.isOutstanding(p) && grant.agentId(p) === agentId) out.push(batch.record(p));
      }
    }
    return out;
  }

  /** Every outstanding offer, oldest first. */
  *all(): IterableIterator<OfferRecord> {
    for (const batch of this.#open) for (const p of batch.outstandingPositions()) yield batch.record(p);
  }

  /** Outstanding offers. */
  get size(): number {
    return this.#outstanding;
  }

  /** The master id offers are numbered under. */
  get masterId(): string {
    return this.#masterId;
  }

  #closeIfDone(batch: OfferBatch): void {
    if (batch.outstanding > 0) return;
    const at = this.#open.indexOf(batch);
    if (at >= 0) this.#open.splice(at, 1);
    const set = this.#byFramework.get(batch.frameworkId);
    set?.delete(batch);
    if (set?.size === 0) this.#byFramework.delete(batch.frameworkId);
  }
}
