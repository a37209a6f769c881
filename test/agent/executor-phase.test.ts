/**
 * The agent's executor phase table (Mesos `Executor::State`): the rules the handlers apply,
 * checked as properties of the whole table rather than cell by cell.
 */
import test from 'ava';
import type { ExecutorPhase } from '../../src/agent/book.js';
import {
  EXECUTOR_TRANSITIONS,
  type ExecutorPhaseEvent,
  nextExecutorPhase,
} from '../../src/agent/executor-phase.js';

const PHASES = Object.keys(EXECUTOR_TRANSITIONS) as ExecutorPhase[];
const EVENTS = Object.keys(EXECUTOR_TRANSITIONS.registering) as ExecutorPhaseEvent[];

/** Where each phase lies in an executor's life: it never goes back. */
const ORDER: Readonly<Record<ExecutorPhase, number>> = {
  registering: 0,
  running: 1,
  terminating: 2,
  terminated: 3,
};

test('an executor never goes back in its life, and TERMINATED takes no event', (t) => {
  for (const phase of PHASES) {
    for (const event of EVENTS) {
      const next = nextExecutorPhase(phase, event);
      if (next !== null) t.true(ORDER[next] >= ORDER[phase], `${phase} --${event}--> ${next}`);
    }
  }
  t.true(EVENTS.every((event) => nextExecutorPhase('terminated', event) === null));
});

test('only a subscription makes an executor RUNNING, and only its end TERMINATED', (t) => {
  for (const phase of PHASES) {
    for (const event of EVENTS) {
      const next = nextExecutorPhase(phase, event);
      if (next === 'running') t.is(event, 'subscribed');
      if (next === 'terminated') t.is(event, 'terminated');
    }
  }
  t.is(
    nextExecutorPhase('terminating', 'subscribed'),
    null,
    'a terminating executor cannot subscribe (Mesos refuses it)',
  );
  t.is(
    nextExecutorPhase('running', 'registration-timeout'),
    null,
    'the registration timeout only hits a registering one',
  );
});
