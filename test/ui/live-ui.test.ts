/**
 * The web UI of a live master in headless Chromium (issue 17): a master and two agents on
 * loopback, a framework from test/driver/sleepers.ts with tasks that print to stdout and
 * stderr. The page must load without errors, count agents, frameworks and tasks right, link a
 * task's stdout from its agent, and show a task launched after it loaded within a second,
 * through the pushed stream (no request is made for it). With both frameworks running, the
 * overview's reserved resources and allocation run time, and each framework's offers made and
 * declined and its share against its fair share, must be what the master says.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
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

/** The overview card labelled `label`: its value and detail text. */
function overviewCard(page: Page, label: string) {
  return page.evaluate((l) => {
    const c = Array.from(document.querySelectorAll('#overview .card')).find(
      (x) => x.querySelector('.label')?.textContent === l,
    );
    return {
      value: c?.querySelector('.value')?.textContent ?? '',
      detail: c?.querySelector('.detail')?.textContent ?? '',
    };
  }, label);
}

/** The frameworks table's row for framework `id`, as header → cell text. */
function frameworkRow(page: Page, id: string) {
  return page.evaluate((key) => {
    const headers = Array.from(document.querySelectorAll('#frameworks thead th')).map(
      (h) => h.textContent ?? '',
    );
    const row = document.querySelector(`#frameworks tbody tr[data-key="${key}"]`);
    const cells = Array.from(row?.querySelectorAll('td') ?? []).map((c) => c.textContent ?? '');
    return Object.fromEntries(headers.map((h, i) => [h, cells[i] ?? '']));
  }, id);
}

const running = (s: Sleepers) => [...s.states.values()].filter((x) => x === 'TASK_RUNNING').length;

test('the master’s web UI shows the cluster, a task’s stdout, and pushed updates within a second', async (t) => {
  // Each agent also holds 1 cpu reserved for role "ads", which these '*' frameworks are never offered.
  const cluster = await liveCluster(2, 'cpus:2;mem:512;cpus(ads):1');
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

    // Reserved resources per resource (2 agents × cpus(ads):1; no memory reserved).
    t.regex((await overviewCard(page, 'cpus')).detail, /reserved 2$/u);
    t.regex((await overviewCard(page, 'mem')).detail, /reserved 0 MB$/u);
    // The allocation run time, measured by the live master around each run.
    const runTime = await overviewCard(page, 'Allocation run time');
    const runMs = Number(/^([\d.]+) ms$/u.exec(runTime.value)?.[1]);
    t.true(runMs > 0, `the last allocation run's time is a positive number (${runTime.value})`);
    t.regex(runTime.detail, /p99 [\d.]+ ms, max [\d.]+ ms over the last \d+ runs$/u);
    // Offers made and declined per framework, as the master counts them; both frameworks have
    // suppressed offers, so the counts hold still. The latecomer was offered both agents at once
    // and needed one: it declined the other.
    const state = cluster.master.master.state();
    const late = state.frameworks.find((f) => f.name === 'latecomer');
    t.true((late?.offers_declined ?? 0) >= 1, `the latecomer declined an offer (${late?.offers_declined})`);
    for (const f of state.frameworks) {
      let shown: Record<string, string> = {};
      await eventually(
        async () => {
          shown = await frameworkRow(page, f.id);
          return (
            shown['offers made'] === String(f.offers_made) && shown.declined === String(f.offers_declined)
          );
        },
        2_000,
        () =>
          `${f.name}: the row ${JSON.stringify(shown)}, the master ${f.offers_made} made, ${f.offers_declined} declined`,
      );
      // Two frameworks of weight 1: each one's fair share is 1/2, and its dominant share against
      // that fair share is twice its dominant share.
      const row = await frameworkRow(page, f.id);
      t.is(row['fair share'], '0.500', f.name);
      const ds = Number(row['dominant share']);
      t.true(ds > 0, `${f.name} holds resources`);
      t.true(
        Math.abs(Number(row['share / fair share']) - ds / 0.5) <= 0.002,
        `${f.name}: ${JSON.stringify(row)}`,
      );
    }
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
