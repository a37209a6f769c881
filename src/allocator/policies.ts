/**
 * The allocation policies Agora knows. A policy is one file in `sorters/` exporting a
 * {@link SorterPolicy}; listing it here makes it available to the allocator, `fair-share`, the
 * scenarios and the command line.
 */
import type { SorterPolicy } from './sorter.js';
import { assetPolicy } from './sorters/asset.js';
import { drfPolicy } from './sorters/drf.js';
import { randomPolicy } from './sorters/random.js';

/** Every policy by name. */
export const POLICIES: ReadonlyMap<string, SorterPolicy> = new Map(
  [drfPolicy, assetPolicy, randomPolicy].map((p) => [p.name, p]),
);

/** The policy Mesos uses by default. */
export const DEFAULT_POLICY = 'drf';

/** Looks up a policy; the error lists the known names. */
export function findPolicy(name: string): SorterPolicy | string {
  const p = POLICIES.get(name);
  return p ?? `unknown policy "${name}" (expected one of ${[...POLICIES.keys()].join(', ')})`;
}
