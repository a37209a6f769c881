/**
 * `agora live` replays a scenario's faults on real processes and sockets: one small scenario per
 * fault kind (test/runtime/live/fixtures/faults/), run as a user runs it, and the fault's effect
 * read from what the run leaves: its summary, its log, and the master's registry in its work dir
 * (which agent ids were admitted, and which are gone). Last, every kind at once with `--processes`
 * (the master and each agent its own OS process, crashes by SIGKILL).
 *
 * The runs are serial: each is a live cluster in real time, and two at once on a small machine
 * would make each other late.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import type { RunSummary } from '../../../src/metrics/run-summary.js';
import { runCli, tempDir } from '../../cli/helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/faults/${name}.json`, import.meta.url));

interface Registry {
  readonly admitted: Readonly<Record<string, string>>;
  readonly unreachable: Readonly<Record<string, unknown>>;
  readonly gone: readonly string[];
}

interface Replay {
  readonly summary: RunSummary;
  readonly err: string;
  readonly registry: Registry;
  /** Framework A's figures. */
  readonly a: RunSummary['frameworks'][string];
}

/** Runs `agora live <fixture> --json` and reads what it left. */
async function replay(name: string, ...flags: string[]): Promise<Replay> {
  const dir = tempDir(`live-${name}`);
  const result = await runCli('live', fixture(name), '--json', '--work-dir', dir, ...flags);
  if (result.code !== 0) throw new Error(`agora live ${name} exited ${result.code}:\n${result.err}`);
  const summary = JSON.parse(result.out) as RunSummary;
  const registry = JSON.parse(readFileSync(join(dir, 'master', 'registry.json'), 'utf8')) as Registry;
  const a = summary.frameworks.A;
  if (a === undefined) throw new Error(`no framework A in the summary:\n${result.out}`);
  return { summary, err: result.err, registry, a };
}

/** Every agent id the registry knows. */
function agentIds(registry: Registry): Set<string> {
  return new Set([...Object.keys(registry.admitted), ...Object.keys(registry.unreachable), ...registry.gone]);
}

/** The framework ids the run's log says framework A registered as, in order. */
function registrations(err: string): string[] {
  return [...err.matchAll(/scheduler-A registered as framework (\S+)/gu)].map((m) => m[1] as string);
}

const SCALE = ['--time-scale', '5'];

test.serial('agent crash with reboot: its tasks are lost and it comes back as a new agent', async (t) => {
  const r = await replay('agent-reboot', ...SCALE);
  t.regex(r.err, /agent-0 crashes \(cut, in this process\)/u);
  t.regex(r.err, /agent-0's machine reboots/u);
  t.regex(r.err, /agent-0 restarts on its work dir/u);
  t.true(r.a.tasksLost > 0, `tasks lost: ${r.a.tasksLost}`);
  // Two agents at the start, and the rebooted one registered under a third id.
  t.is(agentIds(r.registry).size, 3, JSON.stringify(r.registry));
  t.true(r.a.tasksFinished > 0);
});

test.serial(
  'agent crash with reconnect: the checkpointing framework’s tasks survive, the agent keeps its id',
  async (t) => {
    const r = await replay('agent-reconnect', ...SCALE);
    t.regex(r.err, /agent-0 crashes/u);
    t.regex(r.err, /agent-0 restarts on its work dir/u);
    t.is(r.a.tasksLost, 0, r.err);
    t.is(agentIds(r.registry).size, 2, JSON.stringify(r.registry));
    t.deepEqual(r.registry.gone, []);
  },
);

test.serial(
  'master crash: it restarts on its registry, agents and the framework come back, tasks go on',
  async (t) => {
    const r = await replay('master-crash', ...SCALE);
    t.regex(r.err, /master crashes/u);
    t.regex(r.err, /master restarts on its registry/u);
    t.is(r.a.tasksLost, 0, r.err);
    t.is(agentIds(r.registry).size, 2, JSON.stringify(r.registry));
    // Tasks ended after the restart at 12 s: the cluster worked on.
    t.true((r.a.lastTaskEndSeconds ?? 0) > 20, `last task end ${r.a.lastTaskEndSeconds}`);
  },
);

test.serial(
  'framework crash: a new driver fails over with the framework id and its tasks go on',
  async (t) => {
    const r = await replay('framework-failover', ...SCALE);
    t.regex(r.err, /scheduler-A crashes/u);
    const ids = registrations(r.err);
    t.is(ids.length, 2, r.err);
    t.is(ids[0], ids[1], 'the same framework id after the failover');
    t.regex(r.err, new RegExp(`scheduler-A fails over with framework id ${ids[0]}`, 'u'));
    t.is(r.a.tasksLost, 0, r.err);
    t.true((r.a.lastTaskEndSeconds ?? 0) > 20, `last task end ${r.a.lastTaskEndSeconds}`);
  },
);

test.serial(
  'partition: the cut-off agent is unreachable (its tasks lost), and back once healed',
  async (t) => {
    const r = await replay('partition', ...SCALE);
    t.regex(r.err, /partition: master ↔ agent-0 cut/u);
    t.regex(r.err, /partition: master ↔ agent-0 healed/u);
    // 10 s of partition: past 3 missed pings of 2 s, so the master gave its tasks up.
    t.true(r.a.tasksLost > 0, `tasks lost: ${r.a.tasksLost}`);
    // Healed, the agent came back under its id.
    t.is(Object.keys(r.registry.admitted).length, 2, JSON.stringify(r.registry));
    t.deepEqual(Object.keys(r.registry.unreachable), []);
    t.true((r.a.lastTaskEndSeconds ?? 0) > 20, `last task end ${r.a.lastTaskEndSeconds}`);
  },
);

test.serial(
  'one-way partition: the master’s messages to the scheduler are held, its calls arrive; nothing is lost',
  async (t) => {
    const r = await replay('one-way-partition', ...SCALE);
    t.regex(r.err, /partition: master → scheduler-A cut/u);
    t.regex(r.err, /partition: master ↔ scheduler-A healed/u);
    t.is(r.a.tasksLost, 0, r.err);
    t.is(registrations(r.err).length, 1);
    t.true((r.a.lastTaskEndSeconds ?? 0) > 20, `last task end ${r.a.lastTaskEndSeconds}`);
  },
);

test.serial('clock skew is replayed by the simulator only, and the run says so', async (t) => {
  const r = await replay('clock-skew', ...SCALE);
  t.regex(r.err, /clock skew: agora sim only, skipped/u);
  t.regex(r.err, /clock-skew of agent-1 at 10\.\d s skipped: not replayed live: one machine has one clock/u);
});

test.serial('--processes: every fault kind on agora master and agora agent processes', async (t) => {
  const r = await replay('all-faults', '--time-scale', '2', '--processes');
  t.regex(r.err, /master and agents as separate processes/u);
  t.regex(r.err, /agent-0 crashes \(SIGKILL\)/u);
  t.regex(r.err, /agent-1 crashes \(SIGKILL\)/u);
  t.regex(r.err, /master crashes \(SIGKILL\)/u);
  // Each restart is a new process: the agents print their address again, the master its URL.
  t.is([...r.err.matchAll(/agent-0: agora agent: agent@/gu)].length, 2, r.err);
  t.is([...r.err.matchAll(/master: agora master: listening on/gu)].length, 2, r.err);
  const ids = registrations(r.err);
  t.is(ids.length, 2, r.err);
  t.is(ids[0], ids[1], 'the same framework id after the failover');
  // agent-0 reconnected under its id; agent-1 rebooted and registered anew.
  t.is(agentIds(r.registry).size, 3, JSON.stringify(r.registry));
  t.regex(r.err, /partition: master → scheduler-A cut/u);
  t.regex(r.err, /clock-skew of agent-1 at 55\.\d s skipped/u);
  t.true(r.a.tasksFinished > 0);
});
