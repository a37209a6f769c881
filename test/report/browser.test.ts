/**
 * Opens a run's report in headless Chromium (Debian's `chromium` package; `.ci/run` installs it)
 * and checks what a person would see: every chart image loaded, and each one drawn (not blank:
 * ink over a good part of it, in several colours, including the frameworks' own).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { seriesColor } from '../../src/report/palette.js';
import { runCli, tempDir } from '../cli/helpers.js';
import { launchChromium, withChromium } from '../needs.js';

const test = withChromium();

/** Share of pixels that are not (nearly) white, distinct colours, and pixels near `rgb`. */
function ink(png: Buffer, rgb: readonly [number, number, number]) {
  const image = PNG.sync.read(png);
  const colours = new Set<number>();
  let inked = 0;
  let matching = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    const [r, g, b] = [image.data[i] as number, image.data[i + 1] as number, image.data[i + 2] as number];
    colours.add((r << 16) | (g << 8) | b);
    if (r < 235 || g < 235 || b < 235) inked++;
    if (Math.abs(r - rgb[0]) + Math.abs(g - rgb[1]) + Math.abs(b - rgb[2]) < 30) matching++;
  }
  const pixels = image.width * image.height;
  return { inkedShare: inked / pixels, colours: colours.size, matching, width: image.width };
}

function rgbOf(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

test('headless Chromium shows every chart of a report, drawn', async (t) => {
  const dir = tempDir('browser');
  const r = await runCli('sim', 'scenarios/mixed.json', '--until', '900', '--quiet', '--out', dir);
  t.is(r.code, 0, r.err);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const failed: string[] = [];
    page.on('requestfailed', (req) => failed.push(req.url()));
    await page.goto(pathToFileURL(join(dir, 'index.html')).href, { waitUntil: 'load' });
    t.deepEqual(failed, [], 'no request failed');
    const images = await page.$$eval('img', (imgs) =>
      imgs.map((img) => ({ src: img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0 })),
    );
    t.is(images.length, 8, 'eight charts');
    for (const img of images) t.true(img.loaded, `${img.src} loaded (not a broken image)`);

    const whole = ink(await page.screenshot({ fullPage: true }), rgbOf(seriesColor(0)));
    t.true(whole.inkedShare > 0.01, `the page is not blank (${(whole.inkedShare * 100).toFixed(1)}% inked)`);

    const frameworkColour = rgbOf(seriesColor(0));
    for (const [i, img] of images.entries()) {
      const shot = ink(await page.locator('img').nth(i).screenshot(), frameworkColour);
      t.true(shot.width >= 700, `${img.src} is drawn at full width`);
      t.log(img.src, shot);
      t.true(shot.inkedShare > 0.02, `${img.src} has ink on it (${(shot.inkedShare * 100).toFixed(1)}%)`);
      t.true(shot.colours > 20, `${img.src} has text, axes and lines in several colours (${shot.colours})`);
      if (/dominant-share|running-tasks|wait-cdf/u.test(img.src ?? '')) {
        t.true(shot.matching > 50, `${img.src} shows the first framework's colour (${shot.matching} px)`);
      }
    }
  } finally {
    await browser.close();
  }
});
