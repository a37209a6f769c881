/**
 * Every event a live Agora master sends a v1 HTTP scheduler carries the fields Mesos's master
 * sets (mesos-event-fields.ts, written from Mesos's protos and master code). A real master and
 * agent on loopback, a scheduler over raw HTTP that makes the master send each kind of event it
 * sends: SUBSCRIBED, HEARTBEAT, OFFERS, UPDATE from the executor, the agent and the master,
 * RESCIND, FAILURE and ERROR. Each event is decoded with Agora's own decoder and checked
 * against the list; a planted case shows the checker catches a missing field.
 */
import test from 'ava';
import { decodeEvent } from '../../src/core/messages/scheduler-event.js';
import { formatResources } from '../../src/core/resource-text.js';
import { eventually, liveCluster } from '../runtime/live/harness.js';
import { call, type Subscription, subscribe } from '../runtime/live/http-client.js';
import {
  AGORA_EXEMPTIONS,
  type EventContext,
  MESOS_EVENT_FIELDS,
  missingFields,
} from './mesos-event-fields.js';

type Json = Record<string, unknown>;

const CONTEXT: EventContext = { masterHasDomain: true, agentsHaveAttributes: true, agentsHaveDomain: true };
const DOMAIN = { fault_domain: { region: { name: 'eu' }, zone: { name: 'eu-1' } } };

/** A SUBSCRIBED as Mesos's master sends it. */
const SUBSCRIBED: Json = {
  type: 'SUBSCRIBED',
  subscribed: {
    framework_id: { value: 'f-0000' },
    heartbeat_interval_seconds: 15,
    master_info: {
      id: 'm',
      ip: 16777343,
      port: 5050,
      pid: 'master@127.0.0.1:5050',
      hostname: 'localhost',
      version: '1.11.0',
      address: { hostname: 'localhost', ip: '127.0.0.1', port: 5050 },
      domain: DOMAIN,
    },
  },
};

test('planted: the checker passes a complete event and names each missing field', (t) => {
  t.deepEqual(missingFields(SUBSCRIBED, CONTEXT), []);
  const info = (SUBSCRIBED.subscribed as Json).master_info as Json;
  const noIp = {
    ...SUBSCRIBED,
    subscribed: {
      ...(SUBSCRIBED.subscribed as Json),
      master_info: { ...info, address: { hostname: 'localhost', port: 5050 } },
    },
  };
  t.deepEqual(missingFields(noIp, CONTEXT), ['subscribed.master_info.address.ip']);
  const offer = {
    id: { value: 'o' },
    framework_id: { value: 'f' },
    agent_id: { value: 'a' },
    hostname: 'h',
    url: { scheme: 'http', address: { hostname: 'h', ip: '10.0.0.1', port: 5051 }, path: '/slave(1)' },
    resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, allocation_info: { role: '*' } }],
    attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }],
    allocation_info: { role: '*' },
    domain: DOMAIN,
  };
  t.deepEqual(missingFields({ type: 'OFFERS', offers: { offers: [offer] } }, CONTEXT), []);
  // What the npm client mesos-framework tripped on: an offer without its url.
  const { url: _url, ...withoutUrl } = offer;
  t.deepEqual(missingFields({ type: 'OFFERS', offers: { offers: [offer, withoutUrl] } }, CONTEXT), [
    'offers.offers[1].url.scheme',
    'offers.offers[1].url.address.hostname',
    'offers.offers[1].url.address.ip',
    'offers.offers[1].url.address.port',
    'offers.offers[1].url.path',
  ]);
  const running = {
    type: 'UPDATE',
    update: {
      status: {
        task_id: { value: 't' },
        state: 'TASK_RUNNING',
        source: 'SOURCE_EXECUTOR',
        agent_id: { value: 'a' },
        executor_id: { value: 't' },
        timestamp: 1,
        uuid: 'AAAAAAAAAAAAAAAAAAAAAA==',
      },
    },
  };
  t.deepEqual(missingFields(running, CONTEXT), [
    'update.status.container_status.container_id.value',
    'update.status.container_status.network_infos[]',
  ]);
  t.deepEqual(missingFields({ type: 'FLY' }, CONTEXT), ['type: FLY is not an event Mesos sends']);
});

test('every event of a live run carries every field Mesos sets', async (t) => {
  const cluster = await liveCluster(1, 'cpus:4;mem:1024;disk:1024', {
    master: { master: { allocationIntervalMs: 100, offerTimeoutMs: 1500, domain: DOMAIN } },
    agent: { agent: { attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }], domain: DOMAIN } },
  });
  const streams: Subscription[] = [];
  try {
    const url = cluster.master.url;
    const first = await subscribe(url, { user: 'tester', name: 'fields', failover_timeout: 60 });
    streams.push(first);
    await first.waitFor(1);
    const frameworkId = ((first.events[0] as Json).subscribed as { framework_id: { value: string } })
      .framework_id.value;
    const framework_id = { value: frameworkId };
    const headers = { 'Mesos-Stream-Id': String(first.headers['mesos-stream-id']) };
    const post = (body: Json) => call(url, { framework_id, ...body }, headers);
    const firstOf = (type: string, from = 0) =>
      first.events.slice(from).find((e) => e.type === type) as Json | undefined;

    await eventually(() => firstOf('OFFERS') !== undefined, 10_000, 'an offer');
    const offer = ((firstOf('OFFERS') as Json).offers as { offers: Json[] }).offers[0] as Json;
    const agent_id = offer.agent_id;
    const scalar = (name: string, value: number) => ({ name, type: 'SCALAR', scalar: { value } });
    const accepted = await post({
      type: 'ACCEPT',
      accept: {
        offer_ids: [offer.id],
        operations: [
          {
            type: 'LAUNCH',
            launch: {
              task_infos: [
                {
                  name: 'cmd',
                  task_id: { value: 'cmd' },
                  agent_id,
                  resources: [scalar('cpus', 0.5), scalar('mem', 32)],
                  command: { value: 'sleep 0.2' },
                },
              ],
            },
          },
          {
            type: 'LAUNCH_GROUP',
            launch_group: {
              executor: {
                type: 'DEFAULT',
                executor_id: { value: 'group' },
                resources: [scalar('cpus', 0.1), scalar('mem', 32), scalar('disk', 32)],
              },
              task_group: {
                tasks: ['g1', 'g2'].map((id) => ({
                  name: id,
                  task_id: { value: id },
                  agent_id,
                  resources: [scalar('cpus', 0.5), scalar('mem', 32)],
                  command: { value: 'sleep 0.5' },
                })),
              },
            },
          },
        ],
        filters: { refuse_seconds: 0.1 },
      },
    });
    t.is(accepted.status, 202);
    // Acknowledge every update that asks for it, while the tasks run and end.
    const acknowledged = new Set<string>();
    const acknowledgeAll = async () => {
      for (const e of first.events) {
        const status = (e.update as { status?: Json } | undefined)?.status;
        const uuid = status?.uuid;
        if (typeof uuid !== 'string' || acknowledged.has(uuid)) continue;
        acknowledged.add(uuid);
        await post({
          type: 'ACKNOWLEDGE',
          acknowledge: { agent_id: status?.agent_id, task_id: status?.task_id, uuid },
        });
      }
    };
    const finished = (id: string) =>
      first.events.some((e) => {
        const status = (e.update as { status?: Json } | undefined)?.status;
        return (status?.task_id as Json | undefined)?.value === id && status?.state === 'TASK_FINISHED';
      });
    await eventually(
      async () => {
        await acknowledgeAll();
        return finished('cmd') && finished('g1') && finished('g2') && firstOf('FAILURE') !== undefined;
      },
      15_000,
      'the tasks to finish and the default executor to exit',
    );
    await acknowledgeAll();
    // The task group's executor exited with its tasks: the master holds none of its resources.
    await eventually(
      () => cluster.master.master.agentUsage().every((u) => formatResources(u.used) === ''),
      10_000,
      () =>
        `nothing used once every task ended (used: ${cluster.master.master.agentUsage().map((u) => formatResources(u.used))})`,
    );
    // A task this master never heard of: the master answers itself (SOURCE_MASTER).
    t.is(
      (await post({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 'nope' }, agent_id }] } }))
        .status,
      202,
    );
    // Offers left unanswered are rescinded after --offer_timeout.
    await eventually(
      () => firstOf('RESCIND') !== undefined && first.events.some((e) => isMasterUpdate(e)),
      15_000,
      'a RESCIND and a master-made UPDATE',
    );
    // A second subscription with the framework's id takes over: the first hears ERROR.
    const second = await subscribe(
      url,
      { user: 'tester', name: 'fields', failover_timeout: 60 },
      frameworkId,
    );
    streams.push(second);
    await second.waitFor(1);
    await eventually(() => firstOf('ERROR') !== undefined, 10_000, 'the ERROR of the failed-over stream');

    const events = [...first.events, ...second.events];
    const seen = new Set(events.map((e) => String(e.type)));
    for (const type of ['SUBSCRIBED', 'HEARTBEAT', 'OFFERS', 'UPDATE', 'RESCIND', 'FAILURE', 'ERROR']) {
      t.true(seen.has(type), `the run made the master send ${type}`);
    }
    const sources = new Set(events.map((e) => (e.update as { status?: Json } | undefined)?.status?.source));
    t.true(
      sources.has('SOURCE_EXECUTOR') && sources.has('SOURCE_MASTER'),
      'updates from executors and the master',
    );
    t.true(
      events.some((e) =>
        (e.offers as { offers?: Json[] } | undefined)?.offers?.some((o) => o.executor_ids !== undefined),
      ),
      'an offer made while the default executor ran lists it in executor_ids',
    );
    const problems: string[] = [];
    for (const [i, event] of events.entries()) {
      const decoded = decodeEvent(event);
      if (!decoded.ok)
        problems.push(`event ${i} (${String(event.type)}) does not decode: ${JSON.stringify(decoded.error)}`);
      for (const missing of missingFields(event, CONTEXT))
        problems.push(`event ${i} (${String(event.type)}): ${missing}`);
    }
    t.deepEqual(problems, []);
    const checked = Object.entries(MESOS_EVENT_FIELDS).filter(([type]) => seen.has(type));
    t.log(
      `${events.length} events checked against ${checked.reduce((n, [, rules]) => n + rules.length, 0)} field rules`,
    );
    for (const [path, why] of Object.entries(AGORA_EXEMPTIONS)) t.log(`not sent by Agora: ${path} — ${why}`);
    const master = ((first.events[0] as Json).subscribed as { master_info: Json }).master_info;
    t.is(master.ip, 16777343, 'MasterInfo.ip packs 127.0.0.1 as Mesos does');
  } finally {
    for (const s of streams) s.close();
    await cluster.close();
  }
});

function isMasterUpdate(e: Json): boolean {
  return (e.update as { status?: Json } | undefined)?.status?.source === 'SOURCE_MASTER';
}
