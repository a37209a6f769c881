/**
 * `agora report export <dir> --format png|pdf`: every chart of a report folder (`charts/*.svg`,
 * written by `agora sim --out` or `agora sweep --out`) as a PNG or a one-page PDF beside it, for
 * papers and slides. The SVGs are drawn by headless Chromium (Debian's `chromium` package, or
 * the browser `--chromium` / `AGORA_CHROMIUM` names), the same engine the report is tested in, so
 * a PNG looks exactly as the chart does in the page; a missing browser is an error that says how
 * to install one, never a silent skip.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import type { Output } from './main.js';
import { UsageError } from './usage-error.js';

/** The formats a chart can be exported to. */
export const EXPORT_FORMATS = ['png', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Where Chromium is looked for when neither `--chromium` nor `AGORA_CHROMIUM` says. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** What installs a browser for export. */
export const INSTALL_CHROMIUM_HINT =
  'sudo apt-get install -y chromium fonts-dejavu-core (or give --chromium <path> or set AGORA_CHROMIUM)';

/** The flags of `agora report export`. */
export interface ExportFlags {
  readonly format: string;
  readonly scale: string;
  readonly chromium?: string;
  readonly quiet?: true;
}

/** Exports every chart of the report in `dir`; returns the files written. */
export async function exportCharts(dir: string, flags: ExportFlags, output: Output): Promise<string[]> {
  const format = parseFormat(flags.format);
  const scale = parseScale(flags.scale);
  const charts = join(dir, 'charts');
  if (!existsSync(charts) || !statSync(charts).isDirectory()) {
    throw new UsageError(
      `report export: "${dir}" has no charts/ folder; expected a report written by agora sim --out or agora sweep --out`,
    );
  }
  const svgs = readdirSync(charts)
    .filter((f) => f.endsWith('.svg'))
    .sort();
  if (svgs.length === 0) throw new UsageError(`report export: no .svg charts in "${charts}"`);
  const executablePath = flags.chromium ?? process.env.AGORA_CHROMIUM ?? DEFAULT_CHROMIUM;
  if (!existsSync(executablePath)) {
    throw new UsageError(
      `report export needs Chromium and there is none at ${executablePath}; install it: ${INSTALL_CHROMIUM_HINT}`,
    );
  }
  // Loaded only here: the other commands never pay for it.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const written: string[] = [];
  try {
    const context = await browser.newContext({ deviceScaleFactor: scale });
    const page = await context.newPage();
    for (const file of svgs) {
      const svg = readFileSync(join(charts, file), 'utf8');
      const { width, height } = svgSize(svg, file);
      await page.setViewportSize({ width, height });
      // Inline, on a page with no margin: the chart fills the viewport exactly.
      await page.setContent(`<!DOCTYPE html><html><body style="margin:0">${svg}</body></html>`, {
        waitUntil: 'load',
      });
      const out = join(charts, file.replace(/\.svg$/u, `.${format}`));
      if (format === 'png') {
        await page.screenshot({ path: out, clip: { x: 0, y: 0, width, height } });
      } else {
        await page.pdf({
          path: out,
          width: `${width}px`,
          height: `${height}px`,
          printBackground: true,
          pageRanges: '1',
        });
      }
      written.push(out);
    }
  } finally {
    await browser.close();
  }
  if (flags.quiet !== true) {
    output.err(`report export: ${written.length} ${format.toUpperCase()} file(s) in ${charts}\n`);
  }
  return written;
}

function parseFormat(text: string): ExportFormat {
  const found = EXPORT_FORMATS.find((f) => f === text.toLowerCase());
  if (found === undefined)
    throw new UsageError(`--format: expected ${EXPORT_FORMATS.join(' or ')}, got "${text}"`);
  return found;
}

function parseScale(text: string): number {
  const scale = Number(text);
  if (!(Number.isFinite(scale) && scale >= 1 && scale <= 8)) {
    throw new UsageError(`--scale: expected a number from 1 to 8 (pixels per SVG unit), got "${text}"`);
  }
  return scale;
}

/** The width and height attributes of an SVG's root element, in px. */
export function svgSize(svg: string, file: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/u.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="(\d+(?:\.\d+)?)"/u.exec(root)?.[1]);
  const height = Number(/\sheight="(\d+(?:\.\d+)?)"/u.exec(root)?.[1]);
  if (!(width > 0 && height > 0)) {
    throw new UsageError(`report export: ${file}: expected an <svg> with width and height in px`);
  }
  return { width: Math.ceil(width), height: Math.ceil(height) };
}

/** Registers `report export` on the program. */
export function registerReport(program: Command, output: Output): void {
  const report = program.command('report').summary('work with report folders (export charts for papers)');
  report
    .command('export')
    .summary('export every chart of a report as PNG or PDF, through headless Chromium')
    .description(
      'Write each chart of a report folder (charts/*.svg, from agora sim --out or agora sweep --out) ' +
        "as a PNG or a one-page PDF beside it, drawn by headless Chromium: Debian's chromium package, " +
        `or the browser --chromium or AGORA_CHROMIUM names (default ${DEFAULT_CHROMIUM}).`,
    )
    .argument('<dir>', 'a report folder, e.g. reports/demo')
    .option('--format <format>', `${EXPORT_FORMATS.join(' or ')}`, 'png')
    .option('--scale <n>', 'pixels per SVG unit in a PNG (2 for print)', '2')
    .option('--chromium <path>', 'the Chromium binary to draw with')
    .option('--quiet', 'nothing on stderr')
    .action(async (dir: string, flags: ExportFlags) => {
      const written = await exportCharts(dir, flags, output);
      output.out(`${written.join('\n')}\n`);
    });
}
