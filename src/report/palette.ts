/**
 * Colours that stay with a name across every chart of a report: frameworks by their position in
 * the scenario, policies by theirs in the sweep. The first ten are Tableau 10 (distinct and
 * readable on white); beyond that, hues step round the colour wheel by the golden angle, so
 * neighbours never look alike however many frameworks there are.
 */
const TABLEAU_10 = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

/** The colour of the `index`-th name (0-based). */
export function seriesColor(index: number): string {
  const fixed = TABLEAU_10[index];
  if (fixed !== undefined) return fixed;
  const hue = Math.round((index * 137.508) % 360);
  return `hsl(${hue}, 55%, 45%)`;
}

/** A colour per name, in order. */
export function colorsFor(names: readonly string[]): ReadonlyMap<string, string> {
  return new Map(names.map((name, i) => [name, seriesColor(i)]));
}
