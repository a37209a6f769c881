import type { SorterPolicy } from '../sorter.js';
import { dominantShare } from './drf.js';
import { ShareSorter } from './share-sorter.js';

/**
 * Mesos's random sorter (`--role_sorter=random`, MESOS-8936): every {@link Sorter.sort} is a new
 * weighted random order, drawn from the caller's seeded stream so that runs replay exactly.
 * Order is Efraimidis–Spirakis weighted sampling without replacement: key = u^(1/weight),
 * highest key first. Shares are still tracked (as DRF shares) so reports can show them.
 */
class RandomSorter extends ShareSorter {
  private readonly shuffled: string[] = [];
  private readonly keys = new Map<string, number>();

  private readonly random: () => number;

  constructor(random: () => number) {
    super(dominantShare);
    this.random = random;
  }

  override sort(): readonly string[] {
    const active = super.sort();
    this.shuffled.length = 0;
    this.keys.clear();
    for (const name of active) {
      const weight = this.standing(name)?.weight ?? 1;
      this.keys.set(name, this.random() ** (1 / weight));
      this.shuffled.push(name);
    }
    // Sorting the DRF-ordered names by key keeps ties (equal keys) in a deterministic order.
    this.shuffled.sort((a, b) => (this.keys.get(b) ?? 0) - (this.keys.get(a) ?? 0));
    return this.shuffled;
  }
}

export const randomPolicy: SorterPolicy = {
  name: 'random',
  description: 'Weighted random order, reshuffled for every agent (Mesos random sorter)',
  create: (random) => new RandomSorter(random),
};
