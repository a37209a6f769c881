/**
 * RESERVE, UNRESERVE, CREATE and DESTROY through ACCEPT, and the operator API's reservation
 * function: Mesos's validation messages, operations applied in order, the agent told to
 * checkpoint, UPDATE_OPERATION_STATUS for operations with an id, reserved resources offered back
 * only to their role, and volumes usable by tasks.
 */
import test from 'ava';
import type { Offer, OfferOperation } from '../../src/core/messages/offer.js';
import type { OperationStatus } from '../../src/core/messages/operation-status.js';
import type { ResourceJson } from '../../src/core/messages/resources-json.js';
import { advance, type Cluster, cluster, type FakeScheduler, take } from './harness.js';

const PRINCIPAL = 'ops';

/** A cluster with one agent, scheduler `a` in role `eng` (principal `ops`) holding its first offer. */
function withOffer(agentResources = 'cpus:4;mem:4096;disk:1000'): {
  c: Cluster;
  a: FakeScheduler;
  offer: Offer;
} {
  const c = cluster({ agents: [{ resources: agentResources }], schedulers: ['a', 'b'] });
  const a = c.scheduler('a');
  a.subscribe({ role: 'eng', principal: PRINCIPAL });
  advance(c.world, 10);
  const offer = take(a)[0];
  if (offer === undefined) throw new Error('no offer');
  return { c, a, offer };
}

/** A scalar dynamically reserved for `role` by `principal` (the post-refinement format). */
function reserved(
  name: string,
  amount: number,
  role = 'eng',
  principal: string | null = PRINCIPAL,
): ResourceJson {
  return {
    name,
    type: 'SCALAR',
    scalar: { value: amount },
    reservations: [{ type: 'DYNAMIC', role, ...(principal === null ? {} : { principal }) }],
  };
}

/** A persistent volume `id` of `amount` disk reserved for `eng`. */
function volume(id: string, amount: number, principal: string | undefined = PRINCIPAL): ResourceJson {
  return {
    ...reserved('disk', amount),
    disk: {
      persistence: { id, ...(principal === undefined ? {} : { principal }) },
      volume: { container_path: 'data', mode: 'RW' },
    },
  };
}

function accept(
  s: FakeScheduler,
  offer: Offer,
  operations: readonly OfferOperation[],
  refuseSeconds = 0,
): void {
  s.call({
    type: 'ACCEPT',
    framework_id: s.fid,
    accept: { offer_ids: [offer.id], operations, filters: { refuse_seconds: refuseSeconds } },
  });
}

function operationStatuses(s: FakeScheduler): OperationStatus[] {
  return s.ofType('UPDATE_OPERATION_STATUS').map((e) => e.update_operation_status.status);
}

/** Names, amounts and reservation roles of offered resources, reserved ones marked. */
function offered(offer: Offer | undefined): string[] {
  return (offer?.resources ?? []).map((r) => {
    const top = r.reservations?.at(-1);
    const vol = r.disk?.persistence?.id;
    return `${r.name}${top === undefined ? '' : `(${top.role},${top.principal ?? ''})`}${vol === undefined ? '' : `[${vol}]`}:${r.scalar?.value ?? 'r'}`;
  });
}

test('RESERVE: the agent checkpoints it, the master counts it reserved, and it is offered back to the role only', (t) => {
  const { c, a, offer } = withOffer();
  accept(a, offer, [
    {
      type: 'RESERVE',
      id: { value: 'r1' },
      reserve: { resources: [reserved('cpus', 2), reserved('mem', 512)] },
    },
  ]);
  advance(c.world, 10);
  const checkpoints = c.agent(0).ofType('CHECKPOINT_RESOURCES');
  t.is(checkpoints.length, 1);
  t.deepEqual(
    checkpoints[0]?.resources?.map((r) => [r.name, r.scalar?.value, r.role, r.reservation?.principal]),
    [
      ['cpus', 2, 'eng', PRINCIPAL],
      ['mem', 512, 'eng', PRINCIPAL],
    ],
  );
  const [status] = operationStatuses(a);
  t.is(status?.state, 'OPERATION_FINISHED');
  t.is(status?.operation_id?.value, 'r1');
  t.is(status?.agent_id?.value, offer.agent_id.value);
  t.truthy(status?.uuid?.value);
  t.deepEqual(
    status?.converted_resources?.map((r) => [r.name, r.role, r.allocation_info?.role]),
    [
      ['cpus', 'eng', 'eng'],
      ['mem', 'eng', 'eng'],
    ],
  );
  const slave = c.master().state().slaves[0];
  t.deepEqual(slave?.reserved_resources, { eng: { cpus: 2, mem: 512 } });
  // The unused remainder and the reservation come back to `a` (filter 0).
  advance(c.world, 2_000);
  const back = take(a)[0] as Offer;
  t.deepEqual(offered(back), ['cpus:2', 'cpus(eng,ops):2', 'mem:3584', 'mem(eng,ops):512', 'disk:1000']);
  // A framework of another role is offered the unreserved resources only.
  a.call({ type: 'SUPPRESS', framework_id: a.fid });
  a.decline([back.id.value], 3600);
  const b = c.scheduler('b');
  b.subscribe({ role: 'web' });
  advance(c.world, 10_000);
  const forB = take(b);
  t.true(forB.length > 0);
  for (const o of forB)
    t.false(
      offered(o).some((r) => r.includes('(eng')),
      `web is never offered eng's: ${offered(o)}`,
    );
  // The acknowledgement is taken.
  a.call({
    type: 'ACKNOWLEDGE_OPERATION_STATUS',
    framework_id: a.fid,
    acknowledge_operation_status: {
      agent_id: offer.agent_id,
      uuid: status?.uuid?.value as string,
      operation_id: { value: 'r1' },
    },
  });
  advance(c.world, 10);
  const acked = c.world
    .traceLines()
    .map((l) => JSON.parse(l) as { kind: string; operation?: string })
    .filter((r) => r.kind === 'master.operation-acknowledged');
  t.deepEqual(
    acked.map((r) => r.operation),
    ['r1'],
  );
});

test('operations apply in order: RESERVE, CREATE, then LAUNCH of a task using the new volume', (t) => {
  const { c, a, offer } = withOffer();
  const agentId = offer.agent_id;
  accept(a, offer, [
    {
      type: 'RESERVE',
      id: { value: 'r' },
      reserve: { resources: [reserved('disk', 100), reserved('cpus', 1), reserved('mem', 128)] },
    },
    { type: 'CREATE', id: { value: 'c' }, create: { volumes: [volume('db', 100)] } },
    {
      type: 'LAUNCH',
      launch: {
        task_infos: [
          {
            name: 'db',
            task_id: { value: 'db' },
            agent_id: agentId,
            resources: [reserved('cpus', 1), reserved('mem', 128), volume('db', 100)],
            command: { value: 'sleep 100' },
          },
        ],
      },
    },
  ]);
  advance(c.world, 10);
  t.deepEqual(
    operationStatuses(a).map((s) => [s.operation_id?.value, s.state]),
    [
      ['r', 'OPERATION_FINISHED'],
      ['c', 'OPERATION_FINISHED'],
    ],
  );
  const run = c.agent(0).ofType('RUN_TASK');
  t.is(run.length, 1, `task statuses: ${JSON.stringify(a.updates())}`);
  t.deepEqual(run[0]?.task.resources?.find((r) => r.disk !== undefined)?.disk?.persistence, {
    id: 'db',
    principal: PRINCIPAL,
  });
  const last = c.agent(0).ofType('CHECKPOINT_RESOURCES').at(-1);
  t.deepEqual(
    last?.resources?.map((r) => [r.name, r.scalar?.value, r.disk?.persistence?.id]),
    [
      ['cpus', 1, undefined],
      ['mem', 128, undefined],
      ['disk', 100, 'db'],
    ],
  );
  // The volume is in use: DESTROY is refused with Mesos's message.
  advance(c.world, 2_000);
  const next = take(a)[0] as Offer;
  accept(a, next, [{ type: 'DESTROY', id: { value: 'd' }, destroy: { volumes: [volume('db', 100)] } }]);
  advance(c.world, 10);
  const destroy = operationStatuses(a).at(-1);
  t.is(destroy?.state, 'OPERATION_ERROR');
  t.regex(destroy?.message ?? '', /^Persistent volumes in use; on agent /u);
});

test('DESTROY gives the disk back to the reserved pool, UNRESERVE to the unreserved one', (t) => {
  const { c, a, offer } = withOffer();
  accept(a, offer, [
    { type: 'RESERVE', reserve: { resources: [reserved('disk', 100)] } },
    { type: 'CREATE', create: { volumes: [volume('db', 100)] } },
  ]);
  advance(c.world, 2_000);
  let held = take(a)[0] as Offer;
  t.deepEqual(
    offered(held),
    ['cpus:4', 'mem:4096', 'disk:900', 'disk(eng,ops)[db]:100'],
    'the volume is offered with its DiskInfo',
  );
  accept(a, held, [{ type: 'DESTROY', destroy: { volumes: [volume('db', 100)] } }]);
  advance(c.world, 2_000);
  held = take(a)[0] as Offer;
  t.deepEqual(offered(held), ['cpus:4', 'mem:4096', 'disk:900', 'disk(eng,ops):100']);
  accept(a, held, [{ type: 'UNRESERVE', unreserve: { resources: [reserved('disk', 100)] } }]);
  advance(c.world, 2_000);
  t.deepEqual(offered(take(a)[0]), ['cpus:4', 'mem:4096', 'disk:1000']);
  t.deepEqual(c.agent(0).ofType('CHECKPOINT_RESOURCES').at(-1)?.resources, []);
  t.is(operationStatuses(a).length, 0, 'no id, no status');
});

test("invalid operations are dropped with Mesos's messages, as OPERATION_ERROR when they have an id", (t) => {
  const cases: [string, OfferOperation, RegExp][] = [
    [
      'not dynamically reserved',
      {
        type: 'RESERVE',
        id: { value: 'x' },
        reserve: { resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }] },
      },
      /^Resource cpus:1 is not dynamically reserved; on agent .+ at agent-0 \(agent-0\)$/u,
    ],
    [
      'another principal',
      {
        type: 'RESERVE',
        id: { value: 'x' },
        reserve: { resources: [reserved('cpus', 1, 'eng', 'mallory')] },
      },
      /^A reserve operation was attempted by authenticated principal 'ops', which does not match a reserved resource in the request with principal 'mallory'/u,
    ],
    [
      'no principal',
      {
        type: 'RESERVE',
        id: { value: 'x' },
        reserve: { resources: [reserved('cpus', 1, 'eng', null)] },
      },
      /^A reserve operation was attempted by principal 'ops', but there is a reserved resource in the request with no principal set/u,
    ],
    [
      'a role the offer is not for',
      { type: 'RESERVE', id: { value: 'x' }, reserve: { resources: [reserved('cpus', 1, 'web')] } },
      /^A reserve operation was attempted for a resource with role 'web', but the resource was allocated to role 'eng'/u,
    ],
    [
      'more than offered',
      { type: 'RESERVE', id: { value: 'x' }, reserve: { resources: [reserved('cpus', 8)] } },
      /^cpus:4;mem:4096;disk:1000 does not contain cpus:8$/u,
    ],
    [
      'a reservation update',
      {
        type: 'RESERVE',
        id: { value: 'x' },
        reserve: { source: [reserved('cpus', 1)], resources: [reserved('cpus', 1)] },
      },
      /^Reservation updates are not yet implemented for the scheduler API\./u,
    ],
    [
      'UNRESERVE of unreserved',
      {
        type: 'UNRESERVE',
        id: { value: 'x' },
        unreserve: { resources: [{ name: 'mem', type: 'SCALAR', scalar: { value: 1 } }] },
      },
      /^Resource mem:1 is not dynamically reserved/u,
    ],
    [
      'CREATE of a plain disk',
      { type: 'CREATE', id: { value: 'x' }, create: { volumes: [reserved('disk', 1)] } },
      /^Not a persistent volume: Resource disk\(eng\):1 does not have DiskInfo/u,
    ],
    [
      'CREATE from unreserved disk',
      {
        type: 'CREATE',
        id: { value: 'x' },
        create: {
          volumes: [
            {
              name: 'disk',
              type: 'SCALAR',
              scalar: { value: 1 },
              disk: { persistence: { id: 'v' }, volume: { container_path: 'v' } },
            },
          ],
        },
      },
      /^Invalid resources: resources\[0\]\.disk: Persistent volumes cannot be created from unreserved resources/u,
    ],
    [
      'CREATE by another principal',
      { type: 'CREATE', id: { value: 'x' }, create: { volumes: [volume('v', 1, 'mallory')] } },
      /^Create volume operation attempted by authenticated principal 'ops', which does not match a volume in the operation with principal 'mallory' set in 'disk.persistence'/u,
    ],
    [
      'CREATE of a disk not reserved yet',
      { type: 'CREATE', id: { value: 'x' }, create: { volumes: [volume('v', 1)] } },
      /does not contain disk\(eng\):1$/u,
    ],
    [
      'DESTROY of an unknown volume',
      { type: 'DESTROY', id: { value: 'x' }, destroy: { volumes: [volume('v', 1)] } },
      /^Persistent volumes not found; on agent /u,
    ],
  ];
  for (const [what, operation, message] of cases) {
    const { c, a, offer } = withOffer();
    accept(a, offer, [operation]);
    advance(c.world, 10);
    const statuses = operationStatuses(a);
    t.is(statuses.length, 1, what);
    t.is(statuses[0]?.state, 'OPERATION_ERROR', what);
    t.is(statuses[0]?.uuid, undefined, `${what}: nothing to acknowledge`);
    t.regex(statuses[0]?.message ?? '', message, what);
    t.is(c.agent(0).ofType('CHECKPOINT_RESOURCES').length, 0, what);
    // Without an id: no status at all.
    advance(c.world, 2_000);
    const again = take(a)[0] as Offer;
    const { id: _id, ...withoutId } = operation;
    accept(a, again, [withoutId as OfferOperation]);
    advance(c.world, 10);
    t.is(operationStatuses(a).length, 1, `${what}: no status without an id`);
  }
});

test('a persistence id must be unique per role on the agent', (t) => {
  const { c, a, offer } = withOffer();
  accept(a, offer, [
    { type: 'RESERVE', reserve: { resources: [reserved('disk', 200)] } },
    { type: 'CREATE', create: { volumes: [volume('db', 100)] } },
    { type: 'CREATE', id: { value: 'twice' }, create: { volumes: [volume('db', 100)] } },
  ]);
  advance(c.world, 10);
  t.deepEqual(
    operationStatuses(a).map((s) => [s.state, s.message]),
    [
      [
        'OPERATION_ERROR',
        `Persistence ID 'db' is not unique; on agent ${offer.agent_id.value} at agent-0 (agent-0)`,
      ],
    ],
  );
});

test('the operator reserves unallocated resources: offers holding them are rescinded first; 400 and 409 as Mesos', (t) => {
  const { c, a, offer } = withOffer('cpus:4;mem:4096');
  const agentId = offer.agent_id.value;
  const answers: [string | undefined, number | undefined][] = [];
  const reserve = (kind: 'RESERVE' | 'UNRESERVE', agent: string, resources: readonly ResourceJson[]) =>
    c.world.at(c.world.now + 1, () =>
      c
        .master()
        .reserveResources(kind, agent, resources, (problem, status) => answers.push([problem, status])),
    );
  // `a` holds the whole agent in its offer: it is rescinded for the reservation.
  reserve('RESERVE', agentId, [reserved('cpus', 1, 'eng', null)]);
  advance(c.world, 10);
  t.deepEqual(answers, [[undefined, undefined]]);
  t.deepEqual(
    a.ofType('RESCIND').map((e) => e.rescind.offer_id.value),
    [offer.id.value],
  );
  t.deepEqual(c.master().state().slaves[0]?.reserved_resources, { eng: { cpus: 1 } });
  t.is(c.agent(0).ofType('CHECKPOINT_RESOURCES').at(-1)?.resources?.[0]?.role, 'eng');
  answers.length = 0;
  reserve('RESERVE', 'nope', [reserved('cpus', 1, 'eng', null)]);
  reserve('RESERVE', agentId, [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }]);
  reserve('RESERVE', agentId, [{ ...reserved('cpus', 1, 'eng', null), allocation_info: { role: 'eng' } }]);
  reserve('RESERVE', agentId, [reserved('cpus', 9, 'eng', null)]);
  advance(c.world, 10);
  t.deepEqual(answers, [
    ['No agent found with specified ID', 400],
    [`Resource cpus:1 is not dynamically reserved; on agent ${agentId} at agent-0 (agent-0)`, 400],
    [
      'A reserve operation was attempted with an allocated resource, but the operator API only allows ' +
        `reservations to be made to unallocated resources; on agent ${agentId} at agent-0 (agent-0)`,
      400,
    ],
    ['cpus:3;cpus(eng):1;mem:4096 does not contain cpus:9', 409],
  ]);
  answers.length = 0;
  reserve('UNRESERVE', agentId, [reserved('cpus', 1, 'eng', null)]);
  advance(c.world, 10);
  t.deepEqual(answers, [[undefined, undefined]]);
  t.deepEqual(c.master().state().slaves[0]?.reserved_resources, {});
});

test('RECONCILE_OPERATIONS: unacknowledged statuses again (no uuid); unknown operations by what is known of their agent', (t) => {
  const { c, a, offer } = withOffer();
  accept(a, offer, [{ type: 'RESERVE', id: { value: 'r1' }, reserve: { resources: [reserved('cpus', 1)] } }]);
  advance(c.world, 10);
  const reconcile = (operations: { operation_id: { value: string }; agent_id?: { value: string } }[]) => {
    const before = operationStatuses(a).length;
    a.call({ type: 'RECONCILE_OPERATIONS', framework_id: a.fid, reconcile_operations: { operations } });
    advance(c.world, 10);
    return operationStatuses(a)
      .slice(before)
      .map((s) => [s.operation_id?.value, s.state, s.uuid === undefined]);
  };
  t.deepEqual(reconcile([]), [['r1', 'OPERATION_FINISHED', true]], 'implicit: the unacknowledged one');
  t.deepEqual(
    reconcile([
      { operation_id: { value: 'r1' } },
      { operation_id: { value: 'x' }, agent_id: offer.agent_id },
      { operation_id: { value: 'y' }, agent_id: { value: 'no-such-agent' } },
      { operation_id: { value: 'z' } },
    ]),
    [
      ['r1', 'OPERATION_FINISHED', true],
      ['x', 'OPERATION_DROPPED', true],
      ['y', 'OPERATION_UNKNOWN', true],
      ['z', 'OPERATION_UNKNOWN', true],
    ],
  );
  const uuid = operationStatuses(a)[0]?.uuid?.value as string;
  a.call({
    type: 'ACKNOWLEDGE_OPERATION_STATUS',
    framework_id: a.fid,
    acknowledge_operation_status: { agent_id: offer.agent_id, uuid, operation_id: { value: 'r1' } },
  });
  advance(c.world, 10);
  t.deepEqual(reconcile([]), [], 'acknowledged: forgotten');
});
