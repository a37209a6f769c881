/**
 * The live scheduler driver follows the leader as Mesos's v1 library and docs/scheduler-http-api.md
 * ask: a 307 from a non-leading master is followed to its `Location` (Mesos's scheme-relative
 * `//host:port/path`) and every later call goes there; 503s (no leader yet, recovering) are
 * retried with the driver's backoff; a master that goes away and comes back on the same port and
 * work dir is subscribed to again. UPDATE_FRAMEWORK's 200 is success and its 400 reaches the
 * scheduler while the framework stays subscribed. The "other masters" are real HTTP servers in
 * front of a real live master.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { SchedulerDriver } from '../../../src/driver/index.js';
import { resolveLeaderLocation } from '../../../src/runtime/live/leader-location.js';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { MasterServer } from '../../../src/runtime/live/master-server.js';
import { eventually, liveCluster } from './harness.js';
import { Prober } from './prober.js';

const FAST_BACKOFF = { registrationBackoffFactorMs: 200, registrationBackoffMaxMs: 800 };

/** A Prober that also hears refused framework updates. */
class UpdatingProber extends Prober {
  readonly refusals: string[] = [];
  frameworkUpdateRefused(_driver: SchedulerDriver, message: string): void {
    this.refusals.push(message);
    this.events.push('update-refused');
  }
}

/** A request's body, whole. */
function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Starts `handler` on a loopback port; resolves with the server and its base URL. */
async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; url: string; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${port}`, port };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

/** A driver for `prober` as framework `name` of user `tester`, its log kept. */
function startDriver(
  prober: Prober,
  name: string,
  masterUrl: string,
  seed: number,
  info: { failover_timeout?: number } = {},
) {
  const logs: string[] = [];
  const started = liveSchedulerDriver(
    prober,
    { user: 'tester', name, ...info },
    { masterUrl, log: (l) => logs.push(l), seed, driver: FAST_BACKOFF },
  );
  return { ...started, logs };
}

/** Stops the driver, then the server in front of the master, then the cluster. */
async function shutDown(
  driver: SchedulerDriver,
  close: () => Promise<void>,
  server: Server,
  cluster: { close(): Promise<void> },
): Promise<void> {
  driver.stop();
  await close();
  await closeServer(server);
  await cluster.close();
}

/** Passes `req` (whose body was read as `body`) on to `target`, streaming the answer back. */
function proxy(req: IncomingMessage, body: string, res: ServerResponse, target: string): void {
  const out = request(
    `${target}${req.url ?? '/'}`,
    { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', () => res.destroy());
  res.on('close', () => out.destroy());
  out.end(body);
}

test('a Location is resolved as Mesos writes it: scheme-relative, bare host:port, absolute', (t) => {
  const here = 'https://10.0.0.1:5050/api/v1/scheduler';
  t.deepEqual(resolveLeaderLocation('//10.0.0.2:5051/api/v1/scheduler', here), {
    ok: true,
    url: 'https://10.0.0.2:5051/api/v1/scheduler',
  });
  t.deepEqual(resolveLeaderLocation('masterhost2:5050', here), {
    ok: true,
    url: 'https://masterhost2:5050/api/v1/scheduler',
  });
  t.deepEqual(resolveLeaderLocation('http://m3:5050/api/v1/scheduler', here), {
    ok: true,
    url: 'http://m3:5050/api/v1/scheduler',
  });
  t.false(resolveLeaderLocation(undefined, here).ok);
  t.false(resolveLeaderLocation('ftp://x/y', here).ok);
});

test('SUBSCRIBE follows a 307 to the leading master, and every later call goes to the leader', async (t) => {
  const cluster = await liveCluster(1);
  const leaderPort = new URL(cluster.master.url).port;
  const seen: string[] = [];
  // A non-leading master: it answers everything with Mesos's redirect.
  const follower = await serve((req, res) => {
    void bodyOf(req).then((body) => {
      seen.push(`${req.method} ${req.url} ${(JSON.parse(body) as { type?: string }).type}`);
      res.writeHead(307, { Location: `//127.0.0.1:${leaderPort}${req.url}` });
      res.end();
    });
  });
  const prober = new UpdatingProber([{ id: 'followed', command: 'true' }]);
  const { driver, close, logs } = startDriver(prober, 'follower-test', follower.url, 7);
  try {
    driver.start();
    await eventually(() => prober.state('followed') === 'TASK_FINISHED', 30_000, 'the task to finish');
    // UPDATE_FRAMEWORK goes to the leader too, and its answer (202 today, 200 as Mesos) is success.
    driver.updateFramework({ user: 'tester', name: 'follower-test', failover_timeout: 60 });
    await eventually(
      () => cluster.master.master.state().frameworks?.[0]?.failover_timeout === 60,
      10_000,
      'the update to reach the leader',
    );
    // (A SUBSCRIBE retried before the first 307 came back goes there too, and is redirected.)
    t.deepEqual(
      seen.filter((s) => s !== 'POST /api/v1/scheduler SUBSCRIBE'),
      [],
      'only SUBSCRIBEs went to the follower',
    );
    t.true(seen.length >= 1);
    t.true(
      logs.some((l) => l.includes(`redirected to the leading master at http://127.0.0.1:${leaderPort}/`)),
      logs.join('\n'),
    );
    t.false(
      logs.some((l) => /answered|failed/u.test(l)),
      logs.join('\n'),
    );
    t.is(driver.status, 'DRIVER_RUNNING');
    t.deepEqual(prober.refusals, []);
  } finally {
    await shutDown(driver, close, follower.server, cluster);
  }
});

test('503s (no leader yet) are retried with the driver’s backoff until the master answers; UPDATE_FRAMEWORK’s 200 and 400', async (t) => {
  const cluster = await liveCluster(1);
  const unavailable = 3;
  const subscribeAt: number[] = [];
  let updateAnswer: { status: number; body: string } | undefined;
  let updates = 0;
  // A master that is not elected yet, then is: 503 for the first SUBSCRIBEs, then the real one.
  const gate = await serve((req, res) => {
    void bodyOf(req).then((body) => {
      const type = (JSON.parse(body) as { type?: string }).type;
      if (type === 'SUBSCRIBE') {
        subscribeAt.push(Date.now());
        if (subscribeAt.length <= unavailable) {
          res.writeHead(503, { 'Content-Type': 'text/plain' });
          res.end('No leader elected');
          return;
        }
      }
      // Mesos's master answers UPDATE_FRAMEWORK itself, at once: 200, or 400 with its message.
      if (type === 'UPDATE_FRAMEWORK' && updateAnswer !== undefined) {
        updates++;
        res.writeHead(updateAnswer.status, { 'Content-Type': 'text/plain' });
        res.end(updateAnswer.body);
        return;
      }
      proxy(req, body, res, cluster.master.url);
    });
  });
  const prober = new UpdatingProber([]);
  const { driver, close, logs } = startDriver(prober, 'gate-test', gate.url, 11);
  try {
    driver.start();
    await eventually(() => prober.events.includes('registered'), 30_000, 'the driver to subscribe');
    // Every 503 was retried (a retry may also overtake a slow answer: then there are more).
    t.true(subscribeAt.length >= unavailable + 1, `${subscribeAt.length} SUBSCRIBEs`);
    // Each retry waited a backoff drawn in [0, bound], the bound doubling from 200 ms to 800 ms.
    const gaps = subscribeAt.slice(1).map((at, i) => at - (subscribeAt[i] as number));
    t.true(
      gaps.every((g) => g <= 800 + 2_000),
      `gaps ${gaps.join(', ')} ms`,
    );
    t.is(
      logs.filter((l) => l.includes('answered 503 (No leader elected); the driver retries with backoff'))
        .length,
      1,
      `reported once while it stays the same: ${logs.join('\n')}`,
    );
    t.false(
      prober.events.some((e) => e.startsWith('error')),
      prober.events.join(', '),
    );

    updateAnswer = { status: 200, body: '' };
    driver.updateFramework({ user: 'tester', name: 'gate-test', failover_timeout: 5 });
    await eventually(() => updates === 1, 10_000, 'the UPDATE_FRAMEWORK');
    updateAnswer = {
      status: 400,
      body: "FrameworkInfo update is not valid: Updating 'FrameworkInfo.principal' is unsupported",
    };
    driver.updateFramework({ user: 'tester', name: 'gate-test', principal: 'someone-else' });
    await eventually(() => prober.refusals.length === 1, 10_000, 'the refusal to reach the scheduler');
    t.is(
      prober.refusals[0],
      "FrameworkInfo update is not valid: Updating 'FrameworkInfo.principal' is unsupported (HTTP 400)",
    );
    t.is(updates, 2);
    // The driver holds what the master holds again: the accepted update, not the refused one.
    t.is(driver.process.frameworkInfo.failover_timeout, 5);
    t.is(driver.process.frameworkInfo.principal, undefined);
    // Still subscribed and running: the master keeps the framework, and so does the driver.
    t.is(driver.status, 'DRIVER_RUNNING');
    t.true(driver.process.connected);
    t.is(cluster.master.master.state().frameworks?.[0]?.active, true);
    t.false(
      logs.some((l) => l.includes('UPDATE_FRAMEWORK')),
      logs.join('\n'),
    );
  } finally {
    await shutDown(driver, close, gate.server, cluster);
  }
});

test('against the real master: an UPDATE_FRAMEWORK it refuses reaches the scheduler with its 400 text, and the driver stays subscribed', async (t) => {
  const cluster = await liveCluster(0);
  const prober = new UpdatingProber([]);
  const { driver, close, logs } = startDriver(prober, 'real-400', cluster.master.url, 12);
  try {
    driver.start();
    await eventually(() => prober.events.includes('registered'), 30_000, 'the driver to subscribe');
    // Mesos refuses a change of principal in UPDATE_FRAMEWORK (master.cpp validateFrameworkInfo).
    driver.updateFramework({ user: 'tester', name: 'real-400', principal: 'someone-else' });
    await eventually(() => prober.refusals.length === 1, 10_000, 'the refusal to reach the scheduler');
    t.regex(prober.refusals[0] ?? '', /^FrameworkInfo update is not valid: .*principal.* \(HTTP 400\)$/u);
    // A good update after it is taken: 200, applied by the master.
    driver.updateFramework({ user: 'tester', name: 'real-400', failover_timeout: 7 });
    await eventually(
      () => cluster.master.master.state().frameworks?.[0]?.failover_timeout === 7,
      10_000,
      'the accepted update to reach the master',
    );
    t.is(prober.refusals.length, 1);
    t.is(driver.status, 'DRIVER_RUNNING');
    t.true(driver.process.connected);
    t.false(
      prober.events.some((e) => e.startsWith('error')),
      prober.events.join(', '),
    );
    t.false(
      logs.some((l) => l.includes('UPDATE_FRAMEWORK')),
      logs.join('\n'),
    );
  } finally {
    driver.stop();
    await close();
    await cluster.close();
  }
});

test('without frameworkUpdateRefused, a refused UPDATE_FRAMEWORK comes as error after an abort (v0’s FrameworkErrorMessage)', async (t) => {
  const cluster = await liveCluster(0);
  const gate = await serve((req, res) => {
    void bodyOf(req).then((body) => {
      if ((JSON.parse(body) as { type?: string }).type === 'UPDATE_FRAMEWORK') {
        res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.end('FrameworkInfo update is not valid: nope');
        return;
      }
      proxy(req, body, res, cluster.master.url);
    });
  });
  const prober = new Prober([]);
  const errors: string[] = [];
  prober.error = (_d, message) => {
    errors.push(message);
  };
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'v0-style' },
    { masterUrl: gate.url, seed: 3, driver: FAST_BACKOFF },
  );
  try {
    driver.start();
    await eventually(() => prober.events.includes('registered'), 30_000, 'the driver to subscribe');
    driver.updateFramework({ user: 'tester', name: 'v0-style', principal: 'x' });
    await eventually(() => errors.length === 1, 10_000, 'the error callback');
    t.is(errors[0], 'FrameworkInfo update is not valid: nope (HTTP 400)');
    t.is(driver.status, 'DRIVER_ABORTED');
  } finally {
    await shutDown(driver, close, gate.server, cluster);
  }
});

test('a master that goes away and comes back on the same port and work dir is subscribed to again', async (t) => {
  const workDir = mkdtempSync(join(tmpdir(), 'agora-leader-'));
  const masterLogs: string[] = [];
  const start = (port: number) =>
    MasterServer.start({
      port,
      host: '127.0.0.1',
      workDir,
      master: { allocationIntervalMs: 100 },
      log: (l) => masterLogs.push(l),
    });
  let master = await start(0);
  const port = master.port;
  const prober = new UpdatingProber([]);
  const { driver, close, logs } = startDriver(prober, 'comeback', master.url, 5, { failover_timeout: 600 });
  try {
    driver.start();
    await eventually(() => prober.events.includes('registered'), 30_000, 'the driver to subscribe');
    const id = prober.frameworkId;
    await master.close();
    await eventually(() => prober.events.includes('disconnected'), 10_000, 'the driver to notice');
    // While it is down the driver keeps trying, reporting the failure once.
    await eventually(
      () => logs.some((l) => l.includes('ECONNREFUSED') && l.includes('retries with backoff')),
      10_000,
      'the failed attempt to be reported',
    );
    master = await start(port);
    await eventually(() => prober.events.includes('reregistered'), 30_000, 'the driver to resubscribe');
    t.deepEqual(prober.events, ['registered', 'disconnected', 'reregistered']);
    t.is(master.master.state().frameworks?.[0]?.id, id, 'the same framework, failed over');
    t.is(logs.filter((l) => l.includes('ECONNREFUSED')).length, 1, logs.join('\n'));
  } finally {
    driver.stop();
    await close();
    await master.close();
  }
});

test('a 307 loop or to another scheme is not followed forever: a warning, and the driver keeps trying', async (t) => {
  let hits = 0;
  let port = 0;
  let otherScheme = false;
  // A master that points at itself (a loop), then at itself over https.
  const loop = await serve((req, res) => {
    hits++;
    req.resume();
    const scheme = otherScheme ? 'https:' : '';
    res.writeHead(307, { Location: `${scheme}//127.0.0.1:${port}/api/v1/scheduler` });
    res.end();
  });
  port = loop.port;
  const prober = new UpdatingProber([]);
  const { driver, close, logs } = startDriver(prober, 'loop', loop.url, 13);
  try {
    driver.start();
    await eventually(
      () => logs.some((l) => l.includes('redirected 5 times in a row')),
      20_000,
      () => `the loop to be cut:\n${logs.join('\n')}`,
    );
    otherScheme = true;
    await eventually(
      () => logs.some((l) => l.includes('another scheme than')),
      20_000,
      () => `the scheme change to be refused:\n${logs.join('\n')}`,
    );
    t.is(driver.status, 'DRIVER_RUNNING');
    t.false(prober.events.includes('registered'));
    t.true(hits >= 7, `${hits} requests`);
  } finally {
    driver.stop();
    await close();
    await closeServer(loop.server);
  }
});
