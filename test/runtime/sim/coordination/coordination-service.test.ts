import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import {
  CoordinationService,
  type SessionId,
  sequenceOf,
  type WatchEvent,
} from '../../../../src/runtime/sim/coordination/coordination-service.js';

function service(): { zk: CoordinationService; fired: WatchEvent[]; ended: [SessionId, string][] } {
  const fired: WatchEvent[] = [];
  const ended: [SessionId, string][] = [];
  const zk = new CoordinationService({
    watch: (e) => fired.push(e),
    sessionEnded: (s, how) => ended.push([s, how]),
  });
  return { zk, fired, ended };
}

function must<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

test('ephemeral sequential nodes are named as ZooKeeper names them, and the lowest is found', (t) => {
  const { zk } = service();
  const a = must(zk.openSession(0, 10_000));
  const b = must(zk.openSession(0, 10_000));
  must(zk.mkdirp(a, 0, '/mesos'));
  const first = must(zk.create(a, 1, '/mesos/json.info_', '{"id":"a"}', 'ephemeral-sequential'));
  const second = must(zk.create(b, 2, '/mesos/json.info_', '{"id":"b"}', 'ephemeral-sequential'));
  t.is(first, '/mesos/json.info_0000000000');
  t.is(second, '/mesos/json.info_0000000001');
  t.deepEqual(must(zk.getChildren(a, 3, '/mesos', false)), ['json.info_0000000000', 'json.info_0000000001']);
  t.is(sequenceOf('json.info_0000000001'), 1);
  t.is(sequenceOf('registry'), undefined);
  t.is(must(zk.getData(b, 3, first, false)).data, '{"id":"a"}');
});

test('a session not heard from for its timeout expires: its ephemerals go and watchers hear of it', (t) => {
  const { zk, fired, ended } = service();
  const a = must(zk.openSession(0, 1000));
  const b = must(zk.openSession(0, 5000));
  must(zk.mkdirp(b, 0, '/m'));
  const node = must(zk.create(a, 100, '/m/n_', 'x', 'ephemeral-sequential'));
  must(zk.getChildren(b, 200, '/m', true));
  must(zk.getData(b, 200, node, true));
  t.is(zk.nextExpiryMs(), 1100, 'a was last heard at 100 ms');
  t.deepEqual(zk.expireDue(1099), []);
  must(zk.ping(b, 1099));
  t.deepEqual(zk.expireDue(1100), [a]);
  t.deepEqual(ended, [[a, 'expired']]);
  t.false(zk.alive(a));
  t.deepEqual(must(zk.getChildren(b, 1101, '/m', false)), []);
  t.deepEqual(
    fired.map((e) => [e.session, e.kind, e.path]),
    [
      [b, 'deleted', node],
      [b, 'children-changed', '/m'],
    ],
  );
  const late = zk.create(a, 1200, '/m/n_', 'x', 'ephemeral-sequential');
  t.deepEqual(late, { ok: false, error: 'session-expired' }, 'an expired session is refused');
});

test('a request after the deadline finds the session expired even before expireDue runs', (t) => {
  const { zk } = service();
  const a = must(zk.openSession(0, 1000));
  t.deepEqual(zk.ping(a, 1000), { ok: false, error: 'session-expired' });
  t.false(zk.alive(a));
});

test('setData and delete are version-checked (a deposed writer is refused)', (t) => {
  const { zk } = service();
  const a = must(zk.openSession(0, 10_000));
  const b = must(zk.openSession(0, 10_000));
  must(zk.mkdirp(a, 0, '/m/registry'));
  const read = must(zk.getData(a, 1, '/m/registry', false));
  t.is(must(zk.setData(b, 2, '/m/registry', 'new leader', read.version)), 1);
  t.deepEqual(zk.setData(a, 3, '/m/registry', 'old leader', read.version), {
    ok: false,
    error: 'bad-version',
  });
  t.is(must(zk.getData(a, 4, '/m/registry', false)).data, 'new leader');
  t.deepEqual(zk.delete(a, 5, '/m', -1), { ok: false, error: 'not-empty' });
  t.deepEqual(zk.delete(a, 5, '/m/registry', 0), { ok: false, error: 'bad-version' });
  must(zk.delete(a, 5, '/m/registry', 1));
});

test('ephemerals take no children; a missing parent is no-node; a duplicate is node-exists', (t) => {
  const { zk } = service();
  const a = must(zk.openSession(0, 10_000));
  must(zk.create(a, 0, '/e', '', 'ephemeral'));
  t.deepEqual(zk.create(a, 0, '/e/c', '', 'persistent'), { ok: false, error: 'no-children-for-ephemerals' });
  t.deepEqual(zk.create(a, 0, '/x/y', '', 'persistent'), { ok: false, error: 'no-node' });
  t.deepEqual(zk.create(a, 0, '/e', '', 'persistent'), { ok: false, error: 'node-exists' });
  t.deepEqual(zk.openSession(0, 0), { ok: false, error: 'bad-arguments' });
});

test('a crashed service answers connection-loss and expires nothing; recovery restarts every timeout', (t) => {
  const { zk } = service();
  const a = must(zk.openSession(0, 1000));
  zk.crash();
  t.deepEqual(zk.ping(a, 500), { ok: false, error: 'connection-loss' });
  t.deepEqual(zk.openSession(500, 1000), { ok: false, error: 'connection-loss' });
  t.deepEqual(zk.expireDue(5000), []);
  t.is(zk.nextExpiryMs(), Number.POSITIVE_INFINITY);
  zk.recover(6000);
  t.true(zk.alive(a), 'the session outlived the outage');
  t.is(zk.nextExpiryMs(), 7000);
  t.deepEqual(zk.expireDue(7000), [a]);
});

test('closing a session removes its ephemerals at once', (t) => {
  const { zk, ended } = service();
  const a = must(zk.openSession(0, 10_000));
  const n = must(zk.create(a, 0, '/n_', '', 'ephemeral-sequential'));
  must(zk.closeSession(a));
  t.is(zk.ownerOf(n), undefined);
  t.deepEqual(ended, [[a, 'closed']]);
});

/** A random workload of operations against one service. */
const op = fc.oneof(
  fc.record({ kind: fc.constant('open' as const), timeoutMs: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ kind: fc.constant('create' as const), session: fc.nat(6), ephemeral: fc.boolean() }),
  fc.record({ kind: fc.constant('delete' as const), session: fc.nat(6), pick: fc.nat(20) }),
  fc.record({ kind: fc.constant('watch' as const), session: fc.nat(6) }),
  fc.record({ kind: fc.constant('ping' as const), session: fc.nat(6) }),
  fc.record({ kind: fc.constant('close' as const), session: fc.nat(6) }),
  fc.record({ kind: fc.constant('expire' as const), session: fc.nat(6) }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('crash' as const), recoverAfterMs: fc.integer({ min: 0, max: 40 }) }),
);

testProp(
  'sequence numbers strictly increase, ephemerals vanish with their session, a watch fires once per change',
  [fc.array(op, { maxLength: 120 })],
  (t, ops) => {
    const fired: WatchEvent[] = [];
    const zk = new CoordinationService({ watch: (e) => fired.push(e) });
    const root = must(zk.openSession(0, 1_000_000));
    must(zk.mkdirp(root, 0, '/g'));
    let now = 0;
    let lastSequence = -1;
    /** Ephemerals created, by owner. */
    const owned = new Map<SessionId, Set<string>>([[root, new Set()]]);
    /** Changes to /g's children since each session's last armed watch (undefined: no watch armed). */
    const armed = new Map<SessionId, number>();
    const sessions = (): SessionId[] => [...owned.keys()];
    const pick = (i: number): SessionId => sessions()[i % sessions().length] as SessionId;
    for (const o of ops) {
      const before = new Set(must(zk.getChildren(root, now, '/g', false)));
      fired.length = 0;
      switch (o.kind) {
        case 'open': {
          const s = zk.openSession(now, o.timeoutMs);
          if (s.ok) owned.set(s.value, new Set());
          break;
        }
        case 'create': {
          const s = pick(o.session);
          const made = zk.create(
            s,
            now,
            '/g/n_',
            '',
            o.ephemeral ? 'ephemeral-sequential' : 'persistent-sequential',
          );
          if (made.ok) {
            const seq = sequenceOf(made.value.slice(3)) as number;
            t.true(seq > lastSequence, `sequence ${seq} after ${lastSequence}`);
            lastSequence = seq;
            if (o.ephemeral) owned.get(s)?.add(made.value);
          }
          break;
        }
        case 'delete': {
          const names = [...before].sort();
          const name = names[o.pick % Math.max(1, names.length)];
          if (name !== undefined) zk.delete(pick(o.session), now, `/g/${name}`, -1);
          break;
        }
        case 'watch': {
          const s = pick(o.session);
          if (zk.getChildren(s, now, '/g', true).ok) armed.set(s, 0);
          break;
        }
        case 'ping':
          zk.ping(pick(o.session), now);
          break;
        case 'close':
          if (pick(o.session) !== root) zk.closeSession(pick(o.session));
          break;
        case 'expire':
          if (pick(o.session) !== root) zk.expire(pick(o.session));
          break;
        case 'tick':
          now += o.ms;
          zk.expireDue(now);
          break;
        case 'crash':
          zk.crash();
          now += o.recoverAfterMs;
          zk.recover(now);
          break;
      }
      zk.ping(root, now);
      const after = new Set(must(zk.getChildren(root, now, '/g', false)));
      const changed = before.size !== after.size || [...before].some((n) => !after.has(n));
      // Every ephemeral of a session that is gone is gone too.
      for (const [s, nodes] of owned) {
        for (const n of nodes) {
          if (!zk.alive(s)) t.false(after.has(n.slice(3)), `${n} outlived session ${s}`);
          if (!after.has(n.slice(3))) nodes.delete(n);
        }
        if (!zk.alive(s)) {
          owned.delete(s);
          armed.delete(s);
        }
      }
      // A watch fires at most once, only on a change, and only if it was armed.
      const childEvents = fired.filter((e) => e.path === '/g' && e.kind === 'children-changed');
      const bySession = new Map<SessionId, number>();
      for (const e of childEvents) bySession.set(e.session, (bySession.get(e.session) ?? 0) + 1);
      for (const [s, n] of bySession) {
        t.true(armed.has(s), `session ${s} heard of a change it was not watching`);
        t.is(n, 1, `session ${s} heard of one operation's change more than once`);
        armed.delete(s);
      }
      if (changed) {
        for (const s of armed.keys()) t.fail(`session ${s} watched /g but was not told of a change`);
      } else t.is(childEvents.length, 0, 'a watch fired with no change');
    }
    t.true(zk.alive(root));
  },
);
