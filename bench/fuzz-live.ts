/**
 * Fuzzes every live port (issue 13): an `agora master` and an `agora agent` process on loopback,
 * as deployed, take `--requests` random and mutated requests (bench/fuzz-requests.ts) on the
 * master's port (scheduler API, agent channel, read-only endpoints) and the agent's (master
 * channel, executor API, read-only endpoints), `--concurrency` at a time. To reach past the
 * authentication, the fuzzer holds what a framework, an agent and an executor of its own would:
 * a subscription (framework id and stream id), an agent registration (address and token), and
 * the token of a custom executor it launched.
 *
 * Then a task is run end to end, to show the cluster still works, and the memory phase holds
 * `--bodies` unfinished 16 MiB bodies on each port and lets them go.
 *
 * Prints the answers by port and status, crashes (a process that exited), handler failures and
 * 500s (bugs: each a line on the process's stderr), and RSS before and after. Exits 1 if either
 * process crashed, failed a handler or answered 500, or the end-to-end task did not finish.
 *
 * Usage: node --import tsx bench/fuzz-live.ts [--requests 100000] [--concurrency 32] [--seed 1] [--bodies 24]
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import type { MasterInfo } from '../src/core/messages/cluster-info.js';
import type { FrameworkID } from '../src/core/messages/ids.js';
import type { Offer } from '../src/core/messages/offer.js';
import type { TaskStatus } from '../src/core/messages/task-status.js';
import type { Scheduler, SchedulerDriver } from '../src/driver/index.js';
import { liveSchedulerDriver } from '../src/runtime/live/live-scheduler.js';
import { send, subscribe } from '../test/runtime/live/http-client.js';
import { freePort, killHard, type Started, startAgent, startMaster } from '../test/runtime/live/processes.js';
import { benchArgs } from './args.js';
import { type FuzzContext, fuzzRequest, type PortKind, sendFuzz } from './fuzz-requests.js';

const values = benchArgs(
  'node --import tsx bench/fuzz-live.ts [--requests 100000] [--concurrency 32] [--seed 1] [--bodies 24]',
  {
    requests: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '32' },
    seed: { type: 'string', default: '1' },
    bodies: { type: 'string', default: '24' },
  },
);
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const BODIES = Number(values.bodies);

const EXECUTOR = fileURLToPath(new URL('./fixtures/token-executor.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** RSS of a process, in MB. */
function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/u.exec(status)?.[1] ?? Number.NaN) / 1024);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Launches one custom executor task, then `true` tasks on request, on one agent only. */
class Driver implements Scheduler {
  frameworkId: string | undefined;
  readonly statuses: TaskStatus[] = [];
  readonly #queue: { id: string; executor: boolean }[] = [{ id: 'executor-task', executor: true }];
  readonly #agentId: () => string | undefined;

  constructor(agentId: () => string | undefined) {
    this.#agentId = agentId;
  }

  state(id: string): string | undefined {
    return this.statuses.filter((s) => s.task_id.value === id).at(-1)?.state;
  }

  launch(id: string): void {
    this.#queue.push({ id, executor: false });
  }

  registered(_d: SchedulerDriver, id: FrameworkID, _m: MasterInfo | undefined): void {
    this.frameworkId = id.value;
  }
  reregistered(): void {}
  disconnected(): void {}
  offerRescinded(): void {}
  frameworkMessage(): void {}
  slaveLost(): void {}
  executorLost(): void {}
  error(): void {}
  statusUpdate(_d: SchedulerDriver, status: TaskStatus): void {
    this.statuses.push(status);
  }
  resourceOffers(driver: SchedulerDriver, offers: readonly Offer[]): void {
    for (const offer of offers) {
      const next = this.#queue[0];
      // Fuzzed agents (1,000 cpus at ports nobody listens on) are offered too: only the real one will do.
      if (next === undefined || offer.agent_id.value !== this.#agentId()) {
        driver.declineOffer(offer.id, { refuse_seconds: 1 });
        continue;
      }
      this.#queue.shift();
      const resources = [
        { name: 'cpus', type: 'SCALAR' as const, scalar: { value: 0.1 } },
        { name: 'mem', type: 'SCALAR' as const, scalar: { value: 32 } },
      ];
      driver.launchTasks(
        [offer.id],
        [
          {
            name: next.id,
            task_id: { value: next.id },
            agent_id: offer.agent_id,
            resources,
            ...(next.executor
              ? {
                  executor: {
                    executor_id: { value: 'fuzz-executor' },
                    command: { value: `"${process.execPath}" --import "${TSX}" "${EXECUTOR}"` },
                    resources,
                  },
                }
              : { command: { value: 'true' } }),
          },
        ],
      );
    }
  }
}

/** Holds `n` unfinished bodies of 16 MiB on `path`, returns the sockets. */
function holdBodies(port: number, n: number, path: string, headers: string): Socket[] {
  const size = 16 * 1024 * 1024;
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  return Array.from({ length: n }, () => {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => {});
    s.write(
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${headers}Content-Length: ${size}\r\n\r\n`,
    );
    for (let k = 0; k < 15; k++) s.write(chunk);
    s.write(chunk.subarray(0, chunk.length - 1));
    return s;
  });
}

/** RSS while `n` bodies are held, then after they go: once settled (no change for 5 s, at most 30 s). */
async function bodiesPhase(
  name: string,
  pid: number | undefined,
  port: number,
  path: string,
  headers: string,
): Promise<string> {
  const before = rssMb(pid);
  const sockets = holdBodies(port, BODIES, path, headers);
  await sleep(8_000);
  const during = rssMb(pid);
  for (const s of sockets) s.destroy();
  let last = rssMb(pid);
  let stableSince = performance.now();
  const start = performance.now();
  while (performance.now() - start < 30_000 && performance.now() - stableSince < 5_000) {
    await sleep(500);
    const now = rssMb(pid);
    if (Math.abs(now - last) > 2) stableSince = performance.now();
    last = now;
  }
  return `bodies ${name} ${path}: ${BODIES} held 16 MiB bodies: rss_mb before=${before} during=${during} after=${last} (settled after ${((performance.now() - start) / 1000).toFixed(0)} s)`;
}

/** Lines on a process's stderr that report a bug: a failed handler or request. */
function failures(p: Started): string[] {
  return p
    .stderr()
    .split('\n')
    .filter((l) => /failed:|the handler of .* failed|Internal error/u.test(l));
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'agora-fuzz-'));
  const master = await startMaster(await freePort(), ['--work-dir', join(dir, 'master')]);
  const agentWorkDir = join(dir, 'agent');
  const agent = await startAgent(master.url, agentWorkDir, 'cpus:4;mem:2048');
  const agentAddress = agent.match[1] as string;
  const masterPort = Number(new URL(master.url).port);
  const agentPort = Number(agentAddress.split(':').at(-1));
  const crashed: string[] = [];
  master.child.on('exit', (code, signal) => crashed.push(`master exited (${code ?? signal})`));
  agent.child.on('exit', (code, signal) => crashed.push(`agent exited (${code ?? signal})`));
  const realAgentId = async () => {
    const state = JSON.parse((await send(`${master.url}/master/state`, { method: 'GET' })).text) as {
      slaves: { id: string; pid: string }[];
    };
    return state.slaves.find((s) => s.pid === agentAddress)?.id;
  };
  let agentId: string | undefined;
  while (agentId === undefined) {
    agentId = await realAgentId();
    await sleep(100);
  }
  const driverScheduler = new Driver(() => agentId);
  const driver = liveSchedulerDriver(
    driverScheduler,
    { user: 'fuzz', name: 'fuzz-driver' },
    { masterUrl: master.url },
  );
  driver.driver.start();

  // What the fuzzer holds: a subscription, an agent registration, an executor's token.
  const sub = await subscribe(master.url, { user: 'fuzz', name: 'fuzz', failover_timeout: 3600 });
  await sub.waitFor(1);
  const context: FuzzContext = {
    frameworkId: (sub.events[0] as { subscribed: { framework_id: { value: string } } }).subscribed
      .framework_id.value,
    streamId: String(sub.headers['mesos-stream-id']),
    agentFrom: `agent@127.0.0.1:${await freePort()}`,
    agentToken: 'f'.repeat(43),
    agentIds: [agentId],
  };
  const registered = await send(`${master.url}/agora/v1/message`, {
    headers: {
      'Content-Type': 'application/json',
      'Agora-From': context.agentFrom as string,
      'Agora-Agent-Token': context.agentToken as string,
    },
    body: JSON.stringify({ type: 'REGISTER_AGENT', agent: { hostname: '127.0.0.1', resources: [] } }),
  });
  console.log(
    `# setup: fuzz framework ${context.frameworkId}; fuzz agent registration answered ${registered.status}`,
  );
  const deadline = performance.now() + 60_000;
  while (driverScheduler.state('executor-task') !== 'TASK_RUNNING' && performance.now() < deadline)
    await sleep(100);
  const stdout = (readdirSync(agentWorkDir, { recursive: true }) as string[])
    .map((p) => join(agentWorkDir, p))
    .find((p) => p.endsWith('/stdout') && p.includes('/executors/fuzz-executor/'));
  const token = stdout === undefined ? undefined : /^token (\S+)$/mu.exec(readFileSync(stdout, 'utf8'))?.[1];
  if (token !== undefined && driverScheduler.frameworkId !== undefined) {
    context.executor = { token, frameworkId: driverScheduler.frameworkId, executorId: 'fuzz-executor' };
  }
  console.log(`# setup: executor token ${token === undefined ? 'not found' : 'held'}`);

  const rssBefore = { master: rssMb(master.child.pid), agent: rssMb(agent.child.pid) };
  const random = seedrandom(`fuzz-${values.seed}`);
  const counts = new Map<string, number>();
  const pools: Record<PortKind, HttpAgent> = {
    master: new HttpAgent({ keepAlive: true, maxSockets: CONCURRENCY }),
    agent: new HttpAgent({ keepAlive: true, maxSockets: CONCURRENCY }),
  };
  let sent = 0;
  let answered = 0;
  const started = performance.now();
  const worker = async () => {
    while (sent < REQUESTS && crashed.length === 0) {
      sent++;
      const kind: PortKind = random() < 0.6 ? 'master' : 'agent';
      const req = fuzzRequest(random, kind, context);
      const outcome = await sendFuzz(
        '127.0.0.1',
        kind === 'master' ? masterPort : agentPort,
        req,
        pools[kind],
      );
      const key = `${kind} ${outcome}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      answered++;
      if (answered % 10_000 === 0) {
        process.stderr.write(
          `# ${answered} requests, ${((performance.now() - started) / 1000).toFixed(0)} s, rss_mb master=${rssMb(master.child.pid)} agent=${rssMb(agent.child.pid)}\n`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  for (const pool of Object.values(pools)) pool.destroy();

  // The cluster still works: a task runs end to end on the real agent.
  let endToEnd = 'not run (a process crashed)';
  if (crashed.length === 0) {
    agentId = (await realAgentId()) ?? agentId;
    driverScheduler.launch('after-fuzz');
    const until = performance.now() + 60_000;
    while (
      !['TASK_FINISHED', 'TASK_FAILED', 'TASK_LOST', 'TASK_ERROR'].includes(
        driverScheduler.state('after-fuzz') ?? '',
      )
    ) {
      if (performance.now() > until) break;
      await sleep(100);
    }
    endToEnd = driverScheduler.state('after-fuzz') ?? 'no status within 60 s';
  }
  await sleep(2_000);
  const rssAfter = { master: rssMb(master.child.pid), agent: rssMb(agent.child.pid) };
  const health = await Promise.all(
    [master.url, `http://${agentAddress.slice('agent@'.length)}`].map((u) =>
      send(`${u}/health`, { method: 'GET' }).then(
        (a) => a.status,
        () => 0,
      ),
    ),
  );

  console.log(
    `fuzz: requests=${sent} concurrency=${CONCURRENCY} seed=${values.seed} wall_s=${seconds.toFixed(1)} requests_per_s=${Math.round(sent / seconds)}`,
  );
  for (const kind of ['master', 'agent'] as const) {
    const line = [...counts.entries()]
      .filter(([k]) => k.startsWith(`${kind} `))
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k.slice(kind.length + 1)}=${n}`)
      .join(' ');
    console.log(`answers ${kind}: ${line}`);
  }
  const fiveHundreds = [...counts.entries()].filter(([k]) => / 500$/u.test(k)).reduce((n, [, c]) => n + c, 0);
  const bugs = [...failures(master), ...failures(agent)];
  console.log(
    `crashes=${crashed.length}${crashed.length > 0 ? ` (${crashed.join('; ')})` : ''} handler_failures=${bugs.length} answers_500=${fiveHundreds} health=${health.join(',')} end_to_end_task=${endToEnd}`,
  );
  for (const line of bugs.slice(0, 10)) console.log(`# ${line}`);
  console.log(
    `rss_mb master before=${rssBefore.master} after=${rssAfter.master}; agent before=${rssBefore.agent} after=${rssAfter.agent}`,
  );

  if (crashed.length === 0 && BODIES > 0) {
    console.log(await bodiesPhase('master', master.child.pid, masterPort, '/api/v1/scheduler', ''));
    const executorAuth = token === undefined ? '' : `Authorization: Bearer ${token}\r\n`;
    console.log(await bodiesPhase('agent', agent.child.pid, agentPort, '/api/v1/executor', executorAuth));
  }

  sub.close();
  driver.driver.stop();
  await driver.close();
  await killHard(agent.child);
  await killHard(master.child);
  const ok = crashed.length === 0 && bugs.length === 0 && fiveHundreds === 0 && endToEnd === 'TASK_FINISHED';
  return ok ? 0 : 1;
}

process.exitCode = await main();
