/**
 * Agent crash and restart with and without its checkpoint, in whole simulated clusters
 * (mesos.md §7.2; docs/agent-recovery.md; slave_recovery_tests RecoverStatusUpdateManager,
 * ReconnectExecutor, RecoverTerminatedExecutor, CleanupExecutor).
 */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import type { Agent } from '../../../src/agent/agent.js';
import { CHECKPOINT_KEY, checkpointedUpdateUuids, parseCheckpoint } from '../../../src/agent/checkpoint.js';
import type { Wire } from '../../../src/core/wire.js';
import type { Master } from '../../../src/master/master.js';
import { InvariantChecker } from '../../../src/runtime/sim/invariants.js';
import { ScenarioRun } from '../../../src/runtime/sim/scenario-run.js';
import type { WorldObserver } from '../../../src/runtime/sim/world.js';
import type { FaultInput, FrameworkInput, ScenarioFile } from '../../../src/scenario/schema.js';
import { validateScenario } from '../../../src/scenario/validate.js';

interface Checked {
  readonly run: ScenarioRun;
  readonly checker: InvariantChecker;
}

/** One agent, framework A (checkpointing unless `framework` says otherwise), checked throughout. */
function cluster(
  faults: FaultInput[],
  framework: Partial<FrameworkInput> = {},
  watcher?: WorldObserver<Wire>,
): Checked {
  const file: ScenarioFile = {
    name: 'agent-recovery',
    seed: 11,
    until: 600,
    agents: [{ count: 1, resources: 'cpus:4;mem:4096' }],
    frameworks: [
      {
        name: 'A',
        checkpoint: true,
        reconcileInterval: 60,
        jobs: [{ at: 1, tasks: 2, resources: 'cpus:1;mem:256', duration: 100 }],
        ...framework,
      },
    ],
    faults,
  };
  const v = validateScenario(file);
  if (!v.ok) throw new Error(JSON.stringify(v.error));
  const checker = new InvariantChecker();
  const observer: WorldObserver<Wire> =
    watcher === undefined
      ? checker
      : {
          sent: (from, to, msg, nowMs) => {
            watcher.sent?.(from, to, msg, nowMs);
            checker.sent(from, to, msg, nowMs);
          },
          delivered: (from, to, msg, nowMs) => checker.delivered(from, to, msg, nowMs),
          afterEvent: (nowMs) => checker.afterEvent(nowMs),
        };
  const run = new ScenarioRun(v.value, { trace: 'memory', observer });
  checker.attach(run.world);
  return { run, checker };
}

const agentOf = (run: ScenarioRun) => run.world.instance('agent-0') as Agent;
const masterOf = (run: ScenarioRun) => run.world.instance('master') as Master;
const tracesOf = (run: ScenarioRun, kind: string) => run.world.traceLines().filter((l) => l.includes(kind));

test('a checkpointing framework’s tasks survive an agent process crash: same agent id, tasks finish', (t) => {
  const { run, checker } = cluster([
    { kind: 'agent-crash', at: 20, agent: 0, restartAfter: 10, recover: 'reconnect' },
  ]);
  run.advance(19_000);
  const id = agentOf(run).agentId ?? t.fail('the agent has no id');
  const checkpoint = parseCheckpoint(run.world.diskContents('agent-0').get(CHECKPOINT_KEY) ?? '');
  t.is(checkpoint.agentId, id);
  t.is(checkpoint.frameworks[0]?.executors.length, 2, 'both command tasks are checkpointed');
  run.advance(60_000);
  t.is(agentOf(run).agentId, id, 'it reregistered under its id');
  t.is(agentOf(run).state().frameworks[0]?.executors.length, 2, 'it reattached to both commands');
  const s = run.runToEnd();
  t.like(s.frameworks.A, { tasksFinished: 2, tasksLost: 0, tasksFailed: 0 });
  t.is(checker.violation, undefined);
  t.deepEqual(
    masterOf(run)
      .agentUsage()
      .map((a) => a.id),
    [id],
    'the master never saw another agent',
  );
});

test('a reboot: the agent comes back empty with a new id and the tasks are lost', (t) => {
  const { run, checker } = cluster([
    { kind: 'agent-crash', at: 20, agent: 0, restartAfter: 10, recover: 'reboot' },
  ]);
  run.advance(19_000);
  const id = agentOf(run).agentId;
  run.advance(60_000);
  t.not(agentOf(run).agentId, id);
  const s = run.runToEnd();
  t.is(s.frameworks.A?.tasksFinished, 0);
  t.true((s.frameworks.A?.tasksLost ?? 0) >= 2, JSON.stringify(s.frameworks.A));
  t.is(checker.violation, undefined);
});

test('a framework that does not checkpoint loses its tasks even when the agent reconnects', (t) => {
  const { run, checker } = cluster(
    [{ kind: 'agent-crash', at: 20, agent: 0, restartAfter: 10, recover: 'reconnect' }],
    {
      checkpoint: false,
    },
  );
  run.advance(19_000);
  const id = agentOf(run).agentId;
  const checkpoint = parseCheckpoint(run.world.diskContents('agent-0').get(CHECKPOINT_KEY) ?? '');
  t.deepEqual(checkpoint.frameworks, [], 'nothing of it is checkpointed');
  run.advance(60_000);
  t.is(agentOf(run).agentId, id, 'the agent itself still reregisters under its id');
  const s = run.runToEnd();
  t.is(s.frameworks.A?.tasksFinished, 0);
  t.true((s.frameworks.A?.tasksLost ?? 0) >= 2);
  t.is(checker.violation, undefined);
});

test('a command that ends while its agent is down is reported once the agent is back', (t) => {
  // The tasks end at 101 s; the agent is down from 90 s to 150 s.
  const { run, checker } = cluster([
    { kind: 'agent-crash', at: 90, agent: 0, restartAfter: 60, recover: 'reconnect' },
  ]);
  const s = run.runToEnd();
  t.like(s.frameworks.A, { tasksFinished: 2, tasksLost: 0 });
  t.is(checker.violation, undefined);
  const finished = tracesOf(run, 'TASK_FINISHED').filter((l) => l.includes('agent.task'));
  t.true(finished.length >= 2, 'the agent reported both ends');
  t.true(tracesOf(run, 'agent.recovered').length === 1);
});

test('every update of a checkpointing framework is on the agent’s disk whenever it is sent', (t) => {
  const sentWhileNotDurable: string[] = [];
  let sent = 0;
  let world: ScenarioRun['world'] | undefined;
  const observer: WorldObserver<Wire> = {
    sent(from, _to, msg) {
      if (from !== 'agent-0' || msg.channel !== 'agent' || msg.message.type !== 'STATUS_UPDATE') return;
      sent++;
      const text = world?.diskContents('agent-0').get(CHECKPOINT_KEY);
      const durable = text === undefined ? new Set() : checkpointedUpdateUuids(parseCheckpoint(text));
      const { uuid, status } = msg.message.update;
      if (!durable.has(uuid)) sentWhileNotDurable.push(`${status.task_id.value} ${status.state}`);
    },
  };
  const { run, checker } = cluster(
    [],
    { jobs: [{ at: 1, tasks: 8, resources: 'cpus:1;mem:256', duration: 30, failRate: 0.3 }] },
    observer,
  );
  world = run.world;
  const s = run.runToEnd();
  t.is((s.frameworks.A?.tasksFinished ?? 0) + (s.frameworks.A?.tasksFailed ?? 0), 8);
  t.true(sent >= 8 * 3, `${sent} updates sent`);
  t.deepEqual(sentWhileNotDurable, []);
  t.is(checker.violation, undefined);
});

testProp(
  'whenever the agent process crashes, if it is back before the master gives up on it, no checkpointed task is lost',
  [fc.integer({ min: 3, max: 150 }), fc.integer({ min: 1, max: 60 })],
  (t, crashAtS, downS) => {
    const { run, checker } = cluster([
      { kind: 'agent-crash', at: crashAtS, agent: 0, restartAfter: downS, recover: 'reconnect' },
    ]);
    const s = run.runToEnd();
    t.like(s.frameworks.A, { tasksFinished: 2, tasksLost: 0, tasksFailed: 0 });
    t.is(checker.violation, undefined);
  },
  { numRuns: 15 },
);
