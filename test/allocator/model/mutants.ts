/**
 * Deliberately broken allocators, each breaking one rule, to show that the model test catches
 * them (and with which invariant). They wrap the real allocator by subclassing it; none changes
 * src/allocator.
 */
import type { AllocatorEnv, AllocatorOptions, Offer, Recovery } from '../../../src/allocator/allocator.js';
import type { Grant } from '../../../src/allocator/grant.js';
import { HierarchicalAllocator } from '../../../src/allocator/hierarchical.js';
import type { AllocatorFactory } from './commands.js';

/** Installs no filters: declines are forgotten at once. */
class ForgetsFilters extends HierarchicalAllocator {
  override recoverResources(r: Recovery): void {
    super.recoverResources({
      frameworkId: r.frameworkId,
      agentId: r.agentId,
      role: r.role,
      resources: r.resources,
    });
  }
}

/** Filters last one second longer than asked. */
class FiltersTooLong extends HierarchicalAllocator {
  override recoverResources(r: Recovery): void {
    const s = r.refuseSeconds;
    super.recoverResources(s !== undefined && s > 0 && s < 1e6 ? { ...r, refuseSeconds: s + 1 } : r);
  }
}

/** Ignores SUPPRESS. */
class IgnoresSuppress extends HierarchicalAllocator {
  override suppressOffers(): void {}
}

/** Keeps offering to disconnected frameworks. */
class IgnoresDeactivation extends HierarchicalAllocator {
  override deactivateFramework(): void {}
}

/** Offers the first offer of a run twice. */
class DoubleOffers extends HierarchicalAllocator {
  override allocate(agentIds?: Iterable<string>): Offer[] {
    const offers = super.allocate(agentIds);
    const first = offers[0];
    return first === undefined ? offers : [...offers, first];
  }
}

/** Loses resources recovered without a filter (finished tasks, rescinded offers). */
class LosesUnfilteredRecoveries extends HierarchicalAllocator {
  override recoverResources(r: Recovery): void {
    if (r.refuseSeconds !== undefined) super.recoverResources(r);
  }
}

/** Makes at most one offer per run and quietly takes the rest back. */
class Lazy extends HierarchicalAllocator {
  override allocate(agentIds?: Iterable<string>): Offer[] {
    const [first, ...rest] = super.allocate(agentIds);
    for (const o of rest) super.recoverResources(o);
    return first === undefined ? [] : [first];
  }
}

/** Declines the rest of a grant without its filter (the batch filter is lost). */
class ForgetsBatchFilters extends HierarchicalAllocator {
  override releaseGrant(grant: Grant, _refuseSeconds: number | undefined): number {
    return super.releaseGrant(grant, undefined);
  }
}

/** Batch filters last one second longer than asked. */
class BatchFiltersTooLong extends HierarchicalAllocator {
  override releaseGrant(grant: Grant, refuseSeconds: number | undefined): number {
    const s = refuseSeconds;
    return super.releaseGrant(grant, s !== undefined && s > 0 && s < 1e6 ? s + 1 : s);
  }
}

type Ctor = new (options: AllocatorOptions, env: AllocatorEnv) => HierarchicalAllocator;

function factory(ctor: Ctor): AllocatorFactory {
  return (options, env) => new ctor(options, env);
}

/** Each mutant with the invariant tag expected to catch it. */
export const MUTANTS: readonly {
  readonly name: string;
  readonly factory: AllocatorFactory;
  readonly tag: string;
}[] = [
  { name: 'forgets filters', factory: factory(ForgetsFilters), tag: '[inv3]' },
  { name: 'filters last 1 s too long', factory: factory(FiltersTooLong), tag: '[live]' },
  { name: 'ignores suppress', factory: factory(IgnoresSuppress), tag: '[inv2]' },
  { name: 'ignores deactivation', factory: factory(IgnoresDeactivation), tag: '[inv2]' },
  { name: 'offers twice', factory: factory(DoubleOffers), tag: '[inv1]' },
  { name: 'loses unfiltered recoveries', factory: factory(LosesUnfilteredRecoveries), tag: '[inv4]' },
  { name: 'lazy (one offer per run)', factory: factory(Lazy), tag: '[live]' },
  { name: 'forgets batch filters', factory: factory(ForgetsBatchFilters), tag: '[inv3]' },
  { name: 'batch filters last 1 s too long', factory: factory(BatchFiltersTooLong), tag: '[live]' },
];
