/**
 * `agora sim --serve` in headless Chromium (issue 17): the web UI over a recorded simulated run
 * of scenarios/demo.json (an agent crash at 400 s, restarted at 520 s; a scheduler crash at
 * 700 s). The page must load without errors; the slider, the fault buttons, play and pause
 * must move the shown time, and the counts must follow it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { scenarioFile, tempDir } from '../cli/helpers.js';
import { launchChromium, withChromium } from '../needs.js';
import { patient } from '../patience.js';
import { pageErrors } from './browser.js';
import { MASTER_DOWN } from './master-down.js';

const test = withChromium();

/** Starts `agora sim --serve 0` and resolves with its URL once it serves. */
function serveReplay(args: string[]): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, ['bin/agora.js', 'sim', ...args, '--serve', '0', '--quiet'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no URL from agora sim --serve: ${stderr}`)),
      patient(30_000),
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = /at (http:\/\/\S+)/u.exec(stderr)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve({ child, url, stderr: () => stderr });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agora sim --serve exited with ${code}: ${stderr}`));
    });
  });
}

const frameAt = async (page: Page) => Number(await page.getAttribute('body', 'data-frame-at'));

/** Waits until the page shows a frame between `fromMs` and `toMs` of simulated time. */
async function shown(page: Page, fromMs: number, toMs: number, what: string) {
  try {
    await page.waitForFunction(
      ([from, to]) => {
        const at = Number(document.body.dataset.frameAt ?? Number.NaN);
        return at >= from && at <= to;
      },
      [fromMs, toMs] as const,
      { timeout: patient(5_000) },
    );
  } catch (e) {
    throw new Error(`${what}: the page shows ${await frameAt(page)} ms (${(e as Error).message})`);
  }
}

/**
 * Serves `args` with `agora sim --serve 0`, opens the page in Chromium at its first frame, runs
 * `body`, then checks no console error happened; the browser and the server are stopped after.
 */
async function withReplay(
  args: string[],
  viewport: { width: number; height: number },
  body: (page: Page) => Promise<void>,
): Promise<string[]> {
  const server = await serveReplay(args);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport });
    const errors = pageErrors(page);
    await page.goto(server.url, { waitUntil: 'load' });
    await shown(page, 0, 0, 'the first frame');
    await body(page);
    return errors;
  } finally {
    await browser.close();
    server.child.kill('SIGTERM');
    await new Promise((resolve) =>
      server.child.exitCode === null ? server.child.once('exit', resolve) : resolve(null),
    );
  }
}

test('agora sim --serve plays a run: the slider, a fault, play and pause move the time and the counts', async (t) => {
  const errors = await withReplay(
    ['scenarios/demo.json', '--until', '900'],
    { width: 1400, height: 1000 },
    async (page) => {
      t.true(await page.isVisible('#replay'), 'the replay controls show');
      t.regex((await page.textContent('#mode')) ?? '', /replay of demo/u);
      const faults = await page.locator('#faults button').allTextContents();
      t.deepEqual(faults, [
        '400 s crash agent-3',
        '520 s restart agent-3',
        '700 s crash etl',
        '730 s failover etl',
      ]);
      t.is(await page.locator('#markers span').count(), 4, 'the faults are marked on the slider');
      const tasksAtStart = Number(await page.textContent('#tasks-count'));

      // The slider to the end: the last frame, with the tasks the run has launched by then.
      const last = Number(await page.getAttribute('#slider', 'max'));
      await page.locator('#slider').fill(String(last));
      await shown(page, 900_000, 900_000, 'the last frame');
      t.regex((await page.textContent('#replay-time')) ?? '', /^900 s of 900 s$/u);
      t.is(await page.textContent('#frameworks-count'), '3', 'three frameworks');
      // A simulation has no wall-clock allocation run time; the fair shares follow the roles'
      // weights (research 3, etl 1, adhoc 1: 3/5, 1/5, 1/5), and every framework was offered.
      t.regex((await page.textContent('#overview')) ?? '', /Allocation run time\s*—\s*not measured/u);
      const fair = await page.evaluate(() => {
        const headers = Array.from(document.querySelectorAll('#frameworks thead th')).map(
          (h) => h.textContent,
        );
        return Array.from(document.querySelectorAll('#frameworks tbody tr')).map((r) => {
          const cells = Array.from(r.querySelectorAll('td')).map((c) => c.textContent ?? '');
          return [
            cells[0],
            cells[headers.indexOf('fair share')],
            Number(cells[headers.indexOf('offers made')]) > 0,
          ];
        });
      });
      t.deepEqual(fair.sort(), [
        ['adhoc', '0.200', true],
        ['etl', '0.200', true],
        ['research', '0.600', true],
      ]);
      const tasksAtEnd = Number(await page.textContent('#tasks-count'));
      t.true(
        tasksAtEnd > tasksAtStart,
        `more tasks at the end (${tasksAtEnd}) than at the start (${tasksAtStart})`,
      );
      t.true((await page.locator('#tasks tbody tr[data-task-id]').count()) > 0, 'task rows');
      t.true((await page.locator('#chart-shares svg path').count()) >= 3, 'a share line per framework');
      const dir = tempDir('ui-replay');
      await page.screenshot({ path: join(dir, 'replay-end.png'), fullPage: true });
      t.log(`screenshot of the replay at its end: ${join(dir, 'replay-end.png')}`);

      // A fault: its button shows the first frame at or after it.
      await page.locator('#faults button', { hasText: 'crash agent-3' }).click();
      await shown(page, 400_000, 404_999, 'the frame of the agent crash');
      await page.screenshot({ path: join(dir, 'replay-fault.png') });
      t.log(`screenshot at the agent crash: ${join(dir, 'replay-fault.png')}`);

      // Play from here at 300×, then pause: the time moves forward, then stops.
      await page.selectOption('#speed', '300');
      await page.click('#play');
      t.is((await page.textContent('#play'))?.trim(), '❚❚ Pause');
      await shown(page, 420_000, 900_000, 'playing on past 420 s');
      await page.click('#play');
      t.is((await page.textContent('#play'))?.trim(), '▶ Play');
      const paused = await frameAt(page);
      // Nothing must happen while paused; a few of the player's 100 ms ticks show it.
      await page.waitForTimeout(400);
      t.is(await frameAt(page), paused, 'paused: the time stays');
      t.true(paused < 900_000, 'paused before the end');
    },
  );
  t.deepEqual(errors, [], 'no console errors');
});

test('a replay shows when the master is down, and the tables again once it is back', async (t) => {
  const scenario = scenarioFile(MASTER_DOWN);
  const errors = await withReplay([scenario], { width: 1400, height: 900 }, async (page) => {
    await page.locator('#faults button', { hasText: 'master crash' }).click();
    await shown(page, 120_000, 149_999, 'a frame while the master is down');
    t.true(await page.isVisible('#down'), 'the "master is down" badge shows');
    t.regex((await page.getAttribute('main', 'class')) ?? '', /stale/u, 'the last tables are greyed');
    const dir = tempDir('ui-replay-down');
    await page.screenshot({ path: join(dir, 'replay-master-down.png') });
    t.log(`screenshot while the master is down: ${join(dir, 'replay-master-down.png')}`);
    await page.locator('#faults button', { hasText: 'master failover' }).click();
    await shown(page, 150_000, 160_000, 'a frame after the failover');
    t.false(await page.isVisible('#down'), 'the badge goes once the master is back');
    // The framework reregisters with the new master a little later; by the end it has.
    await page.locator('#slider').fill((await page.getAttribute('#slider', 'max')) ?? '0');
    await shown(page, 300_000, 300_000, 'the last frame');
    t.is(await page.textContent('#frameworks-count'), '1');
  });
  t.deepEqual(errors, [], 'no console errors');
});
