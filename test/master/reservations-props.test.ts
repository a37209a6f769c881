/**
 * Property: reservations conserve resources. Whatever sequence of RESERVE, UNRESERVE, CREATE and
 * DESTROY a framework performs on an agent (valid ones, and some that are refused), what the
 * agent is offered afterwards — unreserved + reserved + volumes — adds up to the agent's total,
 * and its reserved part and volumes are exactly what the agent was last told to checkpoint.
 */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import type { Offer, OfferOperation } from '../../src/core/messages/offer.js';
import { type ResourceJson, resourcesFromList } from '../../src/core/messages/resources-json.js';
import { resources as parse } from '../../src/core/resource-text.js';
import type { Resources } from '../../src/core/resources.js';
import { advance, cluster, type FakeScheduler, take } from './harness.js';

const TOTAL = 'cpus:4;mem:1024;disk:200';

/** One step: which operation, which resource of the offer, and how much of it (in tenths). */
const arbStep = fc.record({
  kind: fc.constantFrom('RESERVE', 'UNRESERVE', 'CREATE', 'DESTROY'),
  pick: fc.nat(),
  tenths: fc.integer({ min: 1, max: 10 }),
});

function bag(list: readonly ResourceJson[] | undefined): Resources {
  const r = resourcesFromList(list ?? [], 'resources');
  if (!r.ok) throw new Error(`${r.error.path}: ${r.error.message}`);
  return r.value;
}

/** `r` with its amount cut to `tenths`/10 (at least 1 unit), no allocation info. */
function part(r: ResourceJson, tenths: number): ResourceJson {
  const { allocation_info: _a, ...rest } = r;
  const amount = Math.max(1, Math.floor(((r.scalar?.value ?? 0) * tenths) / 10));
  return { ...rest, scalar: { value: amount } };
}

/** The operation a step makes of the offer (undefined when nothing in it fits the step). */
function operationFor(
  step: { kind: string; pick: number; tenths: number },
  offer: Offer,
  n: number,
): OfferOperation | undefined {
  const all = offer.resources ?? [];
  const dynamic = (r: ResourceJson) => r.reservations?.at(-1)?.type === 'DYNAMIC';
  const choose = (keep: (r: ResourceJson) => boolean) => {
    const candidates = all.filter((r) => r.type === 'SCALAR' && keep(r));
    return candidates[step.pick % Math.max(1, candidates.length)];
  };
  switch (step.kind) {
    case 'RESERVE': {
      const r = choose((x) => x.reservations === undefined);
      if (r === undefined) return undefined;
      const { role: _role, ...plain } = part(r, step.tenths);
      return {
        type: 'RESERVE',
        reserve: {
          resources: [{ ...plain, reservations: [{ type: 'DYNAMIC', role: 'eng', principal: 'p' }] }],
        },
      };
    }
    case 'UNRESERVE': {
      // Now and then a volume, which must be refused (and conserve everything all the same).
      const r = choose((x) => dynamic(x) && (x.disk === undefined || step.tenths === 10));
      return r === undefined
        ? undefined
        : { type: 'UNRESERVE', unreserve: { resources: [part(r, step.tenths)] } };
    }
    case 'CREATE': {
      const r = choose((x) => x.name === 'disk' && dynamic(x) && x.disk === undefined);
      if (r === undefined) return undefined;
      const volume: ResourceJson = {
        ...part(r, step.tenths),
        disk: {
          persistence: { id: `v${n}`, principal: 'p' },
          volume: { container_path: `v${n}`, mode: 'RW' },
        },
      };
      return { type: 'CREATE', create: { volumes: [volume] } };
    }
    default: {
      const r = choose((x) => x.disk !== undefined);
      if (r === undefined) return undefined;
      const { allocation_info: _a, ...volume } = r;
      return { type: 'DESTROY', destroy: { volumes: [volume] } };
    }
  }
}

/**
 * Why an offer of the whole agent breaks conservation, or undefined: its unreserved, reserved
 * and volume parts must make the offer and add up to the agent's total quantities, and the
 * reserved part and volumes must be exactly what the agent was last told to checkpoint.
 */
function conservationProblem(
  total: Resources,
  offer: readonly ResourceJson[] | undefined,
  checkpointedList: readonly ResourceJson[] | undefined,
): string | undefined {
  const offered = bag(offer);
  const unreserved = offered.unreserved();
  const reserved = offered.filter((r) => r.detail !== undefined && r.detail.volume === undefined);
  const volumes = offered.filter((r) => r.detail?.volume !== undefined);
  if (unreserved.add(reserved).add(volumes).key() !== offered.key())
    return 'the three parts do not make the offer';
  const have = JSON.stringify(Object.fromEntries(offered.scalarQuantities()));
  const want = JSON.stringify(Object.fromEntries(total.scalarQuantities()));
  if (have !== want) return `quantities ${have}, expected ${want}`;
  if (!bag(checkpointedList).equals(reserved.add(volumes))) {
    return 'the agent does not checkpoint the reserved part and the volumes';
  }
  return undefined;
}

test('the conservation check catches planted bugs: a lost reserved cpu, a checkpoint missing a volume', (t) => {
  const total = parse(TOTAL);
  const cpus = (amount: number, reservedFor?: string): ResourceJson => ({
    name: 'cpus',
    type: 'SCALAR',
    scalar: { value: amount },
    ...(reservedFor === undefined ? {} : { reservations: [{ type: 'DYNAMIC', role: reservedFor }] }),
  });
  const rest: ResourceJson[] = [
    { name: 'mem', type: 'SCALAR', scalar: { value: 1024 } },
    { name: 'disk', type: 'SCALAR', scalar: { value: 150 } },
  ];
  const volume: ResourceJson = {
    name: 'disk',
    type: 'SCALAR',
    scalar: { value: 50 },
    reservations: [{ type: 'DYNAMIC', role: 'eng' }],
    disk: { persistence: { id: 'v' }, volume: { container_path: 'v' } },
  };
  const good = [cpus(3), cpus(1, 'eng'), ...rest, volume];
  t.is(conservationProblem(total, good, [cpus(1, 'eng'), volume]), undefined);
  // A RESERVE that lost what it converted.
  t.regex(
    conservationProblem(total, [cpus(3), ...rest, volume], [volume]) ?? '',
    /^quantities .*"cpus":3000/u,
  );
  // An agent that was not told about the volume.
  t.is(
    conservationProblem(total, good, [cpus(1, 'eng')]),
    'the agent does not checkpoint the reserved part and the volumes',
  );
});

function nextOffer(s: FakeScheduler): Offer {
  const offers = take(s);
  if (offers.length !== 1) throw new Error(`expected one offer, got ${offers.length}`);
  return offers[0] as Offer;
}

/** Operations applied over all runs, to check that the property is not met by refusing everything. */
let appliedTotal = 0;
let sentTotal = 0;

test.after('most generated operations are applied, not refused', () => {
  // The only operations made to be refused are UNRESERVEs of volumes.
  if (appliedTotal * 3 < sentTotal * 2) {
    throw new Error(`only ${appliedTotal} of ${sentTotal} operations applied`);
  }
});

testProp(
  'unreserved + reserved + volumes = the agent total, and reserved + volumes = what the agent checkpoints',
  [fc.array(arbStep, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 1_000 })],
  (t, steps, seed) => {
    const c = cluster({ seed, agents: [{ resources: TOTAL }], schedulers: ['a'] });
    const a = c.scheduler('a');
    a.subscribe({ role: 'eng', principal: 'p' });
    advance(c.world, 10);
    let offer = nextOffer(a);
    const total = parse(TOTAL);
    for (let n = 0; n < steps.length; n++) {
      const operation = operationFor(steps[n] as (typeof steps)[number], offer, n);
      if (operation !== undefined) sentTotal++;
      a.call({
        type: 'ACCEPT',
        framework_id: a.fid,
        accept: {
          offer_ids: [offer.id],
          operations: operation === undefined ? [] : [operation],
          filters: { refuse_seconds: 0 },
        },
      });
      advance(c.world, 1_100);
      offer = nextOffer(a);
      const checkpointed = c.agent(0).ofType('CHECKPOINT_RESOURCES').at(-1)?.resources;
      t.is(
        conservationProblem(total, offer.resources, checkpointed),
        undefined,
        `after ${JSON.stringify(steps.slice(0, n + 1))}`,
      );
    }
    const applied = c.world.traceLines().filter((l) => l.includes('"master.operation-applied"')).length;
    appliedTotal += applied;
  },
  { numRuns: 40 },
);
