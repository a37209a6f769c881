/**
 * The random order of one allocation cycle. Mesos shuffles the agents before every allocation
 * run (`std::random_shuffle`, unseeded); Agora draws **one** number per cycle from the
 * allocator's seeded stream and derives the permutation from it with a small counter-free
 * generator (mulberry32). A cycle therefore costs one draw of the allocator's stream whatever
 * the cluster size, and a shuffle of 10,000 agents is a tight loop over an Int32Array rather
 * than 10,000 calls through the stream's closure.
 */

/** A fast 32-bit generator (mulberry32), good enough to shuffle with; state is one integer. */
export class CycleRandom {
  #state = 0;

  /** Reseeds from a uniform draw in [0, 1) of the allocator's own stream. */
  seed(draw: number): void {
    this.#state = Math.floor(draw * 4294967296) >>> 0;
  }

  /** A whole number uniform in [0, bound), bound ≤ 2^32. */
  below(bound: number): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(u * bound);
  }

  /** Fisher–Yates over the first `length` items of `items`, in place. */
  shuffle(items: Int32Array, length: number): void {
    for (let i = length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = items[i] as number;
      items[i] = items[j] as number;
      items[j] = t;
    }
  }
}
