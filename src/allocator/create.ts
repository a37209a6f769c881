/**
 * Mesos's `Allocator::create` for the composition roots: they choose the allocator and build it
 * (as the master's `main.cpp` does from `--allocator` and the sorter flags), then hand it to the
 * master, which attaches its clock and random stream ({@link Allocator.initialize}). Agora has
 * one allocator, the hierarchical one; the policy is its sorter.
 */
import type { Allocator, AllocatorOptions } from './allocator.js';
import { HierarchicalAllocator } from './hierarchical.js';
import { drfPolicy } from './sorters/drf.js';

/** Allocator settings; every field defaults as Mesos does (the policy to DRF). */
export type AllocatorSettings = Partial<AllocatorOptions>;

/**
 * A new allocator, not yet attached to a master. Give the master the same
 * `allocationIntervalMs` (its batch allocation timer) as the allocator (its filters' minimum).
 */
export function createAllocator(settings: AllocatorSettings = {}): Allocator {
  return new HierarchicalAllocator({ ...settings, policy: settings.policy ?? drfPolicy });
}
