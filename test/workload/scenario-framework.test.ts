/**
 * The scenario framework as a careful Mesos framework: a task it wrote off after TASK_LOST
 * that comes back running is killed, and asked about until it is heard to end.
 */
import test from 'ava';
import type { TaskState } from '../../src/core/messages/task-state.js';
import type { SchedulerDriver } from '../../src/driver/scheduler.js';
import { RunRecorder } from '../../src/metrics/run-recorder.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { ScenarioFramework } from '../../src/workload/scenario-framework.js';

/** A driver that records the calls the framework makes. */
function recordingDriver() {
  const calls: string[] = [];
  const driver = {
    launchTasks: (_offers: unknown, tasks: readonly { task_id: { value: string } }[]) => {
      calls.push(`launch ${tasks.map((task) => task.task_id.value).join(',')}`);
    },
    declineOffer: () => calls.push('decline'),
    suppressOffers: () => calls.push('suppress'),
    reviveOffers: () => calls.push('revive'),
    killTask: (id: { value: string }) => calls.push(`kill ${id.value}`),
    reconcileTasks: (tasks: readonly { task_id: { value: string } }[]) => {
      calls.push(`reconcile ${tasks.map((task) => task.task_id.value).join(',')}`);
    },
  } as unknown as SchedulerDriver;
  return { driver, calls };
}

function framework(): ScenarioFramework {
  const validated = validateScenario({
    name: 'unit',
    until: 100,
    agents: [{ resources: 'cpus:4;mem:4096' }],
    frameworks: [
      {
        name: 'web',
        jobs: [{ name: 'frontend', at: 1, tasks: 1, resources: 'cpus:1', duration: 'forever' }],
      },
    ],
  });
  if (!validated.ok) throw new Error(JSON.stringify(validated.error));
  const spec = validated.value.frameworks[0];
  if (spec === undefined) throw new Error('no framework');
  return new ScenarioFramework({
    spec,
    refuseSeconds: 5,
    clock: () => 0,
    durationRandom: () => 0.5,
    failureRandom: () => 0.5,
    recorder: new RunRecorder([{ name: 'web', weight: 1 }], new Map([['cpus', 4000]])),
  });
}

const update = (state: TaskState) => ({
  task_id: { value: 'frontend.0' },
  state,
  agent_id: { value: 'S0' },
});

test('a task written off after TASK_LOST that comes back running is killed until it ends', (t) => {
  const f = framework();
  const { driver, calls } = recordingDriver();
  f.registered(driver, { value: 'F' }, undefined);
  f.submit('frontend');
  f.resourceOffers(driver, [
    {
      id: { value: 'O1' },
      framework_id: { value: 'F' },
      agent_id: { value: 'S0' },
      hostname: 'agent-0',
      resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 4 } }],
    },
  ]);
  t.true(f.believesLive('frontend.0'));
  f.statusUpdate(driver, update('TASK_LOST'));
  t.false(f.believesLive('frontend.0'), 'written off');
  calls.length = 0;
  f.statusUpdate(driver, update('TASK_RUNNING'));
  t.deepEqual(calls, ['kill frontend.0']);
  f.reconcileLive();
  t.deepEqual(calls, ['kill frontend.0', 'reconcile frontend.0'], 'a kill can be lost: it asks again');
  f.statusUpdate(driver, update('TASK_RUNNING'));
  t.is(calls.at(-1), 'kill frontend.0', 'and kills again while it hears the task running');
  f.statusUpdate(driver, update('TASK_KILLED'));
  calls.length = 0;
  f.reconcileLive();
  t.deepEqual(calls, [], 'once it ended there is nothing left to ask about');
  t.false(f.believesLive('frontend.0'), 'never taken back');
});
