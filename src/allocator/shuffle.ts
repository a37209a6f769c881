/**
 * Shuffles in place with the caller's seeded stream (Fisher–Yates). Mesos shuffles the agents
 * before each allocation run with an unseeded `std::random_shuffle`; a seeded stream keeps the
 * fairness across agents and makes runs replayable.
 */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i] as T;
    items[i] = items[j] as T;
    items[j] = t;
  }
  return items;
}
