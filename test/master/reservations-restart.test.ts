/**
 * Reservations and volumes outlive restarts: the real agent keeps them in its checkpoint and
 * reports them when it reregisters; the master keeps them in its registry, written before the
 * agent and the framework are told, and rebuilds the agent's total from them after a failover.
 */
import test from 'ava';
import { Agent } from '../../src/agent/agent.js';
import type { Offer } from '../../src/core/messages/offer.js';
import type { ResourceJson } from '../../src/core/messages/resources-json.js';
import { resources } from '../../src/core/resource-text.js';
import type { Wire } from '../../src/core/wire.js';
import { SimCommandRunner } from '../../src/runtime/sim/sim-command-runner.js';
import { SimWorld } from '../../src/runtime/sim/world.js';
import { newMaster } from '../sim-world.js';
import { advance, FakeScheduler, MASTER, take } from './harness.js';

const RESERVED_DISK: ResourceJson = {
  name: 'disk',
  type: 'SCALAR',
  scalar: { value: 64 },
  reservations: [{ type: 'DYNAMIC', role: 'eng', principal: 'ops' }],
};
const VOLUME: ResourceJson = {
  ...RESERVED_DISK,
  disk: { persistence: { id: 'db', principal: 'ops' }, volume: { container_path: 'data', mode: 'RW' } },
};

function world(): SimWorld<Wire> {
  const w = new SimWorld<Wire>({
    seed: 7,
    disks: true,
    network: { latencyMsMin: 1, latencyMsMax: 1 },
    linkMessage: (exited) => ({ channel: 'link', exited }),
  });
  w.spawn(MASTER, () => newMaster());
  w.spawn(
    'agent-0',
    () =>
      new Agent({
        resources: resources('cpus:2;mem:1024;disk:100'),
        commandRunner: new SimCommandRunner(),
        hostname: 'agent-0',
      }),
  );
  w.spawn('scheduler-a', () => new FakeScheduler());
  return w;
}

/** Reserved disk and volume descriptions in the master's state and a fresh offer. */
function reservedDisk(w: SimWorld<Wire>): unknown {
  const master = w.instance(MASTER) as unknown as { state(): { slaves: { reserved_resources: unknown }[] } };
  return master.state().slaves[0]?.reserved_resources;
}

function volumesIn(offer: Offer | undefined): string[] {
  return (offer?.resources ?? []).flatMap((r) =>
    r.disk?.persistence === undefined ? [] : [r.disk.persistence.id],
  );
}

test('a volume survives an agent restart and a master failover, and is offered back to its role', (t) => {
  const w = world();
  const a = () => w.instance('scheduler-a') as FakeScheduler;
  a().subscribe({ role: 'eng', principal: 'ops' });
  advance(w, 2_000);
  const offer = take(a())[0] as Offer;
  a().call({
    type: 'ACCEPT',
    framework_id: a().fid,
    accept: {
      offer_ids: [offer.id],
      operations: [
        { type: 'RESERVE', id: { value: 'r' }, reserve: { resources: [RESERVED_DISK] } },
        { type: 'CREATE', id: { value: 'c' }, create: { volumes: [VOLUME] } },
      ],
      filters: { refuse_seconds: 0 },
    },
  });
  advance(w, 2_000);
  // Written by the master's registry before it said FINISHED, and by the agent's checkpoint.
  t.deepEqual(
    a()
      .ofType('UPDATE_OPERATION_STATUS')
      .map((e) => e.update_operation_status.status.state),
    ['OPERATION_FINISHED', 'OPERATION_FINISHED'],
  );
  const registry = JSON.parse(w.diskContents(MASTER).get('registry') as string) as {
    reservations: Record<string, ResourceJson[]>;
  };
  t.deepEqual(
    Object.values(registry.reservations).map((list) => list.map((r) => r.disk?.persistence?.id)),
    [['db']],
  );
  const checkpoint = JSON.parse(w.diskContents('agent-0').get('agent') as string) as {
    resources?: ResourceJson[];
  };
  t.deepEqual(
    checkpoint.resources?.map((r) => [r.name, r.scalar?.value, r.disk?.persistence?.id]),
    [['disk', 64, 'db']],
  );
  t.deepEqual(reservedDisk(w), { eng: { disk: 64 } });

  // The agent restarts: it reports the volume from its checkpoint when it reregisters.
  w.crash('agent-0');
  advance(w, 100);
  w.restart('agent-0');
  advance(w, 30_000);
  t.deepEqual(reservedDisk(w), { eng: { disk: 64 } });

  // The master fails over: its registry and the agent's report give the volume back.
  w.crash(MASTER);
  advance(w, 100);
  w.restart(MASTER);
  // (The agent notices when no ping comes for its ping timeout, 75 s by default.)
  advance(w, 120_000);
  t.deepEqual(reservedDisk(w), { eng: { disk: 64 } });
  w.spawn('scheduler-b', () => new FakeScheduler());
  const b = w.instance('scheduler-b') as FakeScheduler;
  b.subscribe({ role: 'eng', principal: 'ops' });
  advance(w, 5_000);
  const offers = take(b);
  t.deepEqual(offers.flatMap(volumesIn), ['db'], 'the volume is offered to eng with its DiskInfo');
});
