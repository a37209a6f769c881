/**
 * RESERVE and CREATE through the real HTTP scheduler API on loopback, against a live master and
 * agent: UPDATE_OPERATION_STATUS on the event stream, ACKNOWLEDGE_OPERATION_STATUS answered 202,
 * the agent's checkpoint on disk holding the volume, and the volume offered back with its DiskInfo.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { eventually, liveCluster } from './harness.js';
import { call, send, subscribe } from './http-client.js';

interface JsonOffer {
  id: { value: string };
  agent_id: { value: string };
  resources: {
    name: string;
    scalar?: { value: number };
    role?: string;
    reservations?: unknown[];
    disk?: { persistence?: { id: string } };
  }[];
}

const DISK = {
  name: 'disk',
  type: 'SCALAR',
  scalar: { value: 40 },
  reservations: [{ type: 'DYNAMIC', role: 'eng', principal: 'ops' }],
};
const VOLUME = {
  ...DISK,
  disk: { persistence: { id: 'db', principal: 'ops' }, volume: { container_path: 'data', mode: 'RW' } },
};

test('RESERVE and CREATE over HTTP: statuses on the stream, acknowledged, checkpointed by the agent, offered back, used by a task', async (t) => {
  const cluster = await liveCluster(1, 'cpus:1;mem:256;disk:100');
  try {
    const sub = await subscribe(cluster.master.url, {
      user: 'tester',
      name: 'reserver',
      role: 'eng',
      principal: 'ops',
    });
    t.is(sub.status, 200);
    const stream = { 'Mesos-Stream-Id': String(sub.headers['mesos-stream-id']) };
    const ofType = (type: string) => sub.events.filter((e) => e.type === type);
    await eventually(() => ofType('OFFERS').length > 0, 10_000, 'an offer');
    const frameworkId = (ofType('SUBSCRIBED')[0] as { subscribed: { framework_id: { value: string } } })
      .subscribed.framework_id;
    const offer = (ofType('OFFERS')[0] as { offers: { offers: JsonOffer[] } }).offers.offers[0] as JsonOffer;
    const accept = (offerId: unknown, operations: unknown[]) =>
      call(
        cluster.master.url,
        {
          type: 'ACCEPT',
          framework_id: frameworkId,
          accept: { offer_ids: [offerId], operations, filters: { refuse_seconds: 0 } },
        },
        stream,
      );
    const accepted = await accept(offer.id, [
      { type: 'RESERVE', id: { value: 'reserve-1' }, reserve: { resources: [DISK] } },
      { type: 'CREATE', id: { value: 'create-1' }, create: { volumes: [VOLUME] } },
    ]);
    t.is(accepted.status, 202, accepted.text);
    await eventually(() => ofType('UPDATE_OPERATION_STATUS').length === 2, 10_000, 'two operation statuses');
    const statuses = ofType('UPDATE_OPERATION_STATUS').map(
      (e) =>
        (
          e as {
            update_operation_status: {
              status: { operation_id: { value: string }; state: string; uuid: { value: string } };
            };
          }
        ).update_operation_status.status,
    );
    t.deepEqual(
      statuses.map((s) => [s.operation_id.value, s.state]),
      [
        ['reserve-1', 'OPERATION_FINISHED'],
        ['create-1', 'OPERATION_FINISHED'],
      ],
    );
    for (const s of statuses) {
      const ack = await call(
        cluster.master.url,
        {
          type: 'ACKNOWLEDGE_OPERATION_STATUS',
          framework_id: frameworkId,
          acknowledge_operation_status: {
            agent_id: offer.agent_id,
            uuid: s.uuid.value,
            operation_id: s.operation_id,
          },
        },
        stream,
      );
      t.is(ack.status, 202, ack.text);
    }
    // The agent's checkpoint on disk holds the volume.
    const checkpoint = join(cluster.workDir, 'agent-0', 'meta', 'agent.json');
    await eventually(
      () => existsSync(checkpoint) && readFileSync(checkpoint, 'utf8').includes('"persistence":{"id":"db"'),
      10_000,
      'the agent to checkpoint the volume',
    );
    t.deepEqual(cluster.master.master.state().slaves[0]?.reserved_resources, { eng: { disk: 40 } });
    // Offered back to the role, with its DiskInfo; a task writes into it, and the data lands in
    // the agent's volume directory, outside the task's sandbox.
    const withVolume = () =>
      ofType('OFFERS')
        .flatMap((e) => (e as { offers: { offers: JsonOffer[] } }).offers.offers)
        .find((o) => o.resources.some((r) => r.disk?.persistence?.id === 'db'));
    await eventually(() => withVolume() !== undefined, 10_000, 'an offer of the volume');
    const again = withVolume() as JsonOffer;
    const launched = await accept(again.id, [
      {
        type: 'LAUNCH',
        launch: {
          task_infos: [
            {
              name: 'writer',
              task_id: { value: 'writer' },
              agent_id: again.agent_id,
              resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }, VOLUME],
              command: { value: 'echo kept > data/hello' },
            },
          ],
        },
      },
    ]);
    t.is(launched.status, 202, launched.text);
    // The statuses received, a resent one (same uuid, not acknowledged in time) counted once.
    const states = () => [
      ...new Map(
        ofType('UPDATE').map((e) => {
          const status = (e as { update: { status: { state: string; uuid?: string } } }).update.status;
          return [status.uuid ?? status.state, status] as const;
        }),
      ).values(),
    ];
    // Each update is acknowledged, as a scheduler must before the agent sends the next one.
    const acked = new Set<string>();
    const acknowledge = async () => {
      for (const e of ofType('UPDATE')) {
        const status = (e as { update: { status: { uuid?: string; task_id: unknown; agent_id: unknown } } })
          .update.status;
        if (status.uuid === undefined || acked.has(status.uuid)) continue;
        acked.add(status.uuid);
        const body = { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid };
        await call(
          cluster.master.url,
          { type: 'ACKNOWLEDGE', framework_id: frameworkId, acknowledge: body },
          stream,
        );
      }
    };
    await eventually(
      async () => {
        await acknowledge();
        return states().some((s) => s.state === 'TASK_FINISHED' || s.state === 'TASK_FAILED');
      },
      20_000,
      () => `the writer to end: ${JSON.stringify(states())} ${cluster.logs.slice(-5).join(' | ')}`,
    );
    t.deepEqual(
      states().map((s) => s.state),
      ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED'],
      JSON.stringify(states()),
    );
    const kept = join(cluster.workDir, 'agent-0', 'volumes', 'roles', 'eng', 'db', 'hello');
    t.is(readFileSync(kept, 'utf8'), 'kept\n');
    sub.close();
  } finally {
    await cluster.close();
    rmSync(cluster.workDir, { recursive: true, force: true });
  }
});

test('operator RESERVE_RESOURCES and UNRESERVE_RESOURCES over /api/v1: 202 once in the registry, offered to the role, undone; Mesos’s 400 and 409', async (t) => {
  const cluster = await liveCluster(1, 'cpus:2;mem:256;disk:100');
  try {
    const operator = (body: unknown) =>
      send(`${cluster.master.url}/api/v1`, {
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      });
    await eventually(() => (cluster.master.master.state().slaves?.length ?? 0) === 1, 10_000, 'the agent');
    const agentId = { value: cluster.master.master.state().slaves?.[0]?.id ?? '' };
    const cpus = (value: number) => ({
      name: 'cpus',
      type: 'SCALAR',
      scalar: { value },
      reservations: [{ type: 'DYNAMIC', role: 'eng', principal: 'ops' }],
    });
    const reserved = await operator({
      type: 'RESERVE_RESOURCES',
      reserve_resources: { agent_id: agentId, resources: [cpus(1)] },
    });
    t.is(reserved.status, 202, reserved.text);
    // Answered only once the registry holds it (reservations.ts), so the master shows it at once.
    t.deepEqual(cluster.master.master.state().slaves?.[0]?.reserved_resources, { eng: { cpus: 1 } });

    const unknown = await operator({
      type: 'RESERVE_RESOURCES',
      reserve_resources: { agent_id: { value: 'no-such-agent' }, resources: [cpus(1)] },
    });
    t.is(unknown.status, 400, unknown.text);
    const tooMuch = await operator({
      type: 'RESERVE_RESOURCES',
      reserve_resources: { agent_id: agentId, resources: [cpus(5)] },
    });
    t.is(tooMuch.status, 409, tooMuch.text);
    const noResources = await operator({
      type: 'RESERVE_RESOURCES',
      reserve_resources: { agent_id: agentId },
    });
    t.is(noResources.status, 400, noResources.text);

    // A framework in the role is offered the reserved cpus with their reservation.
    const sub = await subscribe(cluster.master.url, { user: 'tester', name: 'eng-fw', role: 'eng' });
    t.is(sub.status, 200);
    const offers = () =>
      sub.events
        .filter((e) => e.type === 'OFFERS')
        .flatMap((e) => (e as { offers: { offers: JsonOffer[] } }).offers.offers);
    await eventually(() => offers().length > 0, 10_000, 'an offer to the role');
    const reservedCpus = (offers()[0] as JsonOffer).resources.filter(
      (r) => r.name === 'cpus' && (r.reservations?.length ?? 0) > 0,
    );
    t.is(reservedCpus.length, 1);
    t.is(reservedCpus[0]?.scalar?.value, 1);

    const unreserved = await operator({
      type: 'UNRESERVE_RESOURCES',
      unreserve_resources: { agent_id: agentId, resources: [cpus(1)] },
    });
    t.is(unreserved.status, 202, unreserved.text);
    t.deepEqual(cluster.master.master.state().slaves?.[0]?.reserved_resources, {});
  } finally {
    await cluster.close();
  }
});
