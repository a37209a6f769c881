/**
 * A small run of `npm run bench:fuzz-live` (which sends 100,000): random and mutated requests on
 * a live master's and agent's ports, from a fuzzer that holds a subscription and an agent
 * registration of its own. No answer is a 500, no handler fails, and afterwards both nodes
 * answer /health and a real task runs end to end.
 */
import { Agent as HttpAgent } from 'node:http';
import test from 'ava';
import seedrandom from 'seedrandom';
import { type FuzzContext, fuzzRequest, type PortKind, sendFuzz } from '../../../bench/fuzz-requests.js';
import type { Offer } from '../../../src/core/messages/offer.js';
import type { SchedulerDriver } from '../../../src/driver/index.js';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { eventually, liveCluster } from './harness.js';
import { send, subscribe } from './http-client.js';
import { Prober } from './prober.js';

const REQUESTS = 2_000;

/** A prober that launches on one agent only (fuzzed agents with 1,000 cpus are offered too). */
class OnAgent extends Prober {
  readonly #agentId: string;
  constructor(agentId: string, tasks: ConstructorParameters<typeof Prober>[0]) {
    super(tasks);
    this.#agentId = agentId;
  }
  override resourceOffers(driver: SchedulerDriver, offers: readonly Offer[]): void {
    for (const o of offers)
      if (o.agent_id.value !== this.#agentId) driver.declineOffer(o.id, { refuse_seconds: 1 });
    super.resourceOffers(
      driver,
      offers.filter((o) => o.agent_id.value === this.#agentId),
    );
  }
}

test(`${REQUESTS} fuzzed requests on the master's and the agent's ports: no 500, no failed handler, the cluster still runs a task`, async (t) => {
  const cluster = await liveCluster(1);
  const agent = cluster.agents[0];
  if (agent === undefined) return t.fail();
  const sub = await subscribe(cluster.master.url, { user: 'fuzz', name: 'fuzz', failover_timeout: 3600 });
  await sub.waitFor(1);
  const context: FuzzContext = {
    frameworkId: (sub.events[0] as { subscribed: { framework_id: { value: string } } }).subscribed
      .framework_id.value,
    streamId: String(sub.headers['mesos-stream-id']),
    agentFrom: 'agent@127.0.0.1:9',
    agentToken: 'f'.repeat(43),
    agentIds: [agent.agent.agentId as string],
  };
  const pools: Record<PortKind, HttpAgent> = {
    master: new HttpAgent({ keepAlive: true, maxSockets: 16 }),
    agent: new HttpAgent({ keepAlive: true, maxSockets: 16 }),
  };
  const random = seedrandom('fuzz-test');
  const counts = new Map<string, number>();
  const ports: Record<PortKind, number> = { master: cluster.master.port, agent: agent.port };
  try {
    let sent = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (sent < REQUESTS) {
          sent++;
          const kind: PortKind = random() < 0.6 ? 'master' : 'agent';
          const outcome = await sendFuzz(
            '127.0.0.1',
            ports[kind],
            fuzzRequest(random, kind, context),
            pools[kind],
          );
          counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
        }
      }),
    );
    t.log([...counts.entries()].map(([k, n]) => `${k}=${n}`).join(' '));
    t.is(counts.get('500') ?? 0, 0, 'no 500');
    t.deepEqual(
      cluster.logs.filter((l) => /failed/u.test(l)),
      [],
      'no handler or request failed',
    );
    for (const base of [cluster.master.url, `http://${agent.address.slice('agent@'.length)}`]) {
      t.is((await send(`${base}/health`, { method: 'GET' })).status, 200);
    }
    const prober = new OnAgent(agent.agent.agentId as string, [{ id: 'after-fuzz', command: 'true' }]);
    const driver = liveSchedulerDriver(
      prober,
      { user: 'tester', name: 'after' },
      { masterUrl: cluster.master.url },
    );
    try {
      driver.driver.start();
      await eventually(() => prober.state('after-fuzz') === 'TASK_FINISHED', 30_000, 'the task to finish');
    } finally {
      driver.driver.stop();
      await driver.close();
    }
    t.is(
      cluster.master.master.agentAddress(agent.agent.agentId as string),
      agent.address,
      'the real agent is still registered',
    );
  } finally {
    sub.close();
    for (const pool of Object.values(pools)) pool.destroy();
    await cluster.close();
  }
});
