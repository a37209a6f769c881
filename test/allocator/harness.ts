import seedrandom from 'seedrandom';
import type { AllocatorOptions, Offer } from '../../src/allocator/allocator.js';
import { HierarchicalAllocator } from '../../src/allocator/hierarchical.js';
import { drfPolicy } from '../../src/allocator/sorters/drf.js';

/** An allocator on a hand-driven clock, for tests. */
export interface TestAllocator {
  readonly allocator: HierarchicalAllocator;
  /** Moves the clock forward. */
  advance(ms: number): void;
  now(): number;
}

/** Builds an allocator with a seeded random stream and a manual clock starting at 0. */
export function testAllocator(options: Partial<AllocatorOptions> = {}, seed = 'test'): TestAllocator {
  let nowMs = 0;
  const random = seedrandom(seed);
  const allocator = new HierarchicalAllocator(
    { policy: drfPolicy, ...options },
    { now: () => nowMs, random: () => random() },
  );
  return {
    allocator,
    advance: (ms) => {
      nowMs += ms;
    },
    now: () => nowMs,
  };
}

/** Offers as `framework@agent` strings, sorted, for compact assertions. */
export function who(offers: readonly Offer[]): string[] {
  return offers.map((o) => `${o.frameworkId}@${o.agentId}`).sort();
}
