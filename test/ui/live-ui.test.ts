/**
 * The web UI of a live master in headless Chromium (issue 17): a master and two agents on
 * loopback, a framework from test/driver/sleepers.ts with tasks that print to stdout and
 * stderr. The page must load without errors, count agents, frameworks and tasks right, link a
 * task's stdout from its agent, and show a task launched after it loaded within a second,
 * through the pushed stream (no request is made for it).
 */
import { join } from 'node:path';
import { liveSchedulerDriver } from '../../src/runtime/live/live-scheduler.js';
import { tempDir } from '../cli/helpers.js';
import { Sleepers } from '../driver/sleepers.js';
import { launchChromium, withChromium } from '../needs.js';
import { patient } from '../patience.js';
import { eventually, liveCluster } from '../runtime/live/harness.js';
import { pageErrors } from './browser.js';

const test = withChromium();

/** A framework of `tasks` tasks that print, then sleep until the cluster closes. */
function printers(masterUrl: string, name: string, tasks: number, logs: string[]) {
  const scheduler = new Sleepers({
    tasks,
    sleepSeconds: 60,
    cpusPerTask: 0.5,
    memPerTask: 32,
    command: `echo "hello from ${name}"; echo "warning from ${name}" >&2; sleep 60`,
  });
  const { driver, close } = liveSchedulerDriver(
    scheduler,
    { user: 'tester', name },
    { masterUrl, log: (line) => logs.push(`${name}: ${line}`) },
  );
  void driver.run();
  return { scheduler, close };
}

const running = (s: Sleepers) => [...s.states.values()].filter((x) => x === 'TASK_RUNNING').length;

test('the master’s web UI shows the cluster, a task’s stdout, and pushed updates within a second', async (t) => {
  const cluster = await liveCluster(2);
  const first = printers(cluster.master.url, 'printers', 3, cluster.logs);
  const browser = await launchChromium();
  let second: ReturnType<typeof printers> | undefined;
  try {
    await eventually(() => running(first.scheduler) === 3, 20_000, 'three tasks running');
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = pageErrors(page);
    await page.goto(cluster.master.url, { waitUntil: 'load' });
    await page.waitForSelector('#tasks tbody tr[data-state="TASK_RUNNING"]', { timeout: patient(5_000) });
    t.is(await page.textContent('#agents-count'), '2', 'two agents');
    t.is(await page.locator('#agents tbody tr').count(), 2);
    t.is(await page.textContent('#frameworks-count'), '1', 'one framework');
    t.is(await page.locator('#tasks tbody tr[data-state="TASK_RUNNING"]').count(), 3, 'three running tasks');
    t.regex((await page.textContent('#frameworks tbody')) ?? '', /printers/u);
    t.regex((await page.textContent('#overview')) ?? '', /Tasks running\s*3/u);
    const svgPaths = await page.locator('#chart-utilisation svg path').count();
    t.true(svgPaths >= 1, `the utilisation chart has lines (${svgPaths})`);

    const dir = tempDir('ui-live');
    const shot = join(dir, 'live-master.png');
    await page.screenshot({ path: shot, fullPage: true });
    t.log(`screenshot of the live master's page: ${shot}`);

    // The stdout link goes to the task's agent, which serves its sandbox.
    const href = await page.getAttribute('#tasks tr[data-task-id="sleeper-0"] a.sandbox-stdout', 'href');
    t.truthy(href, 'the task has a stdout link');
    const files = await browser.newPage();
    const response = await files.goto(href as string);
    t.is(response?.status(), 200);
    t.is((await files.textContent('body'))?.trim(), 'hello from printers');
    const stderrHref = await page.getAttribute(
      '#tasks tr[data-task-id="sleeper-0"] a.sandbox-stderr',
      'href',
    );
    await files.goto(stderrHref as string);
    t.is((await files.textContent('body'))?.trim(), 'warning from printers');
    await files.close();

    // A task launched now must appear through the pushed stream, within a second of the master
    // knowing it, and without the page asking for anything.
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    let knownAtMs: number | undefined;
    const watch = setInterval(() => {
      const state = cluster.master.master.state();
      const f = state.frameworks.find((x) => x.name === 'latecomer');
      if (knownAtMs === undefined && (f?.tasks.length ?? 0) > 0) knownAtMs = Date.now();
    }, 2);
    try {
      const shown = page
        .waitForFunction(
          () => {
            const rows = Array.from(document.querySelectorAll('#frameworks tbody tr')).filter((r) =>
              r.textContent?.includes('latecomer'),
            );
            const tasks = document.querySelectorAll('#tasks tbody tr[data-task-id]').length;
            return rows.length === 1 && tasks === 4;
          },
          undefined,
          { timeout: patient(10_000), polling: 'raf' },
        )
        .then(() => Date.now());
      second = printers(cluster.master.url, 'latecomer', 1, cluster.logs);
      const shownAtMs = await shown;
      t.truthy(knownAtMs, 'the master knew the task');
      const latencyMs = shownAtMs - (knownAtMs as number);
      t.log(`the new task showed ${latencyMs} ms after the master knew it`);
      t.true(latencyMs < 1000, `shown within a second (${latencyMs} ms)`);
    } finally {
      clearInterval(watch);
    }
    t.deepEqual(requests, [], 'no request was made: the update was pushed');
    await eventually(() => running(second?.scheduler as Sleepers) === 1, 10_000, 'the latecomer running');
    await page.waitForFunction(
      () => document.querySelectorAll('#tasks tr[data-state="TASK_RUNNING"]').length === 4,
      undefined,
      {
        timeout: patient(2_000),
      },
    );
    t.is(await page.textContent('#frameworks-count'), '2');
    await page.screenshot({ path: join(dir, 'live-master-after.png'), fullPage: true });
    t.log(`screenshot after the latecomer: ${join(dir, 'live-master-after.png')}`);
    t.deepEqual(errors, [], 'no console errors');
  } finally {
    await browser.close();
    await second?.close();
    await first.close();
    await cluster.close();
  }
});
