/**
 * The status-update manager on its own (mesos.md §5.2; Mesos
 * task_status_update_manager_tests.cpp): a fake port with a virtual clock records what is
 * forwarded and when.
 */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import {
  StatusUpdateManager,
  type StatusUpdateManagerOptions,
  type StatusUpdatePort,
} from '../../src/agent/status-update-manager.js';
import type { StatusUpdate } from '../../src/core/messages/agent-protocol.js';
import type { TaskState } from '../../src/core/messages/task-state.js';

/** A port with a virtual clock: timers fire in (time, order) when the test advances the clock. */
class FakePort implements StatusUpdatePort {
  nowMs = 0;
  readonly forwarded: { at: number; update: StatusUpdate }[] = [];
  readonly traces: { kind: string; fields: Readonly<Record<string, unknown>> }[] = [];
  readonly #timers = new Map<number, { at: number; action: () => void }>();
  #next = 1;

  forward(update: StatusUpdate): void {
    this.forwarded.push({ at: this.nowMs, update });
  }

  setTimer(delayMs: number, _tag: string, action: () => void): number {
    const id = this.#next++;
    this.#timers.set(id, { at: this.nowMs + delayMs, action });
    return id;
  }

  cancelTimer(id: number | undefined): void {
    if (id !== undefined) this.#timers.delete(id);
  }

  trace(kind: string, fields: Readonly<Record<string, unknown>>): void {
    this.traces.push({ kind, fields });
  }

  /** The earliest pending timer's time, or Infinity. */
  nextAt(): number {
    let best = Number.POSITIVE_INFINITY;
    for (const t of this.#timers.values()) best = Math.min(best, t.at);
    return best;
  }

  /** Runs every timer due up to `timeMs`, in time order, then sets the clock there. */
  advanceTo(timeMs: number): void {
    for (;;) {
      let due: [number, { at: number; action: () => void }] | undefined;
      for (const entry of this.#timers) {
        if (entry[1].at <= timeMs && (due === undefined || entry[1].at < due[1].at)) due = entry;
      }
      if (due === undefined) break;
      this.#timers.delete(due[0]);
      this.nowMs = due[1].at;
      due[1].action();
    }
    this.nowMs = timeMs;
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }
}

const OPTIONS: StatusUpdateManagerOptions = {
  retryMinMs: 10_000,
  retryMaxMs: 600_000,
  maxStreams: 100,
  maxUpdatesPerStream: 100,
};

let uuidCounter = 0;
/** An update with a unique (fake but 16-byte) uuid. */
function upd(task: string, state: TaskState, framework = 'fw'): StatusUpdate {
  const n = uuidCounter++;
  const uuid = `${String(n).padStart(21, 'A')}A==`; // 22 base64 digits = 16 bytes
  return {
    framework_id: { value: framework },
    agent_id: { value: 'a' },
    status: { task_id: { value: task }, state, uuid },
    timestamp: 0,
    uuid,
  };
}

function started(options = OPTIONS): { port: FakePort; m: StatusUpdateManager } {
  const port = new FakePort();
  const m = new StatusUpdateManager(port, options);
  m.resume();
  return { port, m };
}

test('an unacknowledged update is resent after 10, 20, 40 … s, capped at 10 min', (t) => {
  const { port, m } = started();
  m.update(upd('t', 'TASK_RUNNING'));
  port.advanceTo(3_000_000);
  const times = port.forwarded.map((f) => f.at / 1000);
  t.deepEqual(times, [0, 10, 30, 70, 150, 310, 630, 1230, 1830, 2430]);
  t.is(new Set(port.forwarded.map((f) => f.update.uuid)).size, 1);
});

test('only the head is in flight; its ack releases the next at once with the interval reset', (t) => {
  const { port, m } = started();
  const a = upd('t', 'TASK_STARTING');
  const b = upd('t', 'TASK_RUNNING');
  const c = upd('t', 'TASK_FINISHED');
  m.update(a);
  m.update(b);
  m.update(c);
  t.deepEqual(m.pending('fw', 't'), [a, b, c]);
  port.advanceTo(35_000);
  t.deepEqual(
    port.forwarded.map((f) => [f.at, f.update.uuid]),
    [
      [0, a.uuid],
      [10_000, a.uuid],
      [30_000, a.uuid],
    ],
  );
  t.like(m.acknowledge('fw', 't', a.uuid), { kind: 'acknowledged', terminal: false });
  t.deepEqual(port.forwarded.at(-1), { at: 35_000, update: b });
  port.advanceTo(45_000);
  t.deepEqual(port.forwarded.at(-1), { at: 45_000, update: b }); // 10 s again, not 80 s
  m.acknowledge('fw', 't', b.uuid);
  const done = m.acknowledge('fw', 't', c.uuid);
  t.like(done, { kind: 'acknowledged', terminal: true });
  t.is(m.streamCount, 0);
  t.is(port.pendingTimers, 0);
});

test('streams are independent: one stream per task, each with its own head in flight', (t) => {
  const { port, m } = started();
  m.update(upd('t1', 'TASK_RUNNING'));
  m.update(upd('t2', 'TASK_RUNNING'));
  m.update(upd('t1', 'TASK_FINISHED'));
  t.deepEqual(
    port.forwarded.map((f) => f.update.status.task_id.value),
    ['t1', 't2'],
  );
  t.is(m.streamCount, 2);
});

test('duplicate, unexpected and unknown acknowledgements are ignored and traced', (t) => {
  const { port, m } = started();
  const a = upd('t', 'TASK_RUNNING');
  const b = upd('t', 'TASK_FINISHED');
  m.update(a);
  m.update(b);
  t.like(m.acknowledge('fw', 't', b.uuid), { kind: 'ignored', why: 'not the head' });
  t.like(m.acknowledge('fw', 'other', a.uuid), { kind: 'ignored', why: 'unknown stream' });
  t.like(m.acknowledge('fw', 't', a.uuid), { kind: 'acknowledged' });
  t.like(m.acknowledge('fw', 't', a.uuid), { kind: 'ignored', why: 'duplicate' });
  t.deepEqual(
    port.traces.filter((x) => x.kind === 'status-update-ack-ignored').map((x) => x.fields.why),
    ['not the head', 'unknown stream', 'duplicate'],
  );
  // b went out once, when a was acknowledged; the duplicate ack changed nothing.
  t.deepEqual(
    port.forwarded.map((f) => f.update.uuid),
    [a.uuid, b.uuid],
  );
});

test('a duplicate update (same uuid) is ignored', (t) => {
  const { port, m } = started();
  const a = upd('t', 'TASK_RUNNING');
  m.update(a);
  t.like(m.update(a), { kind: 'duplicate' });
  m.acknowledge('fw', 't', a.uuid);
  t.like(m.update(a), { kind: 'duplicate' }); // already acknowledged
  t.is(port.forwarded.length, 1);
});

test('acknowledging a terminal update closes the stream, dropping what follows it', (t) => {
  const { port, m } = started();
  const a = upd('t', 'TASK_FAILED');
  m.update(a);
  m.update(upd('t', 'TASK_RUNNING'));
  m.acknowledge('fw', 't', a.uuid);
  t.is(m.streamCount, 0);
  t.like(port.traces.at(-1), { kind: 'status-update-stream-closed', fields: { dropped: 1 } });
});

test('paused: updates queue, nothing is sent; resume sends every head at once', (t) => {
  const port = new FakePort();
  const m = new StatusUpdateManager(port, OPTIONS);
  t.true(m.paused);
  m.update(upd('t1', 'TASK_RUNNING'));
  m.update(upd('t2', 'TASK_RUNNING'));
  port.advanceTo(100_000);
  t.is(port.forwarded.length, 0);
  m.resume();
  t.is(port.forwarded.length, 2);
  port.advanceTo(105_000);
  m.pause();
  port.advanceTo(1_000_000);
  t.is(port.forwarded.length, 2); // no retries while paused
  m.resume();
  t.is(port.forwarded.length, 4);
  port.advanceTo(1_010_000);
  t.is(port.forwarded.length, 6); // the interval restarted at 10 s
});

test('cleanup drops a framework’s streams', (t) => {
  const { port, m } = started();
  m.update(upd('t1', 'TASK_RUNNING', 'f1'));
  m.update(upd('t2', 'TASK_RUNNING', 'f2'));
  m.cleanup('f1');
  t.is(m.streamCount, 1);
  port.advanceTo(10_000);
  t.deepEqual(
    port.forwarded.map((f) => f.update.framework_id.value),
    ['f1', 'f2', 'f2'],
  );
});

test('bounds: streams and updates per stream beyond the limits are refused', (t) => {
  const { m } = started({ ...OPTIONS, maxStreams: 2, maxUpdatesPerStream: 2 });
  m.update(upd('t1', 'TASK_STARTING'));
  m.update(upd('t2', 'TASK_STARTING'));
  t.like(m.update(upd('t3', 'TASK_STARTING')), { kind: 'refused' });
  m.update(upd('t1', 'TASK_RUNNING'));
  t.like(m.update(upd('t1', 'TASK_FINISHED')), { kind: 'refused' });
  t.is(m.streamCount, 2);
});

/**
 * Random ack loss and duplication: each forward reaches the "scheduler" or not; each delivered
 * update is acknowledged zero, one or two times, each ack after its own delay. Whatever happens,
 * every update is delivered at least once, per task in submission order, and nothing is
 * forwarded again once its acknowledgement has been processed.
 */
testProp(
  'under random loss and duplication every update is delivered in order, and nothing acknowledged is re-sent',
  [
    fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 300_000 })), {
      minLength: 1,
      maxLength: 12,
    }),
    fc.infiniteStream(
      fc.record({
        delivered: fc.boolean(),
        acks: fc.integer({ min: 0, max: 2 }),
        delayMs: fc.integer({ min: 0, max: 120_000 }),
      }),
    ),
  ],
  (t, unsorted, fates) => {
    // In time order, so that the last update of each task (its terminal one) comes last.
    const submissions = [...unsorted].sort((a, b) => a[1] - b[1]);
    const port = new FakePort();
    const m = new StatusUpdateManager(port, OPTIONS);
    m.resume();
    const acked = new Set<string>();
    /** uuid → how many forwards had happened when its acknowledgement was processed. */
    const ackedAt = new Map<string, number>();
    const submitted: StatusUpdate[] = [];
    const fate = fates[Symbol.iterator]();
    const events: { at: number; run: () => void }[] = [];
    // Submissions at their times; the last of each task is terminal.
    const lastOf = new Map(submissions.map(([task], i) => [task, i]));
    for (const [i, [task, at]] of submissions.entries()) {
      const state: TaskState = lastOf.get(task) === i ? 'TASK_FINISHED' : 'TASK_RUNNING';
      events.push({
        at,
        run: () => {
          const u = upd(`t${task}`, state);
          submitted.push(u);
          m.update(u);
        },
      });
    }
    let seen = 0;
    const deliver = () => {
      // Schedule the fate of every forward made since the last look.
      for (; seen < port.forwarded.length; seen++) {
        const f = port.forwarded[seen] as { at: number; update: StatusUpdate };
        const { delivered, acks, delayMs } = fate.next().value as {
          delivered: boolean;
          acks: number;
          delayMs: number;
        };
        if (!delivered) continue;
        for (let k = 0; k < acks; k++) {
          events.push({
            at: f.at + delayMs + k,
            run: () => {
              const out = m.acknowledge('fw', f.update.status.task_id.value, f.update.uuid);
              if (out.kind === 'acknowledged') {
                acked.add(out.update.uuid);
                ackedAt.set(out.update.uuid, port.forwarded.length);
              }
            },
          });
        }
      }
    };
    // Drive: events and the manager's timers in time order, until everything is acknowledged.
    for (let step = 0; step < 100_000 && acked.size < submissions.length; step++) {
      deliver();
      events.sort((a, b) => a.at - b.at);
      const nextEvent = events[0]?.at ?? Number.POSITIVE_INFINITY;
      const nextTimer = port.nextAt();
      if (!Number.isFinite(Math.min(nextEvent, nextTimer))) break;
      if (nextTimer < nextEvent) {
        port.advanceTo(nextTimer);
      } else {
        port.advanceTo(Math.max(port.nowMs, nextEvent));
        (events.shift() as { run: () => void }).run();
      }
    }
    deliver();
    t.is(acked.size, submissions.length, 'every update was acknowledged');
    t.is(m.streamCount, 0);
    // Per task, first forwards happen in submission order; every update was forwarded.
    for (const task of new Set(submissions.map(([k]) => `t${k}`))) {
      const order = submitted.filter((u) => u.status.task_id.value === task).map((u) => u.uuid);
      const firsts: string[] = [];
      for (const f of port.forwarded) {
        if (f.update.status.task_id.value === task && !firsts.includes(f.update.uuid))
          firsts.push(f.update.uuid);
      }
      t.deepEqual(firsts, order);
    }
    // Nothing is forwarded after its acknowledgement was processed (compared by forward count).
    for (const [i, f] of port.forwarded.entries()) {
      const ackedAfter = ackedAt.get(f.update.uuid);
      t.true(ackedAfter === undefined || i < ackedAfter, 'an acknowledged update was forwarded again');
    }
  },
  { numRuns: 200 },
);

test('a head that is not durable waits; durabilityAdvanced sends it, and the next one only once durable', (t) => {
  const durable = new Set<string>();
  const port = new FakePort();
  const gated: StatusUpdatePort = Object.assign(port, {
    isDurable: (u: StatusUpdate) => durable.has(u.uuid),
  });
  const m = new StatusUpdateManager(gated, OPTIONS);
  m.resume();
  const a = upd('t', 'TASK_RUNNING');
  const b = upd('t', 'TASK_FINISHED');
  t.deepEqual(m.update(a), { kind: 'queued', forwarded: false });
  m.update(b);
  port.advanceTo(60_000);
  t.is(port.forwarded.length, 0, 'nothing leaves before it is on disk, retries included');
  durable.add(a.uuid);
  m.durabilityAdvanced();
  t.deepEqual(
    port.forwarded.map((f) => f.update.uuid),
    [a.uuid],
  );
  m.durabilityAdvanced();
  t.is(port.forwarded.length, 1, 'a head in flight is not sent again by durabilityAdvanced');
  m.acknowledge('fw', 't', a.uuid);
  t.is(port.forwarded.length, 1, 'the next head is not durable yet');
  durable.add(b.uuid);
  m.durabilityAdvanced();
  t.deepEqual(
    port.forwarded.map((f) => f.update.uuid),
    [a.uuid, b.uuid],
  );
});

test('restored updates wait for resume, go out head first, and are recognised as duplicates', (t) => {
  const port = new FakePort();
  const m = new StatusUpdateManager(port, OPTIONS);
  const a = upd('t', 'TASK_RUNNING');
  const b = upd('t', 'TASK_FINISHED');
  m.restore([a, b]);
  t.is(m.streamCount, 1);
  t.is(port.forwarded.length, 0);
  m.resume();
  t.deepEqual(
    port.forwarded.map((f) => f.update.uuid),
    [a.uuid],
  );
  t.deepEqual(m.update(b), { kind: 'duplicate' });
  m.acknowledge('fw', 't', a.uuid);
  t.deepEqual(
    port.forwarded.map((f) => f.update.uuid),
    [a.uuid, b.uuid],
  );
});
