/**
 * The cluster conformance suite: one set of cases, written against the {@link ClusterHarness}
 * only, that every world runs (hono's `common.case.test.ts` pattern). `sim.test.ts` runs it on the
 * simulated world, `live.test.ts` on real servers, sockets and `sleep` processes. A world that
 * cannot run a case names it in its `skips` with the reason, and the reason is in the test's
 * title, so a skip is never silent.
 *
 * Each case builds its own small cluster (short health-check timings so that an agent's loss is
 * noticed in about 1.5 s), drives frameworks of {@link ProbeScheduler}s, and asserts what a
 * framework observes: the callbacks and task states Mesos gives for the same story.
 */
import type { ExecutionContext, TestFn } from 'ava';
import type { FrameworkInfo } from '../../src/core/messages/framework-info.js';
import type { TaskState } from '../../src/core/messages/task-state.js';
import { isTerminalState } from '../../src/core/messages/task-state.js';
import { parseResources } from '../../src/core/resource-text.js';
import type { MasterPlan } from '../../src/runtime/plan/cluster-plan.js';
import type { ClusterHarness } from '../../src/runtime/plan/harness.js';
import { ProbeScheduler, type TaskRequest } from './probe-scheduler.js';

/** The cases every world runs. */
export const CASES = [
  'launch',
  'finish',
  'fail',
  'kill',
  'reconcile',
  'failover timeout',
  'quota',
  'checkpoint',
  'agent crash and restart',
  'master crash and restart',
  'scheduler failover',
  'partition',
  'DRF example order',
] as const;

/** A case's name. */
export type CaseName = (typeof CASES)[number];

/** A world the suite runs in. */
export interface HarnessWorld {
  /** How test titles name the world (`sim`, `live`, `live --processes`). */
  readonly name: string;
  /** A fresh harness (no processes yet) for one case. */
  make(): Promise<ClusterHarness>;
  /** Cases this world does not run, each with the reason (printed in the test title). */
  readonly skips?: Partial<Record<CaseName, string>>;
}

/** Scenario ms a case waits for one thing to happen (real ms live at time scale 1). */
const WITHIN_MS = 20_000;

/** An agent's loss is noticed after 3 missed pings 500 ms apart. */
const PING_TIMEOUT_MS = 500;
const MAX_PING_TIMEOUTS = 3;

const MASTER: MasterPlan = {
  policy: 'drf',
  allocationIntervalMs: 100,
  weights: {},
  quotas: {},
  agentPingTimeoutMs: PING_TIMEOUT_MS,
  maxAgentPingTimeouts: MAX_PING_TIMEOUTS,
  filterGpuResources: true,
  offerTimeoutMs: undefined,
};

/** Registers every case with `test`, for `world`. */
export function clusterConformance(test: TestFn, world: HarnessWorld): void {
  for (const name of CASES) {
    const skip = world.skips?.[name];
    const title = `${world.name}: ${name}`;
    if (skip !== undefined) {
      test.skip(`${title} — not run in this world: ${skip}`, () => {});
      continue;
    }
    test.serial(title, async (t) => {
      const h = await world.make();
      try {
        await BODIES[name](t, h);
      } finally {
        await h.close();
      }
    });
  }
}

type Body = (t: ExecutionContext, h: ClusterHarness) => Promise<void>;

/** A master and `agents` agents of `resources` each, all registered. */
async function cluster(
  h: ClusterHarness,
  agents: number,
  resources = 'cpus:4;mem:1024',
  master: Partial<MasterPlan> = {},
): Promise<string[]> {
  const parsed = parseResources(resources);
  if (!parsed.ok) throw new Error(`bad resources ${resources}`);
  h.spawnMaster({ ...MASTER, ...master });
  const ids: string[] = [];
  for (let i = 0; i < agents; i++) {
    const id = `agent-${i}`;
    h.addAgent({ id, hostname: id, attributes: [], resources: parsed.value, startMs: 0 }, () => parsed.value);
    h.start(id);
    ids.push(id);
  }
  await h.ready();
  return ids;
}

/** A subscribed framework `name` in `role`. */
async function framework(
  t: ExecutionContext,
  h: ClusterHarness,
  name: string,
  info: Partial<FrameworkInfo> = {},
  probe = new ProbeScheduler(name),
): Promise<{ probe: ProbeScheduler; info: FrameworkInfo; address: string }> {
  const full: FrameworkInfo = { user: 'agora', name, role: name, failover_timeout: 60, ...info };
  const address = `scheduler-${name}`;
  h.spawnFramework(address, probe, full);
  t.true(await h.runUntil(() => probe.frameworkId !== undefined, WITHIN_MS), `${name} subscribes`);
  return { probe, info: full, address };
}

/** A `sleep` of `seconds` scenario seconds (the harness runs them faster live). */
function sleep(h: ClusterHarness, seconds: number, exit?: number): string {
  const real = Number((seconds / h.timeScale).toFixed(3));
  return exit === undefined ? `sleep ${real}` : `sleep ${real}; exit ${exit}`;
}

function task(id: string, command: string, cpus = 1, mem = 64): TaskRequest {
  return { id, command, cpus, mem };
}

/** Waits until `taskId`'s latest state is `state`; fails the test with what was seen otherwise. */
async function reaches(
  t: ExecutionContext,
  h: ClusterHarness,
  probe: ProbeScheduler,
  taskId: string,
  state: TaskState,
): Promise<void> {
  const ok = await h.runUntil(() => probe.latest(taskId) === state, WITHIN_MS);
  t.true(ok, `${taskId} reaches ${state}; it went through [${probe.states(taskId).join(', ')}]`);
}

/** A running task `t1` of a fresh framework on a one-agent cluster. */
async function runningTask(t: ExecutionContext, h: ClusterHarness, info: Partial<FrameworkInfo> = {}) {
  await cluster(h, 1);
  const f = await framework(t, h, 'a', info);
  f.probe.launch(task('t1', sleep(h, 1000)));
  await reaches(t, h, f.probe, 't1', 'TASK_RUNNING');
  return f;
}

/** Asks for implicit reconciliation and waits for `taskId`'s answer; returns its state. */
async function reconciled(
  h: ClusterHarness,
  probe: ProbeScheduler,
  taskId: string,
): Promise<string | undefined> {
  const before = probe.updates.length;
  probe.driver?.reconcileTasks([]);
  const answer = () =>
    probe.updates
      .slice(before)
      .find((u) => u.task_id.value === taskId && u.reason === 'REASON_RECONCILIATION');
  await h.runUntil(() => answer() !== undefined, WITHIN_MS);
  return answer()?.state;
}

const BODIES: Record<CaseName, Body> = {
  async launch(t, h) {
    const { probe } = await runningTask(t, h);
    const running = probe.updates.find((u) => u.state === 'TASK_RUNNING');
    t.is(
      running?.agent_id?.value,
      probe.launches[0]?.agentId,
      'RUNNING comes from the agent the task went to',
    );
    t.deepEqual(probe.errors, []);
  },

  async finish(t, h) {
    await cluster(h, 1);
    const { probe } = await framework(t, h, 'a');
    probe.launch(task('t1', sleep(h, 0.5)));
    await reaches(t, h, probe, 't1', 'TASK_FINISHED');
    t.true(probe.states('t1').includes('TASK_RUNNING'), 'it ran before it finished');
  },

  async fail(t, h) {
    await cluster(h, 1);
    const { probe } = await framework(t, h, 'a');
    probe.launch(task('t1', sleep(h, 0.2, 3)));
    await reaches(t, h, probe, 't1', 'TASK_FAILED');
  },

  async kill(t, h) {
    const { probe } = await runningTask(t, h);
    probe.driver?.killTask({ value: 't1' });
    await reaches(t, h, probe, 't1', 'TASK_KILLED');
  },

  async reconcile(t, h) {
    const { probe } = await runningTask(t, h);
    t.is(
      await reconciled(h, probe, 't1'),
      'TASK_RUNNING',
      'implicit reconciliation reports the running task',
    );
    // Explicit reconciliation of a task the master never heard of: TASK_LOST for a framework
    // that is not partition-aware (mesos.md §5.4, Mesos's reconciliation document).
    const before = probe.updates.length;
    probe.driver?.reconcileTasks([{ task_id: { value: 'ghost' } }]);
    await h.runUntil(() => probe.updates.slice(before).some((u) => u.task_id.value === 'ghost'), WITHIN_MS);
    const ghost = probe.updates.slice(before).find((u) => u.task_id.value === 'ghost');
    t.is(ghost?.state, 'TASK_LOST');
    t.is(ghost?.reason, 'REASON_RECONCILIATION');
  },

  async 'failover timeout'(t, h) {
    // A scheduler that does not come back within its failover timeout is removed, and its id
    // can no longer subscribe (Mesos: "Framework has been removed").
    const { probe, info, address } = await runningTask(t, h, { failover_timeout: 1 });
    const id = probe.frameworkId as string;
    h.crash(address);
    await h.runTo(h.now() + 3000);
    h.failoverFramework(address, { ...info, id: { value: id } });
    t.true(await h.runUntil(() => probe.errors.length > 0, WITHIN_MS), 'the failover is refused');
    t.regex(probe.errors[0] ?? '', /removed/i);
  },

  async quota(t, h) {
    // A role with a quota limit of 2 cpus gets no more than 2 of the agent's 4 cpus, however
    // much it asks for; what it frees it may take again.
    await cluster(h, 1, 'cpus:4;mem:1024', { quotas: { q: { cpus: 2 } } });
    const { probe } = await framework(t, h, 'q', { role: 'q' });
    probe.launch(...[1, 2, 3, 4].map((i) => task(`t${i}`, sleep(h, 1000))));
    t.true(await h.runUntil(() => probe.countIn('TASK_RUNNING') === 2, WITHIN_MS), 'two tasks run');
    await h.runTo(h.now() + 2000); // twenty allocation cycles
    t.is(probe.launches.length, 2, 'no launch past the limit');
    t.is(probe.pending, 2);
    const first = probe.launches[0]?.taskId as string;
    probe.driver?.killTask({ value: first });
    t.true(await h.runUntil(() => probe.launches.length === 3, WITHIN_MS), 'a freed cpu is taken again');
  },

  async checkpoint(t, h) {
    // The agent process dies and comes back on its work dir: a checkpointing framework's task
    // lives on, and the recovered agent reports it running (Mesos agent recovery).
    const { probe } = await runningTask(t, h, { checkpoint: true });
    h.crash('agent-0');
    await h.runTo(h.now() + 200);
    h.restart('agent-0');
    await h.runTo(h.now() + 1000);
    t.is(await reconciled(h, probe, 't1'), 'TASK_RUNNING');
    t.false(probe.states('t1').some(isTerminalState), `t1 never ended: [${probe.states('t1').join(', ')}]`);
  },

  async 'agent crash and restart'(t, h) {
    // Without checkpointing the task dies with the agent process; the restarted agent comes
    // back empty and takes new tasks.
    const { probe } = await runningTask(t, h);
    h.crash('agent-0');
    await h.runTo(h.now() + 200);
    h.restart('agent-0');
    t.true(
      await h.runUntil(() => isTerminalState(probe.latest('t1') ?? 'TASK_RUNNING'), WITHIN_MS),
      't1 ends',
    );
    t.is(probe.latest('t1'), 'TASK_LOST');
    probe.launch(task('t2', sleep(h, 1000)));
    await reaches(t, h, probe, 't2', 'TASK_RUNNING');
  },

  async 'master crash and restart'(t, h) {
    // The master dies and restarts on its registry: the framework subscribes again with its id,
    // the agent registers again with its task, which reconciles RUNNING; new tasks launch.
    const { probe } = await runningTask(t, h);
    const id = probe.frameworkId;
    h.crash('master');
    await h.runTo(h.now() + 300);
    h.restart('master');
    t.true(
      await h.runUntil(() => probe.reregistrations + probe.registrations > 1, WITHIN_MS),
      'the framework is subscribed again',
    );
    t.is(probe.frameworkId, id, 'with its id');
    await h.runTo(h.now() + 2000); // the agent re-registers (its ping timeout notices the master)
    t.is(await reconciled(h, probe, 't1'), 'TASK_RUNNING');
    probe.launch(task('t2', sleep(h, 1000)));
    await reaches(t, h, probe, 't2', 'TASK_RUNNING');
  },

  async 'scheduler failover'(t, h) {
    // The scheduler dies; a new driver subscribes with the framework id within the failover
    // timeout: same framework, its task still running.
    const { probe, info, address } = await runningTask(t, h);
    const id = probe.frameworkId as string;
    h.crash(address);
    await h.runTo(h.now() + 300);
    h.failoverFramework(address, { ...info, id: { value: id } });
    t.true(await h.runUntil(() => probe.registrations === 2, WITHIN_MS), 'the new driver is subscribed');
    t.is(probe.frameworkId, id);
    t.is(await reconciled(h, probe, 't1'), 'TASK_RUNNING');
    t.deepEqual(probe.errors, []);
  },

  async partition(t, h) {
    // A partition shorter than the health-check timeout costs nothing; a longer one makes the
    // agent unreachable and its task TASK_LOST to a framework that is not partition-aware.
    const { probe } = await runningTask(t, h);
    h.partition('master', 'agent-0', false);
    await h.runTo(h.now() + PING_TIMEOUT_MS);
    h.heal('master', 'agent-0');
    await h.runTo(h.now() + 2 * PING_TIMEOUT_MS * MAX_PING_TIMEOUTS);
    t.false(
      probe.states('t1').some(isTerminalState),
      `a short partition: [${probe.states('t1').join(', ')}]`,
    );
    h.partition('master', 'agent-0', false);
    await reaches(t, h, probe, 't1', 'TASK_LOST');
    h.heal('master', 'agent-0');
  },

  async 'DRF example order'(t, h) {
    const run = await drfExample(h, 'drf');
    t.true(run.settled, `A runs 3 and B 2 (A ${run.a}, B ${run.b})`);
    t.is(run.a, 3);
    t.is(run.b, 2);
    t.true(run.inDrfOrder, `every launch to the smaller dominant share: order ${run.order}`);
  },
};

/** What the DRF paper's example came to. */
export interface DrfExampleRun {
  /** Whether A came to run 3 tasks and B 2. */
  readonly settled: boolean;
  /** Tasks launched by A and by B. */
  readonly a: number;
  readonly b: number;
  /** The launches in order, by framework (`abab…`). */
  readonly order: string;
  /** Whether every launch went to the framework with the smaller dominant share then (ties either way). */
  readonly inDrfOrder: boolean;
}

/**
 * The DRF paper's example (Ghodsi et al. 2011, §4) under `policy`: 9 cpus and 18 GB; A's tasks
 * need <1 cpu, 4 GB>, B's <3 cpus, 1 GB>, one task per offer. Under DRF each offer goes to whoever
 * has the smaller dominant share, so A ends with 3 tasks and B with 2 (both at 2/3). Exported
 * so that a test can show the check catches a policy that is not DRF.
 */
export async function drfExample(h: ClusterHarness, policy: string): Promise<DrfExampleRun> {
  await cluster(h, 1, 'cpus:9;mem:18432', { policy });
  const a = new ProbeScheduler('a', { tasksPerOffer: 1 });
  const b = new ProbeScheduler('b', { tasksPerOffer: 1 });
  h.spawnFramework('scheduler-a', a, { user: 'agora', name: 'a', role: 'a', failover_timeout: 60 });
  h.spawnFramework('scheduler-b', b, { user: 'agora', name: 'b', role: 'b', failover_timeout: 60 });
  a.launch(...Array.from({ length: 10 }, (_, i) => task(`a${i}`, sleep(h, 1000), 1, 4096)));
  b.launch(...Array.from({ length: 10 }, (_, i) => task(`b${i}`, sleep(h, 1000), 3, 1024)));
  const settled = await h.runUntil(
    () => a.countIn('TASK_RUNNING') === 3 && b.countIn('TASK_RUNNING') === 2,
    WITHIN_MS,
  );
  await h.runTo(h.now() + 1000);
  const order = [...a.launches, ...b.launches]
    .sort((x, y) => x.seq - y.seq)
    .map((l) => l.taskId[0] as 'a' | 'b');
  const share = { a: 0, b: 0 };
  const step = { a: 4096 / 18432, b: 3 / 9 };
  let inDrfOrder = true;
  for (const who of order) {
    if (share[who] > share[who === 'a' ? 'b' : 'a'] + 1e-9) inDrfOrder = false;
    share[who] += step[who];
  }
  return { settled, a: a.launches.length, b: b.launches.length, order: order.join(''), inDrfOrder };
}
