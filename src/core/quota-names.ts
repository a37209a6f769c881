/**
 * Which resources a quota may limit: the scalars an Agora agent can offer (`cpus`, `gpus`, `mem`,
 * `disk`). Mesos limits scalars only (docs/quota.md; `ports` is a range); custom resource names
 * are not accepted anywhere in Agora, so a name outside these is a typo. A limit on a name
 * nothing offers would be kept and enforce nothing (`--quota analytics=cpu:8` limited nothing
 * before), so it is refused with the names expected and, when one is close, the likely one.
 */

/** The resource names a quota limit may name. */
export const QUOTA_RESOURCE_NAMES: readonly string[] = ['cpus', 'gpus', 'mem', 'disk'];

/** Why `name` cannot be limited by a quota, or undefined if it can. */
export function quotaNameProblem(name: string): string | undefined {
  if (QUOTA_RESOURCE_NAMES.includes(name)) return undefined;
  if (name === 'ports') {
    return `"ports" is not a scalar resource: a quota limits ${QUOTA_RESOURCE_NAMES.join(', ')}`;
  }
  const lower = name.toLowerCase();
  const near = QUOTA_RESOURCE_NAMES.find(
    (known) => lower.startsWith(known) || known.startsWith(lower) || editDistance(known, lower) <= 2,
  );
  return `unknown resource "${name}" (expected one of ${QUOTA_RESOURCE_NAMES.join(', ')}${
    near === undefined ? '' : `; did you mean "${near}"?`
  })`;
}

/** Levenshtein distance, for short names only. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || b.length > 32) return Number.POSITIVE_INFINITY;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? Number.POSITIVE_INFINITY;
}
