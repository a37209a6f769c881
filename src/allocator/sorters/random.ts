import type { SorterPolicy } from '../sorter.js';
import { MAX_RATIO, ShareSorter } from './share-sorter.js';

/**
 * Mesos's random sorter (`--role_sorter=random`, MESOS-8936): every read of the order is a new
 * weighted random order, drawn from the caller's seeded stream so that runs replay exactly.
 * Order is Efraimidis–Spirakis weighted sampling without replacement: key = u^(1/weight),
 * highest key first. Shares are still tracked (as DRF shares) so reports can show them.
 */
class RandomSorter extends ShareSorter {
  private readonly random: () => number;
  private readonly keys: number[] = [];
  private readonly positions: number[] = [];
  private shuffledTags = new Int32Array(0);

  constructor(random: () => number) {
    super(MAX_RATIO);
    this.random = random;
  }

  override sort(): readonly string[] {
    const names = super.sort();
    return this.shuffle(names.length, (i) => this.standing(names[i] as string)?.weight ?? 1).map(
      (p) => names[p] as string,
    );
  }

  override sortTags(): Int32Array {
    const names = super.sort();
    const tags = super.sortTags();
    const positions = this.shuffle(tags.length, (i) => this.standing(names[i] as string)?.weight ?? 1);
    if (this.shuffledTags.length !== tags.length) this.shuffledTags = new Int32Array(tags.length);
    positions.forEach((p, i) => {
      this.shuffledTags[i] = tags[p] as number;
    });
    return this.shuffledTags;
  }

  /** A weighted random permutation of 0..n-1; ties keep the underlying DRF order. */
  private shuffle(n: number, weightOf: (i: number) => number): number[] {
    this.keys.length = n;
    this.positions.length = n;
    for (let i = 0; i < n; i++) {
      this.keys[i] = this.random() ** (1 / weightOf(i));
      this.positions[i] = i;
    }
    return this.positions.sort((a, b) => (this.keys[b] as number) - (this.keys[a] as number) || a - b);
  }
}

/** The random policy (Mesos `random` sorter). */
export const randomPolicy: SorterPolicy = {
  name: 'random',
  description: 'Weighted random order, reshuffled for every agent (Mesos random sorter)',
  create: (random) => new RandomSorter(random),
};
