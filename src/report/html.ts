/**
 * The HTML of reports: one self-contained page (inline CSS, no scripts, no fonts or anything else
 * fetched), whose images are SVG files beside it, so it opens from disk with no network and the
 * folder can be zipped or served as is.
 */

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A chart as the page shows it: the SVG file beside the page, with its size and caption. */
export interface PageFigure {
  /** Relative to the page, e.g. `charts/utilization.svg`. */
  readonly src: string;
  readonly title: string;
  readonly caption: string;
  /** The SVG's height in px, when not 380 (width is always 760). */
  readonly height?: number;
}

/** A table: a header row and body rows of already-escaped HTML cells. */
export interface PageTable {
  readonly caption: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns to right-align (numbers). */
  readonly numeric: readonly boolean[];
  /** A CSS class for the table (`provenance`: a key–value block, no header row). */
  readonly className?: string;
}

/** What a report page holds, top to bottom. */
export interface PageContent {
  readonly title: string;
  /** Escaped HTML paragraphs under the heading. */
  readonly intro: readonly string[];
  readonly tables: readonly PageTable[];
  /** Escaped HTML list items of headline figures. */
  readonly facts: readonly string[];
  readonly figures: readonly PageFigure[];
  /** Long tables, after the charts. */
  readonly appendix?: readonly PageTable[];
  /** Escaped HTML for the footer. */
  readonly footer: string;
}

const STYLE = `
  body { font: 14px/1.45 Helvetica, Arial, sans-serif; color: #222; margin: 24px auto; max-width: 1560px; padding: 0 20px; }
  h1 { font-size: 22px; margin-bottom: 4px; }
  h2 { font-size: 17px; margin-top: 28px; }
  .table-wrap { overflow-x: auto; }
  table { border-collapse: collapse; margin: 8px 0 16px; }
  caption { text-align: left; font-weight: bold; padding-bottom: 6px; }
  th, td { padding: 3px 10px; border-bottom: 1px solid #ddd; white-space: nowrap; }
  th { background: #f4f4f4; text-align: left; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
  .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(620px, 1fr)); gap: 8px 28px; }
  figure { margin: 12px 0; }
  figure img { width: 100%; height: auto; border: 1px solid #eee; }
  figcaption { color: #555; font-size: 13px; }
  table.provenance td { white-space: normal; vertical-align: top; }
  table.provenance td:first-child { white-space: nowrap; }
  table.provenance thead { display: none; }
  table.provenance { max-width: 1200px; }
  footer { margin-top: 32px; color: #666; font-size: 12px; }
  .muted { color: #666; }
  .gain { color: #1a7f37; font-weight: bold; }
  .loss { color: #c0392b; font-weight: bold; }
  th { white-space: normal; vertical-align: bottom; }
`;

/** A colour swatch before a name, for tables that follow the charts' colours. */
export function swatch(color: string): string {
  return `<span class="swatch" style="background:${escapeHtml(color)}"></span>`;
}

/** The page's markup. */
export function renderPage(content: PageContent): string {
  const tables = content.tables.map(renderTable).join('\n');
  const figures = content.figures
    .map(
      (f) =>
        `<figure>\n<img src="${escapeHtml(f.src)}" width="760" height="${f.height ?? 380}" alt="${escapeHtml(f.title)}">\n` +
        `<figcaption>${escapeHtml(f.caption)}</figcaption>\n</figure>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(content.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(content.title)}</h1>
${content.intro.map((p) => `<p class="muted">${p}</p>`).join('\n')}
${tables}
${content.facts.length === 0 ? '' : `<ul>\n${content.facts.map((f) => `<li>${f}</li>`).join('\n')}\n</ul>`}
<h2>Charts</h2>
<div class="figures">
${figures}
</div>
${(content.appendix ?? []).map(renderTable).join('\n')}
<footer>${content.footer}</footer>
</body>
</html>
`;
}

function renderTable(table: PageTable): string {
  const cls = (i: number) => (table.numeric[i] === true ? ' class="num"' : '');
  const head = table.header.map((h, i) => `<th${cls(i)}>${h}</th>`).join('');
  const body = table.rows
    .map((row) => `<tr>${row.map((cell, i) => `<td${cls(i)}>${cell}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="table-wrap"><table${table.className === undefined ? '' : ` class="${escapeHtml(table.className)}"`}>\n<caption>${escapeHtml(table.caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}
