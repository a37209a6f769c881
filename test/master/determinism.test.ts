/** A small busy cluster: same seed, same trace; and all it says is valid on the wire. */
import test from 'ava';
import { decodeAgentMessage, encodeAgentMessage } from '../../src/core/messages/agent-protocol.js';
import { decodeEvent, type Event, encodeEvent } from '../../src/core/messages/scheduler-event.js';
import type { Address, Env } from '../../src/core/process.js';
import type { Wire } from '../../src/core/wire.js';
import type { Master } from '../../src/master/master.js';
import { newMaster, newWorld } from '../sim-world.js';
import { commandTask, FakeAgent, FakeScheduler, MASTER } from './harness.js';

/** An agent that runs every task it is given for `runMs`, then finishes it. */
class BusyAgent extends FakeAgent {
  override onMessage(env: Env<Wire>, from: Address, msg: Wire): void {
    super.onMessage(env, from, msg);
    if (msg.channel !== 'agent' || msg.message.type !== 'RUN_TASK') return;
    const { task, framework } = msg.message;
    const fw = framework.id?.value as string;
    this.update(fw, task.task_id.value, 'TASK_RUNNING');
    this.pending.set(env.setTimer(500 + Math.floor(env.random() * 2000), 'finish'), [fw, task.task_id.value]);
  }

  readonly pending = new Map<number, [string, string]>();

  override onTimer(_env: Env<Wire>, _tag: string, id: number): void {
    const entry = this.pending.get(id);
    if (entry === undefined) return;
    this.pending.delete(id);
    this.update(entry[0], entry[1], 'TASK_FINISHED');
  }
}

/**
 * A scheduler that launches one small task per offer and acknowledges every update; offers
 * `hold` picks are left unanswered (so an offer timeout rescinds them).
 */
function busyScheduler(name: string, hold: (hostname: string) => boolean = () => false): FakeScheduler {
  let n = 0;
  return new FakeScheduler((s: FakeScheduler, event: Event) => {
    if (event.type === 'SUBSCRIBED') return;
    if (event.type === 'OFFERS') {
      for (const o of event.offers.offers ?? []) {
        if (hold(o.hostname)) continue;
        s.launch([o.id.value], [commandTask(`${name}-${n++}`, o.agent_id.value, 'cpus:0.5;mem:128')], 1);
      }
    }
    if (event.type === 'UPDATE' && event.update.status.uuid !== undefined) {
      const st = event.update.status;
      s.call({
        type: 'ACKNOWLEDGE',
        framework_id: s.fid,
        acknowledge: { agent_id: st.agent_id ?? { value: '' }, task_id: st.task_id, uuid: st.uuid as string },
      });
    }
  });
}

function run(seed: number): { lines: string[]; counters: unknown } {
  const world = newWorld(seed, { latencyMsMax: 5 });
  world.spawn(MASTER, () => newMaster());
  for (let i = 0; i < 3; i++)
    world.spawn(`agent-${i}`, () => new BusyAgent({ resources: 'cpus:2;mem:1024' }));
  for (const name of ['a', 'b']) {
    world.spawn(`scheduler-${name}`, () => busyScheduler(name));
    (world.instance(`scheduler-${name}`) as FakeScheduler).subscribe({ name });
  }
  world.at(6_000, (w) => w.crash('agent-1'));
  world.runUntil(20_000);
  return { lines: world.traceLines(), counters: (world.instance(MASTER) as Master).counters() };
}

test('the same seed gives byte-identical traces; another seed gives another run', (t) => {
  const one = run(7);
  const two = run(7);
  t.true(one.lines.length > 100, `a busy run (${one.lines.length} lines)`);
  t.deepEqual(one.lines, two.lines);
  t.deepEqual(one.counters, two.counters);
  t.notDeepEqual(run(8).lines, one.lines);
});

test('the busy run exercises launches, finishes and an agent loss', (t) => {
  const { lines, counters } = run(7);
  const c = counters as { tasksLaunched: number; taskStateTransitions: Record<string, number> };
  t.true(c.tasksLaunched > 10);
  t.true((c.taskStateTransitions.TASK_FINISHED ?? 0) > 5);
  t.true(lines.some((l) => l.includes('"kind":"master.agent-disconnected"')));
});

test('everything the master sends decodes with the wire decoders (what live mode will parse)', (t) => {
  const world = newWorld(3, { latencyMsMax: 5 });
  world.spawn(MASTER, () => newMaster({ offerTimeoutMs: 2_000 }));
  for (let i = 0; i < 3; i++)
    world.spawn(`agent-${i}`, () => new BusyAgent({ resources: 'cpus:2;mem:1024;disk:100' }));
  // Offers on agent-1 are held, so the 2 s offer timeout rescinds them (RESCIND is on the wire).
  world.spawn('scheduler-a', () => busyScheduler('a', (hostname) => hostname === 'agent-1'));
  (world.instance('scheduler-a') as FakeScheduler).subscribe({ capabilities: [{ type: 'PARTITION_AWARE' }] });
  world.at(4_000, (w) => {
    (w.instance('agent-2') as BusyAgent).options.pong = false;
  });
  world.runUntil(100_000);
  const a = world.instance('scheduler-a') as FakeScheduler;
  const types = new Set<string>();
  for (const { event } of a.events) {
    types.add(event.type);
    const decoded = decodeEvent(JSON.parse(JSON.stringify(encodeEvent(event))));
    t.true(decoded.ok, decoded.ok ? '' : `${event.type}: ${decoded.error.path}: ${decoded.error.message}`);
  }
  for (let i = 0; i < 2; i++) {
    for (const { message } of (world.instance(`agent-${i}`) as BusyAgent).received) {
      types.add(message.type);
      const decoded = decodeAgentMessage(JSON.parse(JSON.stringify(encodeAgentMessage(message))));
      t.true(
        decoded.ok,
        decoded.ok ? '' : `${message.type}: ${decoded.error.path}: ${decoded.error.message}`,
      );
    }
  }
  for (const type of [
    'SUBSCRIBED',
    'HEARTBEAT',
    'OFFERS',
    'UPDATE',
    'RESCIND',
    'FAILURE',
    'AGENT_REGISTERED',
    'PING_AGENT',
    'RUN_TASK',
    'STATUS_UPDATE_ACKNOWLEDGEMENT',
  ]) {
    t.true(types.has(type), `saw ${type}`);
  }
});
