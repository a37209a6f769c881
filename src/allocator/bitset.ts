/**
 * Sets of agent slots as bits in Uint32Arrays: 10,000 agents in 313 words, so that "every agent
 * that is free and not filtered" is a few hundred word operations rather than a pass over
 * objects. Only what the allocator needs.
 */

/** Words needed for `capacity` bits. */
export function wordsFor(capacity: number): number {
  return (capacity + 31) >>> 5;
}

/** Whether bit `i` is set. */
export function hasBit(bits: Uint32Array, i: number): boolean {
  const w = i >>> 5;
  return w < bits.length && ((bits[w] as number) & (1 << (i & 31))) !== 0;
}

/** Sets bit `i` (which must be in range). */
export function setBit(bits: Uint32Array, i: number): void {
  const w = i >>> 5;
  bits[w] = (bits[w] as number) | (1 << (i & 31));
}

/** Clears bit `i` (a no-op out of range). */
export function clearBit(bits: Uint32Array, i: number): void {
  const w = i >>> 5;
  if (w < bits.length) bits[w] = (bits[w] as number) & ~(1 << (i & 31));
}

/** Set bits in a 32-bit word. */
export function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Set bits in the whole set. */
export function popcount(bits: Uint32Array): number {
  let n = 0;
  for (let w = 0; w < bits.length; w++) n += popcount32(bits[w] as number);
  return n;
}

/** The index of the lowest set bit of a non-zero word. */
export function lowestBit(word: number): number {
  return 31 - Math.clz32(word & -word);
}

/** A copy grown to `words` words (new words are zero). */
export function grownBits(bits: Uint32Array, words: number): Uint32Array {
  if (bits.length >= words) return bits;
  const fresh = new Uint32Array(words);
  fresh.set(bits);
  return fresh;
}
