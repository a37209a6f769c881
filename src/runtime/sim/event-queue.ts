/**
 * The simulator's future-event list: a binary min-heap ordered by (time, sequence), where the
 * sequence is a per-queue counter taken at push time, so events at the same time come out in
 * the FIFO order they were scheduled (the tie-break simjs uses; ARCHITECTURE.md §4).
 *
 * This is the hot loop of every simulation, so the heap lives in parallel typed arrays (time,
 * sequence, slot) rather than an array of objects: a sift moves three numbers, allocates nothing
 * and stays in a few cache lines. Payloads sit in a slot table that is recycled through a free
 * list, so steady-state push/pop allocates nothing either.
 *
 * Cancellation is lazy (TigerBeetle and most DES engines do the same): `cancel` marks the slot
 * dead in O(1) and the heap entry is skipped when it reaches the top. So that cancelled entries
 * cannot pile up (a process re-arming a timeout on every message cancels most of its timers),
 * the heap is compacted once dead entries outnumber live ones.
 */

/**
 * Names one scheduled event for {@link EventQueue.cancel} and {@link EventQueue.get}: the slot
 * and that slot's generation, packed into one integer below 2^53. A handle is never issued twice
 * by the same queue (a slot is retired before its generation could wrap), so a stale handle can
 * never cancel a newer event. Handles are positive.
 */
export type EventHandle = number;

/** Limits for an {@link EventQueue}. */
export interface EventQueueOptions {
  /**
   * Most events that may be pending at once (default {@link DEFAULT_MAX_PENDING_EVENTS}, at most
   * {@link MAX_PENDING_EVENTS_LIMIT}). A simulation that exceeds it is almost always a process
   * flooding messages or timers, so exceeding it throws {@link EventQueueFullError}.
   */
  readonly maxSize?: number;
  /** Slots to preallocate, to avoid regrowing the arrays while a big scenario warms up. */
  readonly initialCapacity?: number;
}

/** Default {@link EventQueueOptions.maxSize}: generous for 10k agents with a few timers each. */
export const DEFAULT_MAX_PENDING_EVENTS = 1 << 20;

/** The largest {@link EventQueueOptions.maxSize} a queue accepts (what the handle layout allows). */
export const MAX_PENDING_EVENTS_LIMIT = 1 << 23;

// Handle layout: generation * SLOT_SPAN + slot. 25 slot bits hold 2 × the largest queue (live
// plus not-yet-compacted dead entries) with room for retired slots; 28 generation bits keep the
// product below 2^53.
const SLOT_SPAN = 2 ** 25;
const GENERATION_LIMIT = 2 ** 28;
// Compact only when it pays: below this many dead entries a rebuild costs more than skipping.
const COMPACT_MIN_DEAD = 64;

/** Thrown when a push would take a queue past its {@link EventQueueOptions.maxSize}. */
export class EventQueueFullError extends Error {
  /** The limit that was hit. */
  readonly maxSize: number;

  /** An error naming the limit. */
  constructor(maxSize: number) {
    super(
      `event queue is full: ${maxSize} events pending (maxSize); a process is probably flooding ` +
        'messages or timers, otherwise raise the limit',
    );
    this.name = 'EventQueueFullError';
    this.maxSize = maxSize;
  }
}

/**
 * A min-priority queue of payloads keyed by (time, push order). `T` is whatever the caller
 * schedules; the queue never inspects it.
 */
export class EventQueue<T> {
  /** Most events that may be pending at once. */
  readonly maxSize: number;

  // The heap: entry i has key (heapTime[i], heapSeq[i]) and owns slot heapSlot[i]. It holds
  // live and dead (cancelled, not yet removed) entries: heapLength = size + dead.
  #heapTime: Float64Array;
  #heapSeq: Float64Array;
  #heapSlot: Int32Array;
  #heapLength = 0;

  // The slot table. Slot 0 is never used, so no handle is 0 (a falsy timer id invites bugs).
  #payload: (T | undefined)[] = [undefined];
  #generation: Uint32Array;
  #live: Uint8Array;
  #slotCount = 1;
  #free: Int32Array;
  #freeCount = 0;

  #size = 0;
  #dead = 0;
  #nextSeq = 0;
  #lastTime = Number.NEGATIVE_INFINITY;

  /** An empty queue. */
  constructor(options: EventQueueOptions = {}) {
    const maxSize = options.maxSize ?? DEFAULT_MAX_PENDING_EVENTS;
    if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > MAX_PENDING_EVENTS_LIMIT) {
      throw new RangeError(`maxSize must be an integer in [1, ${MAX_PENDING_EVENTS_LIMIT}], got ${maxSize}`);
    }
    this.maxSize = maxSize;
    const capacity = Math.max(16, Math.min(options.initialCapacity ?? 1024, 2 * maxSize + COMPACT_MIN_DEAD));
    this.#heapTime = new Float64Array(capacity);
    this.#heapSeq = new Float64Array(capacity);
    this.#heapSlot = new Int32Array(capacity);
    this.#generation = new Uint32Array(capacity + 1);
    this.#live = new Uint8Array(capacity + 1);
    this.#free = new Int32Array(capacity + 1);
  }

  /** Events pending (cancelled ones excluded). */
  get size(): number {
    return this.#size;
  }

  /** The time of the event most recently returned by {@link pop} (-Infinity before the first). */
  get lastTime(): number {
    return this.#lastTime;
  }

  /**
   * Schedules `payload` at `time`. Events at equal times pop in push order.
   * @throws RangeError if `time` is not finite; {@link EventQueueFullError} at the size limit.
   */
  push(time: number, payload: T): EventHandle {
    // `time - time` is NaN for NaN and ±Infinity: a non-finite key would corrupt the heap order.
    if (time - time !== 0) throw new RangeError(`event time must be finite, got ${time}`);
    if (this.#size >= this.maxSize) throw new EventQueueFullError(this.maxSize);
    const slot = this.#takeSlot();
    this.#payload[slot] = payload;
    this.#live[slot] = 1;
    this.#size++;
    if (this.#heapLength === this.#heapTime.length) this.#growHeap();
    this.#siftUp(this.#heapLength++, time, this.#nextSeq++, slot);
    return (this.#generation[slot] as number) * SLOT_SPAN + slot;
  }

  /**
   * Cancels a pending event. Returns false, and changes nothing, when the handle's event already
   * popped or was cancelled (a timer that fired before its cancel is the common case).
   */
  cancel(handle: EventHandle): boolean {
    const slot = this.#liveSlot(handle);
    if (slot === 0) return false;
    this.#live[slot] = 0;
    this.#payload[slot] = undefined; // let the payload be collected now, not when the entry surfaces
    this.#size--;
    this.#dead++;
    if (this.#dead >= COMPACT_MIN_DEAD && this.#dead > this.#size) this.#compact();
    return true;
  }

  /** The payload of a pending event, or undefined if it popped, was cancelled or never existed. */
  get(handle: EventHandle): T | undefined {
    const slot = this.#liveSlot(handle);
    return slot === 0 ? undefined : this.#payload[slot];
  }

  /** The time of the next event, or +Infinity when none is pending. */
  peekTime(): number {
    this.#dropDeadTop();
    return this.#heapLength === 0 ? Number.POSITIVE_INFINITY : (this.#heapTime[0] as number);
  }

  /** Removes and returns the earliest event (see {@link lastTime} for its time), or undefined. */
  pop(): T | undefined {
    this.#dropDeadTop();
    if (this.#heapLength === 0) return undefined;
    const slot = this.#heapSlot[0] as number;
    this.#lastTime = this.#heapTime[0] as number;
    this.#removeTop();
    const payload = this.#payload[slot];
    this.#payload[slot] = undefined;
    this.#live[slot] = 0;
    this.#size--;
    this.#releaseSlot(slot);
    return payload;
  }

  /** Removes every pending event; their handles become stale. */
  clear(): void {
    while (this.#heapLength > 0) {
      const slot = this.#heapSlot[--this.#heapLength] as number;
      this.#payload[slot] = undefined;
      this.#live[slot] = 0;
      this.#releaseSlot(slot);
    }
    this.#size = 0;
    this.#dead = 0;
  }

  /** The slot a handle names if that event is still pending, else 0. */
  #liveSlot(handle: EventHandle): number {
    if (!Number.isSafeInteger(handle) || handle <= 0) return 0;
    const slot = handle % SLOT_SPAN;
    if (slot >= this.#slotCount || this.#live[slot] !== 1) return 0;
    return (handle - slot) / SLOT_SPAN === this.#generation[slot] ? slot : 0;
  }

  #dropDeadTop(): void {
    while (this.#heapLength > 0) {
      const slot = this.#heapSlot[0] as number;
      if (this.#live[slot] === 1) return;
      this.#removeTop();
      this.#dead--;
      this.#releaseSlot(slot);
    }
  }

  #takeSlot(): number {
    if (this.#freeCount > 0) return this.#free[--this.#freeCount] as number;
    const slot = this.#slotCount++;
    if (slot >= SLOT_SPAN) throw new Error('assertion failed: event queue ran out of slot numbers');
    if (slot >= this.#live.length) this.#growSlots();
    this.#payload.push(undefined);
    return slot;
  }

  #releaseSlot(slot: number): void {
    const generation = (this.#generation[slot] as number) + 1;
    // Retire a slot rather than wrap its generation, so a handle is never reissued; one slot per
    // 2^28 uses is a negligible leak.
    if (generation >= GENERATION_LIMIT) return;
    this.#generation[slot] = generation;
    this.#free[this.#freeCount++] = slot;
  }

  #growSlots(): void {
    const capacity = this.#live.length * 2;
    this.#generation = grown(this.#generation, capacity);
    this.#live = grown(this.#live, capacity);
    this.#free = grown(this.#free, capacity);
  }

  #growHeap(): void {
    const capacity = this.#heapTime.length * 2;
    this.#heapTime = grown(this.#heapTime, capacity);
    this.#heapSeq = grown(this.#heapSeq, capacity);
    this.#heapSlot = grown(this.#heapSlot, capacity);
  }

  /** Places a new entry (its seq the largest yet) at the hole `i` and moves it up. */
  #siftUp(i: number, time: number, seq: number, slot: number): void {
    const heapTime = this.#heapTime;
    const heapSeq = this.#heapSeq;
    const heapSlot = this.#heapSlot;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentTime = heapTime[parent] as number;
      // Every seq in the heap is smaller than the one being pushed, so an equal time already
      // orders the parent first (FIFO at equal times).
      if (parentTime <= time) break;
      heapTime[i] = parentTime;
      heapSeq[i] = heapSeq[parent] as number;
      heapSlot[i] = heapSlot[parent] as number;
      i = parent;
    }
    heapTime[i] = time;
    heapSeq[i] = seq;
    heapSlot[i] = slot;
  }

  /** Removes the root: moves the last entry into the hole at the root and sifts it down. */
  #removeTop(): void {
    const n = --this.#heapLength;
    if (n === 0) return;
    this.#siftDownBottomUp(
      n,
      this.#heapTime[n] as number,
      this.#heapSeq[n] as number,
      this.#heapSlot[n] as number,
    );
  }

  /**
   * Floyd's bottom-up variant: walk the hole from the root to a leaf along the smaller children
   * (one comparison per level), then sift the moved entry up from there. The moved entry came
   * from the bottom and usually belongs near it, so this saves about half the comparisons.
   */
  #siftDownBottomUp(n: number, time: number, seq: number, slot: number): void {
    const heapTime = this.#heapTime;
    const heapSeq = this.#heapSeq;
    const heapSlot = this.#heapSlot;
    let i = 0;
    let child = 1;
    while (child < n) {
      const right = child + 1;
      if (right < n) {
        const rightTime = heapTime[right] as number;
        const leftTime = heapTime[child] as number;
        if (
          rightTime < leftTime ||
          (rightTime === leftTime && (heapSeq[right] as number) < (heapSeq[child] as number))
        ) {
          child = right;
        }
      }
      heapTime[i] = heapTime[child] as number;
      heapSeq[i] = heapSeq[child] as number;
      heapSlot[i] = heapSlot[child] as number;
      i = child;
      child = 2 * i + 1;
    }
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentTime = heapTime[parent] as number;
      if (parentTime < time || (parentTime === time && (heapSeq[parent] as number) < seq)) break;
      heapTime[i] = parentTime;
      heapSeq[i] = heapSeq[parent] as number;
      heapSlot[i] = heapSlot[parent] as number;
      i = parent;
    }
    heapTime[i] = time;
    heapSeq[i] = seq;
    heapSlot[i] = slot;
  }

  #siftDown(start: number, n: number, time: number, seq: number, slot: number): void {
    const heapTime = this.#heapTime;
    const heapSeq = this.#heapSeq;
    const heapSlot = this.#heapSlot;
    const half = n >> 1;
    let i = start;
    while (i < half) {
      let child = 2 * i + 1;
      let childTime = heapTime[child] as number;
      let childSeq = heapSeq[child] as number;
      const right = child + 1;
      if (right < n) {
        const rightTime = heapTime[right] as number;
        if (rightTime < childTime || (rightTime === childTime && (heapSeq[right] as number) < childSeq)) {
          child = right;
          childTime = rightTime;
          childSeq = heapSeq[right] as number;
        }
      }
      if (time < childTime || (time === childTime && seq < childSeq)) break;
      heapTime[i] = childTime;
      heapSeq[i] = childSeq;
      heapSlot[i] = heapSlot[child] as number;
      i = child;
    }
    heapTime[i] = time;
    heapSeq[i] = seq;
    heapSlot[i] = slot;
  }

  /** Drops every dead entry and rebuilds the heap bottom-up (Floyd), O(heap length). */
  #compact(): void {
    const heapTime = this.#heapTime;
    const heapSeq = this.#heapSeq;
    const heapSlot = this.#heapSlot;
    let n = 0;
    for (let i = 0; i < this.#heapLength; i++) {
      const slot = heapSlot[i] as number;
      if (this.#live[slot] !== 1) {
        this.#releaseSlot(slot);
        continue;
      }
      heapTime[n] = heapTime[i] as number;
      heapSeq[n] = heapSeq[i] as number;
      heapSlot[n] = slot;
      n++;
    }
    this.#heapLength = n;
    this.#dead = 0;
    for (let i = (n >> 1) - 1; i >= 0; i--) {
      this.#siftDown(i, n, heapTime[i] as number, heapSeq[i] as number, heapSlot[i] as number);
    }
  }
}

/** A typed array of the same kind as `a` with `capacity` elements, starting with a copy of `a`. */
function grown<T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(a: T, capacity: number): T {
  const out = new (a.constructor as new (length: number) => T)(capacity);
  out.set(a);
  return out;
}
