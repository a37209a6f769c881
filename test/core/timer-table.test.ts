/**
 * Timer kinds are a closed list per process (core/timer-table.ts): the tables take only their
 * process's kinds (checked by the compiler: the `@ts-expect-error` lines fail the typecheck if
 * a free string is ever accepted again), and every timer that fires in a simulated run carries
 * a declared kind.
 */
import test from 'ava';
import { AGENT_TIMERS } from '../../src/agent/timers.js';
import { type Env, HEALTH_WAKE_TAG, type TimerId } from '../../src/core/process.js';
import { isTimerKind, TimerMap, TimerTable } from '../../src/core/timer-table.js';
import type { Wire } from '../../src/core/wire.js';
import { EXECUTOR_TIMERS } from '../../src/driver/executor-process.js';
import { SCHEDULER_TIMERS } from '../../src/driver/scheduler-process.js';
import { SUBSCRIPTION_TIMERS } from '../../src/driver/subscription.js';
import { MASTER_TIMERS } from '../../src/master/timers.js';
import { chaosScenario } from '../../src/runtime/sim/chaos.js';
import { ScenarioRun } from '../../src/runtime/sim/scenario-run.js';
import { SIM_COMMAND_TIMERS } from '../../src/runtime/sim/sim-command-runner.js';
import type { TraceRecord } from '../../src/runtime/sim/trace.js';
import { validateScenario } from '../../src/scenario/validate.js';

/** An env that records the timers set and cancelled through it. */
function recordingEnv() {
  const set: [number, string][] = [];
  const cancelled: TimerId[] = [];
  let next = 1;
  const env = {
    setTimer: (delayMs: number, tag: string) => {
      set.push([delayMs, tag]);
      return next++;
    },
    cancelTimer: (id: TimerId) => void cancelled.push(id),
  } as unknown as Env<Wire>;
  return { env, set, cancelled };
}

test('a timer table sets its kinds as the tags, runs the action once, cancels only its pending ids', (t) => {
  const { env, set, cancelled } = recordingEnv();
  const table = new TimerTable(env, MASTER_TIMERS);
  let fired = 0;
  const a = table.set(-5, 'heartbeat', () => fired++);
  const b = table.set(10, 'offer-timeout', () => fired++);
  // @ts-expect-error: not one of the master's timer kinds
  table.set(1, 'subscribe', () => {});
  t.deepEqual(set.slice(0, 2), [
    [0, 'heartbeat'],
    [10, 'offer-timeout'],
  ]);
  t.true(table.fire(a));
  t.false(table.fire(a), 'an id fires once');
  t.is(fired, 1);
  table.cancel(a);
  table.cancel(b);
  t.deepEqual(cancelled, [b], 'only the pending one is cancelled through the env');
  t.false(table.fire(999), 'an id the table did not set is not its own');
});

test('a timer map keeps each timer kind and value until it fires or is cancelled', (t) => {
  const { env, set, cancelled } = recordingEnv();
  const timers = new TimerMap(SIM_COMMAND_TIMERS);
  const id = timers.set(env, 5, 'sim-command-exit', 'run-1');
  // @ts-expect-error: not one of the simulated runner's timer kinds
  timers.set(env, 5, 'child-command-exit', 'run-2');
  t.deepEqual(set[0], [5, 'sim-command-exit']);
  t.deepEqual(timers.take(id), { kind: 'sim-command-exit', value: 'run-1' });
  t.is(timers.take(id), undefined);
  timers.cancel(env, id);
  t.deepEqual(cancelled, [], 'a timer that fired is not cancelled');
});

test('isTimerKind tells a process its own kinds from the others on its env', (t) => {
  t.true(isTimerKind(AGENT_TIMERS, 'registration'));
  t.false(isTimerKind(AGENT_TIMERS, 'sim-command-exit'));
});

/**
 * Every kind a simulated cluster sets (live runners' kinds are not used in the simulated world).
 * HEALTH_WAKE_TAG is the world's own timer on an agent (core/process.ts HealthElision).
 */
const DECLARED = new Set<string>([
  ...MASTER_TIMERS,
  ...AGENT_TIMERS,
  ...SIM_COMMAND_TIMERS,
  ...SUBSCRIPTION_TIMERS,
  ...SCHEDULER_TIMERS,
  ...EXECUTOR_TIMERS,
  HEALTH_WAKE_TAG,
]);

test('every timer fired in chaos runs (crashes, partitions, failovers) has a declared kind', (t) => {
  const seen = new Map<string, number>();
  for (const seed of [1, 2, 3]) {
    const validated = validateScenario(chaosScenario(seed, 3));
    if (!validated.ok) throw new Error(JSON.stringify(validated.error));
    const run = new ScenarioRun(validated.value, {
      trace: (r: TraceRecord) => {
        if (r.kind === 'sim.timer') seen.set(r.tag as string, (seen.get(r.tag as string) ?? 0) + 1);
      },
      traceDeliveries: true,
    });
    run.advance(run.untilMs);
  }
  const undeclared = [...seen.keys()].filter((tag) => !DECLARED.has(tag));
  t.deepEqual(undeclared, []);
  // The runs reach the master's, the agents' and the command runner's timers, store
  // acknowledgements included. (The drivers' rarely fire: a subscription answered in time, no
  // missed heartbeats; their tables are checked by the compiler alone.)
  for (const tag of [
    'heartbeat',
    'registry-write',
    'registration',
    'agent-checkpoint-write',
    'sim-command-exit',
  ]) {
    t.true((seen.get(tag) ?? 0) > 0, `no ${tag} timer fired`);
  }
});
