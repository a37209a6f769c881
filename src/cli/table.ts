/** Plain-text tables for the commands' readable output. */

/** Pads each column to its widest cell; `right` marks the right-aligned (numeric) columns. */
export function alignRows(rows: readonly (readonly string[])[], right: readonly boolean[]): string[] {
  const widths = right.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, c) => {
        const w = widths[c] ?? 0;
        if (right[c]) return cell.padStart(w);
        // The last column is not padded, so lines carry no trailing blanks.
        return c === r.length - 1 ? cell : cell.padEnd(w);
      })
      .join('  '),
  );
}
