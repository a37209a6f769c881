/**
 * The live kill test, shared by `test/runtime/live/kill-recovery.test.ts` (a few rounds) and
 * `bench/live-kill.ts` (as many as asked): a real `agora master` and `agora agent` processes on
 * loopback, two frameworks launching tasks all along, and rounds in which the master, an agent,
 * or both are killed with SIGKILL and restarted on their work dirs. Then it checks what the
 * frameworks believe against what really runs:
 *
 * - every launched task ends in a state its framework heard, or still runs and reconciles
 *   (its framework's explicit reconciliation answers TASK_RUNNING, its agent lists it, and its
 *   process is alive); a task that is neither is **lost**, and so is one whose framework heard a
 *   terminal state while its process still runs;
 * - no task process is left without an owner: every process marked with an agent's work dir
 *   (task-processes.ts) belongs to a task its running agent lists as launched. Others are
 *   **orphans**.
 *
 * The frameworks: `keeper` checkpoints and is PARTITION_AWARE (its tasks survive agent crashes;
 * the master tells it precise states: TASK_DROPPED, TASK_GONE, TASK_UNREACHABLE rather than
 * TASK_LOST), with a 30-day failover_timeout; `mortal` does neither, so its tasks die with their
 * agent and it hears TASK_LOST for them, as Mesos does. Both launch short tasks (`sleep 0.3` to
 * `sleep 6`, some `exit 3`) on every offer while the rounds go on, and keeper keeps a few
 * `sleep 3600` tasks running from the start to the end.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameworkID } from '../../../src/core/messages/ids.js';
import type { Offer } from '../../../src/core/messages/offer.js';
import type { ReconcileTask } from '../../../src/core/messages/scheduler-call.js';
import { isTerminalState } from '../../../src/core/messages/task-state.js';
import type { TaskStatus } from '../../../src/core/messages/task-status.js';
import type { Scheduler, SchedulerDriver } from '../../../src/driver/index.js';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { markedProcesses, stillRunning } from '../../../src/runtime/live/task-processes.js';
import { patient } from '../../patience.js';
import { eventually } from './harness.js';
import { freePort, killHard, type Started, startAgora } from './processes.js';

/** Short tasks, in turn: what each runs. */
const SHORT = ['sleep 0.3', 'sleep 1', 'sleep 2; exit 3', 'sleep 3', 'sleep 6'];

/** What one task went through, as its framework heard it. */
export interface TaskRecord {
  readonly id: string;
  readonly agentId: string;
  readonly long: boolean;
  readonly heard: string[];
  /** What was heard, with the reasons. */
  readonly log: string[];
  /** The answer to the last explicit reconciliation, if any came. */
  reconciled: string | undefined;
}

/** Launches tasks on every offer while `launching`, and records everything it hears. */
class Churner implements Scheduler {
  readonly tasks = new Map<string, TaskRecord>();
  readonly events: string[] = [];
  launching = true;
  subscriptions = 0;
  #next = 0;
  #longLeft: number;
  readonly #name: string;

  constructor(name: string, longTasks: number) {
    this.#name = name;
    this.#longLeft = longTasks;
  }

  registered(_d: SchedulerDriver, id: FrameworkID): void {
    this.subscriptions++;
    this.events.push(`registered ${id.value}`);
  }
  reregistered(): void {
    this.subscriptions++;
    this.events.push('reregistered');
  }
  disconnected(): void {
    this.events.push('disconnected');
  }
  offerRescinded(): void {}
  frameworkMessage(): void {}
  slaveLost(_d: SchedulerDriver, id: { value: string }): void {
    this.events.push(`agent lost ${id.value}`);
  }
  executorLost(): void {}
  error(_d: SchedulerDriver, message: string): void {
    this.events.push(`error ${message}`);
  }

  resourceOffers(driver: SchedulerDriver, offers: readonly Offer[]): void {
    for (const offer of offers) {
      if (!this.launching) {
        driver.declineOffer(offer.id, { refuse_seconds: 3600 });
        continue;
      }
      const scalar = (name: string) =>
        (offer.resources ?? [])
          .filter((r) => r.name === name)
          .reduce((n, r) => n + (r.scalar?.value ?? 0), 0);
      const fit = Math.min(3, Math.floor(scalar('cpus') / 0.1 + 1e-9), Math.floor(scalar('mem') / 16));
      if (fit === 0) {
        driver.declineOffer(offer.id, { refuse_seconds: 1 });
        continue;
      }
      const batch = Array.from({ length: fit }, () => {
        const long = this.#longLeft > 0;
        if (long) this.#longLeft--;
        const id = `${this.#name}-${this.#next}`;
        const command = long ? 'sleep 3600' : (SHORT[this.#next % SHORT.length] as string);
        this.#next++;
        this.tasks.set(id, {
          id,
          agentId: offer.agent_id.value,
          long,
          heard: [],
          log: [],
          reconciled: undefined,
        });
        return {
          name: id,
          task_id: { value: id },
          agent_id: offer.agent_id,
          resources: [
            { name: 'cpus', type: 'SCALAR' as const, scalar: { value: 0.1 } },
            { name: 'mem', type: 'SCALAR' as const, scalar: { value: 16 } },
          ],
          command: { value: command },
        };
      });
      driver.launchTasks([offer.id], batch, { refuse_seconds: 0.2 });
    }
  }

  statusUpdate(_d: SchedulerDriver, status: TaskStatus): void {
    const task = this.tasks.get(status.task_id.value);
    if (task === undefined) return;
    if (status.reason === 'REASON_RECONCILIATION') task.reconciled = status.state;
    task.heard.push(status.state);
    task.log.push(`${status.state}${status.reason === undefined ? '' : `(${status.reason})`}`);
  }

  /** The last state heard of `task`. */
  static last(task: TaskRecord): string | undefined {
    return task.heard.at(-1);
  }

  /** Tasks whose last heard state is not terminal (STAGING included: nothing heard yet). */
  unsettled(): TaskRecord[] {
    return [...this.tasks.values()].filter((t) => {
      const last = Churner.last(t);
      return last === undefined || !isTerminalState(last as never);
    });
  }

  /** Asks for the latest state of every unsettled task (explicit reconciliation). */
  reconcile(driver: SchedulerDriver): void {
    const tasks: ReconcileTask[] = this.unsettled().map((t) => ({
      task_id: { value: t.id },
      agent_id: { value: t.agentId },
    }));
    for (const t of this.unsettled()) t.reconciled = undefined;
    if (tasks.length > 0) driver.reconcileTasks(tasks);
  }
}

/** The figures a kill run prints. */
export interface KillFigures {
  readonly rounds: number;
  /** By kind: `agent`, `master`, `both`. */
  readonly kills: Readonly<Record<string, number>>;
  readonly launched: number;
  /** Tasks whose fate their framework got wrong or never learned (must be 0). */
  readonly lost: number;
  /** Task processes no running agent owns (must be 0). */
  readonly orphans: number;
  /** Tasks still running at the end, confirmed by reconciliation, their agent and /proc. */
  readonly running: number;
  /** Terminal states heard, by framework and state (what each framework was told). */
  readonly terminal: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** What went wrong, one line per lost task or orphan. */
  readonly problems: readonly string[];
  /** What each task that ended otherwise than finished or failed heard, one line each. */
  readonly notes: readonly string[];
}

/** Options of {@link killRounds}. */
export interface KillOptions {
  readonly rounds: number;
  readonly agents?: number;
  readonly log?: (line: string) => void;
}

/**
 * Health checks that leave a restarted agent 8 s to come back before the master writes it off
 * (and agents notice a dead master after as long), fast allocation, recovered agents a minute to
 * reregister.
 */
const MASTER_FLAGS = [
  '--agent-ping-timeout',
  '0.5',
  '--max-agent-ping-timeouts',
  '16',
  '--allocation-interval',
  '0.1',
  '--agent-reregister-timeout',
  '60',
];

interface Node {
  started: Started;
  readonly port: number;
  readonly workDir: string;
}

/** Runs the kill test (see the module comment). */
export async function killRounds(options: KillOptions): Promise<KillFigures> {
  const log = options.log ?? (() => {});
  const masterPort = await freePort();
  const masterDir = mkdtempSync(join(tmpdir(), 'agora-kill-master-'));
  const masterUrl = `http://127.0.0.1:${masterPort}`;
  const startMaster = () =>
    startAgora(
      ['master', '--port', String(masterPort), '--work-dir', masterDir, ...MASTER_FLAGS],
      /listening on/u,
      patient(30_000),
    );
  const startAgent = (port: number, workDir: string) =>
    startAgora(
      [
        'agent',
        '--master',
        `127.0.0.1:${masterPort}`,
        '--port',
        String(port),
        '--work-dir',
        workDir,
        '--resources',
        'cpus:4;mem:4096',
        '--recovery-timeout',
        '300',
      ],
      /agora agent: (agent@\S+)/u,
      patient(30_000),
    );
  const master: Node = { started: await startMaster(), port: masterPort, workDir: masterDir };
  const agents: Node[] = [];
  for (let i = 0; i < (options.agents ?? 2); i++) {
    const port = await freePort();
    const workDir = mkdtempSync(join(tmpdir(), 'agora-kill-agent-'));
    agents.push({ started: await startAgent(port, workDir), port, workDir });
  }
  const keeper = new Churner('keeper', 4);
  const mortal = new Churner('mortal', 0);
  const frameworks = [
    {
      name: 'keeper',
      churner: keeper,
      ...liveSchedulerDriver(
        keeper,
        {
          user: 'tester',
          name: 'keeper',
          checkpoint: true,
          failover_timeout: 30 * 24 * 3600,
          capabilities: [{ type: 'PARTITION_AWARE' }],
        },
        { masterUrl },
      ),
    },
    {
      name: 'mortal',
      churner: mortal,
      ...liveSchedulerDriver(
        mortal,
        { user: 'tester', name: 'mortal', failover_timeout: 3600 },
        { masterUrl },
      ),
    },
  ];
  const kills: Record<string, number> = { agent: 0, master: 0, both: 0 };
  const running = () =>
    [...keeper.tasks.values(), ...mortal.tasks.values()].filter((t) => Churner.last(t) === 'TASK_RUNNING')
      .length;
  const ended = () =>
    [...keeper.tasks.values(), ...mortal.tasks.values()].filter((t) => {
      const last = Churner.last(t);
      return last !== undefined && isTerminalState(last as never);
    }).length;
  const agentUp = async (a: Node) => {
    try {
      return (
        ((await (await fetch(`http://127.0.0.1:${a.port}/state`)).json()) as { phase: string }).phase ===
        'registered'
      );
    } catch {
      return false;
    }
  };
  const clusterUp = async () => {
    try {
      const state = (await (await fetch(`${masterUrl}/master/state`)).json()) as {
        activated_slaves: number;
        frameworks: { active: boolean }[];
      };
      return (
        state.activated_slaves === agents.length && state.frameworks.filter((f) => f.active).length === 2
      );
    } catch {
      return false;
    }
  };
  try {
    for (const f of frameworks) f.driver.start();
    await eventually(
      () => keeper.tasks.size > 0 && mortal.tasks.size > 0 && running() >= 6,
      60_000,
      'tasks to run',
    );
    for (let round = 1; round <= options.rounds; round++) {
      const kind = (['agent', 'master', 'both'] as const)[(round - 1) % 3] as 'agent' | 'master' | 'both';
      const agent = agents[(round - 1) % agents.length] as Node;
      const subscriptions = keeper.subscriptions + mortal.subscriptions;
      const endedBefore = ended();
      kills[kind] = (kills[kind] ?? 0) + 1;
      log(
        `round ${round}: SIGKILL ${kind === 'agent' ? 'an agent' : kind === 'master' ? 'the master' : 'the master and an agent'}`,
      );
      if (kind !== 'agent') await killHard(master.started.child);
      if (kind !== 'master') await killHard(agent.started.child);
      if (kind !== 'agent') master.started = await startMaster();
      if (kind !== 'master') agent.started = await startAgent(agent.port, agent.workDir);
      if (kind !== 'agent') {
        await eventually(
          () => keeper.subscriptions + mortal.subscriptions >= subscriptions + 2,
          60_000,
          'both frameworks to subscribe again',
        );
      }
      await eventually(clusterUp, 60_000, 'every agent and framework back');
      for (const a of agents) await eventually(() => agentUp(a), 30_000, 'every agent registered');
      // Under load between rounds: some more tasks launched and ended.
      await eventually(() => ended() >= endedBefore + 6, 60_000, 'more tasks to end');
    }
    log('rounds done: stopping launches, settling');
    for (const f of frameworks) {
      f.churner.launching = false;
      f.driver.suppressOffers();
    }
    // Every short task ends; the long ones still run. Unsettled tasks are reconciled now and
    // then, as Mesos advises frameworks to (a state lost with a master is asked for again).
    const settled = () =>
      frameworks.every((f) => f.churner.unsettled().every((t) => t.long && t.reconciled === 'TASK_RUNNING'));
    const deadline = Date.now() + patient(120_000);
    while (!settled() && Date.now() < deadline) {
      for (const f of frameworks) f.churner.reconcile(f.driver);
      await eventually(settled, 3_000, 'answers').catch(() => {});
    }
    if (!settled()) log('not settled after 120 s');
    const checked = await checkRun(
      frameworks.map((f) => ({ name: f.name, tasks: [...f.churner.tasks.values()] })),
      agents,
    );
    return { rounds: options.rounds, kills, ...checked };
  } finally {
    for (const f of frameworks) {
      f.driver.stop();
      await f.close();
    }
    // An orderly stop: agents kill their tasks and retire their watchdogs.
    for (const a of agents) {
      const exited = new Promise((r) => a.started.child.once('exit', r));
      a.started.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      await killHard(a.started.child);
    }
    await killHard(master.started.child);
  }
}

/** What {@link checkRun} finds. */
export type RunCheck = Omit<KillFigures, 'rounds' | 'kills'>;

/**
 * Compares what the frameworks heard with what runs (see the module comment): `agents` are the
 * live agents (their `/state` on loopback at `port`, their processes marked with `workDir`).
 */
export async function checkRun(
  frameworks: readonly { name: string; tasks: readonly TaskRecord[] }[],
  agents: readonly { readonly port: number; readonly workDir: string }[],
): Promise<RunCheck> {
  const problems: string[] = [];
  const notes: string[] = [];
  // What runs: every marked process, and what each agent says it runs.
  const processes = agents.flatMap((a) =>
    markedProcesses(a.workDir)
      .filter((p) => !p.watchdog)
      .map((p) => ({ ...p, agent: a })),
  );
  const launchedOn = new Map<(typeof agents)[number], Set<string>>();
  for (const a of agents) {
    // Mesos's agent /state: an executor's `tasks` are the ones launched and not yet terminal.
    const state = (await (await fetch(`http://127.0.0.1:${a.port}/state`)).json()) as {
      frameworks: { executors: { tasks: { id: string }[] }[] }[];
    };
    const ids = new Set<string>();
    for (const fw of state.frameworks) for (const e of fw.executors) for (const t of e.tasks) ids.add(t.id);
    launchedOn.set(a, ids);
  }
  const alive = processes.filter((p) => stillRunning(p));
  const runningTasks = new Set(alive.map((p) => p.executorId ?? ''));
  let orphans = 0;
  for (const p of alive) {
    if (p.executorId === undefined || !launchedOn.get(p.agent)?.has(p.executorId)) {
      orphans++;
      problems.push(`orphan: pid ${p.pid} (${p.executorId ?? 'no executor id'}) under ${p.agent.workDir}`);
    }
  }
  let launched = 0;
  let lost = 0;
  let stillRunningTasks = 0;
  const terminal: Record<string, Record<string, number>> = {};
  for (const { name, tasks } of frameworks) {
    const counts: Record<string, number> = {};
    terminal[name] = counts;
    for (const task of tasks) {
      launched++;
      const last = Churner.last(task);
      const ended = last !== undefined && isTerminalState(last as never);
      if (ended) counts[last] = (counts[last] ?? 0) + 1;
      if (ended && last !== 'TASK_FINISHED' && last !== 'TASK_FAILED')
        notes.push(`${task.id}: ${task.log.join(' ')}`);
      if (ended && runningTasks.has(task.id)) {
        lost++;
        problems.push(
          `lost: ${task.id} was reported ${last} but its process runs (heard ${task.log.join(' ')})`,
        );
      } else if (!ended && !(task.reconciled === 'TASK_RUNNING' && runningTasks.has(task.id))) {
        lost++;
        problems.push(
          `lost: ${task.id} (heard ${task.log.join(' ') || 'nothing'}, reconciled ${task.reconciled ?? 'no answer'}, process ${runningTasks.has(task.id) ? 'running' : 'gone'})`,
        );
      } else if (!ended) {
        stillRunningTasks++;
      }
    }
  }
  return { launched, lost, orphans, running: stillRunningTasks, terminal, problems, notes };
}
