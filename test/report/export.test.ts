/**
 * `agora report export`: every chart of a report as a PNG of the chart's size times --scale, or
 * as a one-page PDF of its size, drawn by headless Chromium; a missing browser is an error that
 * says how to get one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ava from 'ava';
import { PNG } from 'pngjs';
import { svgSize } from '../../src/cli/report-export.js';
import { runCli, tempDir } from '../cli/helpers.js';
import { CHROMIUM, withChromium } from '../needs.js';

const test = withChromium();

/** A run report of drf-paper (8 charts) in a fresh folder. */
async function reportDir(): Promise<string> {
  const dir = tempDir('export');
  const r = await runCli('sim', 'scenarios/drf-paper.json', '--quiet', '--out', dir);
  if (r.code !== 0) throw new Error(r.err);
  return dir;
}

/** Pixels that are not (nearly) white, as a share of all. */
function inked(image: PNG): number {
  let n = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    if ((image.data[i] as number) < 235 || (image.data[i + 1] as number) < 235) n++;
  }
  return n / (image.width * image.height);
}

test('--format png writes each chart as a PNG of its size times --scale, drawn', async (t) => {
  const dir = await reportDir();
  const r = await runCli('report', 'export', dir, '--format', 'png', '--scale', '2', '--chromium', CHROMIUM);
  t.is(r.code, 0, r.err);
  const charts = join(dir, 'charts');
  const svgs = readdirSync(charts).filter((f) => f.endsWith('.svg'));
  t.is(svgs.length, 8);
  t.deepEqual(
    r.out.trim().split('\n'),
    svgs.map((f) => join(charts, f.replace('.svg', '.png'))),
    'stdout lists the files written',
  );
  for (const svg of svgs) {
    const bytes = readFileSync(join(charts, svg.replace('.svg', '.png')));
    t.deepEqual(
      [...bytes.subarray(0, 8)],
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      `${svg}: PNG signature`,
    );
    const image = PNG.sync.read(bytes);
    const size = svgSize(readFileSync(join(charts, svg), 'utf8'), svg);
    t.deepEqual([image.width, image.height], [size.width * 2, size.height * 2], `${svg}: twice its size`);
    const share = inked(image);
    t.true(
      share > 0.02 && share < 0.9,
      `${svg}: drawn, not blank or black (${(share * 100).toFixed(1)}% inked)`,
    );
  }
});

test('--format pdf writes each chart as a one-page PDF of its size', async (t) => {
  const dir = await reportDir();
  const r = await runCli('report', 'export', dir, '--format', 'pdf', '--quiet', '--chromium', CHROMIUM);
  t.is(r.code, 0, r.err);
  t.is(r.err, '', '--quiet');
  const pdf = readFileSync(join(dir, 'charts', 'dominant-share.pdf'));
  t.is(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'PDF signature');
  const text = pdf.toString('latin1');
  t.is((text.match(/\/Type\s*\/Page\b/gu) ?? []).length, 1, 'one page');
  // 760 × 380 CSS px are 570 × 285 pt.
  const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/u.exec(text);
  t.truthy(box, 'a media box');
  t.true(
    Math.abs(Number(box?.[1]) - 570) < 1 && Math.abs(Number(box?.[2]) - 285) < 1,
    `${box?.[1]} × ${box?.[2]} pt`,
  );
});

ava(
  'export refuses a folder without charts, a bad format, and a missing browser, saying what to do',
  async (t) => {
    const empty = tempDir('export');
    const none = await runCli('report', 'export', empty);
    t.is(none.code, 2);
    t.regex(
      none.err,
      /has no charts\/ folder; expected a report written by agora sim --out or agora sweep --out/u,
    );
    const dir = await reportDir();
    const format = await runCli('report', 'export', dir, '--format', 'gif');
    t.is(format.code, 2);
    t.regex(format.err, /--format: expected png or pdf, got "gif"/u);
    const scale = await runCli('report', 'export', dir, '--scale', '0');
    t.regex(scale.err, /--scale: expected a number from 1 to 8/u);
    const browser = await runCli('report', 'export', dir, '--chromium', '/nonexistent/chromium');
    t.is(browser.code, 2);
    t.regex(
      browser.err,
      /needs Chromium and there is none at \/nonexistent\/chromium; install it: sudo apt-get install -y chromium/u,
    );
    t.deepEqual(
      readdirSync(join(dir, 'charts')).filter((f) => !f.endsWith('.svg')),
      [],
      'nothing written',
    );
  },
);
