/**
 * Issue 13 items 1 and 2 on a live cluster on loopback, each attack as the issue tried it: the
 * request, the answer now (401 or 403), and that nothing changed. The cluster authenticates its
 * agents (`--authenticate-agents`) and the attacker holds the agents' shared credential, which
 * is the strongest position the issue gives it; without the credential every request below is a
 * 401 before anything else.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { parseResources } from '../../../src/core/resource-text.js';
import { AgentServer } from '../../../src/runtime/live/agent-server.js';
import { basicAuthorization } from '../../../src/runtime/live/http-basic.js';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { eventually, liveCluster } from './harness.js';
import { type Answer, send } from './http-client.js';
import { Prober } from './prober.js';

const AGENT = { principal: 'agent', secret: 'agent-secret' };
const FW = { principal: 'fw', secret: 'fw-secret' };
const MADE_UP_TOKEN = 'x'.repeat(43);

/** Posts a master–agent message to `base` as `from`, with `headers` (credentials, a token). */
function post(
  base: string,
  from: string,
  message: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return send(`${base}/agora/v1/message`, {
    headers: { 'Content-Type': 'application/json', 'Agora-From': from, ...headers },
    body: JSON.stringify(message),
  });
}

const asAgent = { Authorization: basicAuthorization(AGENT) };

/** A cluster of one agent, authenticating agents, with a framework running `sleep 60` as `victim`. */
async function clusterWithVictim(acls?: Parameters<typeof liveCluster>[2]) {
  const cluster = await liveCluster(1, 'cpus:2;mem:512', {
    master: { security: { credentials: [AGENT, FW], authenticateAgents: true } },
    agent: { credential: AGENT },
    ...acls,
  });
  const prober = new Prober([{ id: 'victim', command: 'sleep 60' }]);
  const scheduler = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'victim' },
    { masterUrl: cluster.master.url },
  );
  scheduler.driver.start();
  await eventually(() => prober.state('victim') === 'TASK_RUNNING', 15_000, 'the victim task to run');
  const agent = cluster.agents[0] as AgentServer;
  const frameworkId = prober.frameworkId as string;
  const agentId = agent.agent.agentId as string;
  const agentUrl = `http://${agent.address.slice('agent@'.length)}`;
  const victimRunning = () => {
    const fw = cluster.master.master.state().frameworks[0];
    return fw?.tasks.find((task) => task.id === 'victim')?.state === 'TASK_RUNNING';
  };
  return {
    cluster,
    prober,
    agent,
    agentUrl,
    frameworkId,
    agentId,
    victimRunning,
    /**
     * A round trip through the master (an implicit reconciliation): once it is back, the master
     * has handled whatever reached it before. (A refused message reaches no process at all.)
     */
    async settled() {
      const before = prober.events.length;
      scheduler.driver.reconcileTasks([]);
      await eventually(
        () => prober.events.slice(before).includes('victim TASK_RUNNING REASON_RECONCILIATION'),
        10_000,
        'a reconciliation round trip',
      );
    },
    async close() {
      scheduler.driver.stop();
      await scheduler.close();
      await cluster.close();
    },
  };
}

test('item 1: RUN_TASK and KILL_TASK posted to an agent without its master’s token are 401/403 and run or kill nothing', async (t) => {
  const c = await clusterWithVictim();
  const marker = join(mkdtempSync(join(tmpdir(), 'agora-attack-')), 'pwned');
  try {
    const runTask = {
      type: 'RUN_TASK',
      framework: { user: 'root', name: 'evil', id: { value: c.frameworkId } },
      task: {
        name: 'pwn',
        task_id: { value: 'pwn' },
        agent_id: { value: c.agentId },
        resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }],
        command: { value: `id > ${marker}` },
      },
    };
    const kill = { type: 'KILL_TASK', framework_id: { value: c.frameworkId }, task_id: { value: 'victim' } };
    const cases: [string, Promise<Answer>, number, RegExp][] = [
      [
        'RUN_TASK as the master, no token',
        post(c.agentUrl, 'master', runTask),
        401,
        /^Missing or malformed 'Agora-Agent-Token'/u,
      ],
      [
        'RUN_TASK as the master, a made-up token',
        post(c.agentUrl, 'master', runTask, { 'Agora-Agent-Token': MADE_UP_TOKEN }),
        403,
        /^The token does not match/u,
      ],
      [
        'RUN_TASK with the agent credential',
        post(c.agentUrl, 'master', runTask, asAgent),
        401,
        /Agora-Agent-Token/u,
      ],
      [
        'RUN_TASK from another sender',
        post(c.agentUrl, 'agent@127.0.0.1:1', runTask),
        403,
        /from its master only/u,
      ],
      ['KILL_TASK as the master, no token', post(c.agentUrl, 'master', kill), 401, /Agora-Agent-Token/u],
      [
        'KILL_TASK as the master, a made-up token',
        post(c.agentUrl, 'master', kill, { 'Agora-Agent-Token': MADE_UP_TOKEN }),
        403,
        /token does not match/u,
      ],
    ];
    for (const [what, answer, status, text] of cases) {
      const a = await answer;
      t.is(a.status, status, `${what}: ${a.text}`);
      t.regex(a.text, text, what);
    }
    await c.settled();
    t.false(existsSync(marker), 'the command did not run');
    t.deepEqual(
      c.agent.agent
        .state()
        .frameworks.flatMap((f) => f.executors.flatMap((e) => e.tasks.map((task) => task.id))),
      ['victim'],
      'the agent runs the victim and nothing else',
    );
    t.true(c.victimRunning(), 'the victim still runs');
  } finally {
    await c.close();
  }
});

test('item 2: STATUS_UPDATE, UNREGISTER_AGENT and (RE)REGISTER_AGENT for another agent are 401/403, even with the agents’ credential; nothing is freed', async (t) => {
  const c = await clusterWithVictim();
  try {
    const finished = (agentId: string) => ({
      type: 'STATUS_UPDATE',
      update: {
        framework_id: { value: c.frameworkId },
        agent_id: { value: agentId },
        status: { task_id: { value: 'victim' }, state: 'TASK_FINISHED', source: 'SOURCE_EXECUTOR' },
        timestamp: Date.now() / 1000,
        uuid: 'AAECAwQFBgcICQoLDA0ODw==',
      },
    });
    const unregister = { type: 'UNREGISTER_AGENT', agent_id: { value: c.agentId } };
    const used = () => JSON.stringify(c.cluster.master.master.state().slaves[0]?.used_resources);
    const usedBefore = used();

    // A rogue agent the attacker registered from its own address (proven, with its own token).
    const rogue = `agent@127.0.0.1:${c.agent.port + 1}`;
    const rogueToken = { ...asAgent, 'Agora-Agent-Token': MADE_UP_TOKEN };
    const registered = await post(
      c.cluster.master.url,
      rogue,
      { type: 'REGISTER_AGENT', agent: { hostname: '127.0.0.1', resources: [] } },
      rogueToken,
    );
    t.is(registered.status, 202, 'a credential holder may register an agent of its own, at its own address');

    const cases: [string, Promise<Answer>, number, RegExp][] = [
      [
        'STATUS_UPDATE as the victim’s agent, no token',
        post(c.cluster.master.url, c.agent.address, finished(c.agentId), asAgent),
        401,
        /Agora-Agent-Token/u,
      ],
      [
        'STATUS_UPDATE as the victim’s agent, a made-up token',
        post(c.cluster.master.url, c.agent.address, finished(c.agentId), rogueToken),
        403,
        /has not registered with this master from here with this token/u,
      ],
      [
        'STATUS_UPDATE about the victim’s agent from the rogue agent',
        post(c.cluster.master.url, rogue, finished(c.agentId), rogueToken),
        403,
        new RegExp(
          `^Agent ${c.agentId} is registered from ${c.agent.address}: ${rogue} may speak only for itself$`,
          'u',
        ),
      ],
      [
        'UNREGISTER_AGENT as the victim’s agent, a made-up token',
        post(c.cluster.master.url, c.agent.address, unregister, rogueToken),
        403,
        /has not registered/u,
      ],
      [
        'UNREGISTER_AGENT of the victim’s agent from the rogue agent',
        post(c.cluster.master.url, rogue, unregister, rogueToken),
        403,
        /may speak only for itself/u,
      ],
      [
        'REREGISTER_AGENT as the victim’s agent from the rogue agent',
        post(
          c.cluster.master.url,
          rogue,
          { type: 'REREGISTER_AGENT', agent: { hostname: '127.0.0.1', id: { value: c.agentId } } },
          rogueToken,
        ),
        403,
        /may speak only for itself/u,
      ],
      [
        'REGISTER_AGENT at the victim’s address by another principal',
        post(
          c.cluster.master.url,
          c.agent.address,
          { type: 'REGISTER_AGENT', agent: { hostname: '127.0.0.1', resources: [] } },
          { Authorization: basicAuthorization(FW), 'Agora-Agent-Token': MADE_UP_TOKEN },
        ),
        403,
        new RegExp(
          `^The agent at ${c.agent.address} was registered by principal 'agent': only it may register there again$`,
          'u',
        ),
      ],
      [
        'a message without credentials',
        post(c.cluster.master.url, c.agent.address, unregister),
        401,
        /^Missing 'Authorization' header/u,
      ],
    ];
    for (const [what, answer, status, text] of cases) {
      const a = await answer;
      t.is(a.status, status, `${what}: ${a.text}`);
      t.regex(a.text, text, what);
    }
    await c.settled();
    t.true(c.victimRunning(), 'the victim is still running on the master');
    t.is(used(), usedBefore, 'its resources are still in use');
    t.is(
      c.cluster.master.master.agentAddress(c.agentId),
      c.agent.address,
      'the victim’s agent is still registered',
    );
    t.false(
      c.prober.events.some((e) => e.startsWith('victim TASK_FINISHED')),
      'the framework heard nothing',
    );
  } finally {
    await c.close();
  }
});

test('item 2: REGISTER_AGENT of a rogue agent with 1,000 cpus is refused at another host’s address and where register_agents forbids it', async (t) => {
  const c = await clusterWithVictim({
    master: {
      security: {
        credentials: [AGENT, FW],
        authenticateAgents: true,
        acls: {
          permissive: true,
          registerFrameworks: [],
          registerAgents: [
            {
              principals: { type: 'SOME', values: ['agent'] },
              agents: { type: 'SOME', values: ['127.0.0.1'] },
            },
            { principals: { type: 'ANY' }, agents: { type: 'NONE' } },
          ],
        },
      },
    },
    agent: { credential: AGENT },
  });
  try {
    const thousandCpus = {
      type: 'REGISTER_AGENT',
      agent: { hostname: 'rogue', resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1000 } }] },
    };
    const token = { 'Agora-Agent-Token': MADE_UP_TOKEN };
    const cases: [string, Promise<Answer>, number, RegExp][] = [
      [
        'at another host’s address',
        post(c.cluster.master.url, 'agent@10.6.6.6:5051', thousandCpus, { ...asAgent, ...token }),
        403,
        /^This request comes from (::ffff:)?127\.0\.0\.1, not from 10\.6\.6\.6: an agent registers from its own host$/u,
      ],
      [
        'with a framework’s credential (register_agents)',
        post(c.cluster.master.url, 'agent@127.0.0.1:1', thousandCpus, {
          Authorization: basicAuthorization(FW),
          ...token,
        }),
        403,
        /^Not authorized to register an agent at 127\.0\.0\.1: the ACLs \(register_agents\) do not allow it to principal 'fw'$/u,
      ],
    ];
    for (const [what, answer, status, text] of cases) {
      const a = await answer;
      t.is(a.status, status, `${what}: ${a.text}`);
      t.regex(a.text, text, what);
    }
    // At 127.0.0.2, from 127.0.0.2 (a real second loopback address): the source is right, but
    // the ACLs let 'agent' register at 127.0.0.1 only.
    const fromOtherHost = await new Promise<Answer>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request(`${c.cluster.master.url}/agora/v1/message`, {
          method: 'POST',
          localAddress: '127.0.0.2',
          headers: {
            'Content-Type': 'application/json',
            'Agora-From': 'agent@127.0.0.2:5051',
            ...asAgent,
            ...token,
          },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (d: Buffer) => {
            text += d.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        });
        req.on('error', reject);
        req.end(JSON.stringify(thousandCpus));
      }, reject);
    });
    t.is(fromOtherHost.status, 403, fromOtherHost.text);
    t.regex(fromOtherHost.text, /^Not authorized to register an agent at 127\.0\.0\.2/u);
    await c.settled();
    const slaves = c.cluster.master.master.state().slaves;
    t.deepEqual(
      slaves.map((s) => s.resources.cpus),
      [2],
      'only the real agent is registered; no 1,000 cpus were offered',
    );
  } finally {
    await c.close();
  }
});

test('a restarted agent (a new token) takes its address back; an agent sending from a second loopback address registers', async (t) => {
  const cluster = await liveCluster(1);
  const extra: AgentServer[] = [];
  try {
    const first = cluster.agents[0] as AgentServer;
    const port = first.port;
    await first.close();
    const resources = parseResources('cpus:1;mem:128');
    if (!resources.ok) return t.fail();
    const workDir = mkdtempSync(join(tmpdir(), 'agora-restart-'));
    extra.push(
      await AgentServer.start({ masterUrl: cluster.master.url, resources: resources.value, workDir, port }),
    );
    extra.push(
      await AgentServer.start({
        masterUrl: cluster.master.url,
        resources: resources.value,
        workDir: join(workDir, 'second'),
        host: '127.0.0.2',
        port: 0,
      }),
    );
    await eventually(
      () => extra.every((a) => a.agent.agentId !== undefined),
      10_000,
      'both agents to hear they are registered (the master’s messages carry their new tokens)',
    );
    t.true(cluster.master.master.state().slaves.some((s) => s.pid === `agent@127.0.0.2:${extra[1]?.port}`));
  } finally {
    await Promise.all(extra.map((a) => a.close()));
    await cluster.close();
  }
});
