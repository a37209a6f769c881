/** The registrar: operations applied at once, acknowledged when durable, batched while writing. */
import test from 'ava';
import type { DurableStore, Env, TimerId } from '../../src/core/process.js';
import { TimerTable } from '../../src/core/timer-table.js';
import type { Wire } from '../../src/core/wire.js';
import {
  emptyRegistry,
  parseRegistry,
  REGISTRY_KEY,
  Registrar,
  recoverRegistry,
} from '../../src/master/registry.js';
import { MASTER_TIMERS } from '../../src/master/timers.js';

/** A store whose writes complete only when the test says so. */
function manualStore() {
  const saved: { id: TimerId; value: string }[] = [];
  const durable = new Map<string, string>();
  let next = 1;
  const store: DurableStore = {
    load: (key) => durable.get(key),
    save: (key, value) => {
      const id = next++;
      saved.push({ id, value });
      durable.set(key, value);
      return id;
    },
  };
  return { store, saved, durable };
}

const timers = () =>
  new TimerTable({ setTimer: () => 0, cancelTimer: () => {} } as unknown as Env<Wire>, MASTER_TIMERS);

test('without a store operations are acknowledged at once (Mesos --registry=in_memory)', (t) => {
  const registrar = new Registrar(undefined, timers(), emptyRegistry());
  let acked = false;
  registrar.apply({ kind: 'admit-agent', id: 'S0', hostname: 'h0' }, () => {
    acked = true;
  });
  t.true(acked);
  t.false(registrar.durable);
  t.deepEqual(registrar.document().admitted, { S0: 'h0' });
});

test('an operation is acknowledged once its write is durable; later ones are batched into one write', (t) => {
  const { store, saved } = manualStore();
  const table = timers();
  const registrar = new Registrar(store, table, emptyRegistry());
  const acked: string[] = [];
  registrar.apply({ kind: 'admit-agent', id: 'S0', hostname: 'h0' }, () => acked.push('S0'));
  registrar.apply({ kind: 'admit-agent', id: 'S1', hostname: 'h1' }, () => acked.push('S1'));
  registrar.apply({ kind: 'mark-unreachable', id: 'S0', atMs: 5 }, () => acked.push('S0 unreachable'));
  t.is(saved.length, 1, 'one write on its way; the next two wait for it');
  t.deepEqual(acked, []);
  table.fire(saved[0]?.id as TimerId);
  t.deepEqual(acked, ['S0']);
  t.is(saved.length, 2, 'the waiting operations go out together');
  table.fire(saved[1]?.id as TimerId);
  t.deepEqual(acked, ['S0', 'S1', 'S0 unreachable']);
  const doc = parseRegistry(saved[1]?.value as string);
  t.deepEqual(typeof doc === 'string' ? doc : [doc.admitted, doc.unreachable], [{ S1: 'h1' }, { S0: 5 }]);
});

test('frameworks and agents removed stay removed; readmission clears unreachable and gone', (t) => {
  const registrar = new Registrar(undefined, timers(), emptyRegistry());
  registrar.apply({ kind: 'admit-framework', id: 'F0' });
  registrar.apply({ kind: 'remove-framework', id: 'F0' });
  t.true(registrar.frameworkRemoved('F0'));
  registrar.apply({ kind: 'remove-agent', id: 'S0' });
  registrar.apply({ kind: 'mark-unreachable', id: 'S1', atMs: 1 });
  t.deepEqual(registrar.document().gone, ['S0']);
  registrar.apply({ kind: 'mark-reachable', id: 'S1', hostname: 'h1' });
  registrar.apply({ kind: 'admit-agent', id: 'S0', hostname: 'h0' });
  const doc = registrar.document();
  t.deepEqual(
    [doc.admitted, doc.unreachable, doc.gone, doc.frameworks],
    [{ S1: 'h1', S0: 'h0' }, {}, [], []],
  );
});

test('a registry that cannot be read names what is wrong', (t) => {
  const { store, durable } = manualStore();
  t.deepEqual(recoverRegistry(store), emptyRegistry(), 'nothing stored: an empty registry');
  durable.set(REGISTRY_KEY, '{"version":1,"admitted":[]}');
  t.is(recoverRegistry(store), 'admitted: expected an object of agent id → hostname');
  durable.set(REGISTRY_KEY, '{"version":2}');
  t.is(recoverRegistry(store), 'version: expected 1, got 2');
  durable.set(REGISTRY_KEY, 'not json');
  t.regex(recoverRegistry(store) as string, /^not JSON: /u);
});

test('a registry holding a quota on a resource nothing offers is refused, naming the role and the name', (t) => {
  // Masters before issue 13 stored `--quota analytics=cpu:8` as it came; it limited nothing.
  const stored = { ...emptyRegistry(), quotas: { analytics: { cpu: 8 } } };
  t.is(
    parseRegistry(JSON.stringify(stored)),
    'quotas.analytics.cpu: unknown resource "cpu" (expected one of cpus, gpus, mem, disk; did you mean "cpus"?); correct or remove it',
  );
  const good = { ...emptyRegistry(), quotas: { analytics: { cpus: 8, mem: 16_384 } } };
  t.deepEqual(parseRegistry(JSON.stringify(good)), good);
});

test("agents' reservations: kept per agent (an empty list too), forgotten when the agent is gone; older registries read", (t) => {
  const registrar = new Registrar(undefined, timers(), emptyRegistry());
  t.is(registrar.agentResources('S0'), undefined, 'nothing known');
  const disk = {
    name: 'disk',
    type: 'SCALAR' as const,
    scalar: { value: 5 },
    reservations: [{ type: 'DYNAMIC' as const, role: 'eng' }],
  };
  registrar.apply({ kind: 'set-agent-resources', id: 'S0', resources: [disk] });
  registrar.apply({ kind: 'set-agent-resources', id: 'S1', resources: [] });
  t.deepEqual(registrar.agentResources('S0'), [disk]);
  t.deepEqual(registrar.agentResources('S1'), [], 'known to have none');
  const text = JSON.stringify(registrar.document());
  t.deepEqual(parseRegistry(text), registrar.document());
  registrar.apply({ kind: 'remove-agent', id: 'S0' });
  t.is(registrar.agentResources('S0'), undefined);
  // A registry written before reservations has no such field, and none is written while empty.
  const { reservations: _none, ...old } = { ...emptyRegistry(), reservations: {} };
  t.deepEqual(parseRegistry(JSON.stringify(old)), emptyRegistry());
  t.false('reservations' in new Registrar(undefined, timers(), emptyRegistry()).document());
  t.is(
    parseRegistry(JSON.stringify({ ...emptyRegistry(), reservations: { S0: 'x' } })),
    'reservations: expected an object of agent id → list of resources',
  );
});
