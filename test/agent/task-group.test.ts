/**
 * LAUNCH_GROUP with the default executor, through the real master and agent in the simulated
 * world: a task group starts and ends together, a failing task takes its group down (Mesos's
 * default restart policy), and once the group is over the executor exits and the master frees
 * its resources (before this, the agent refused groups and the executor's resources stayed in
 * the master's `used_resources` for good).
 */
import test from 'ava';
import { Agent } from '../../src/agent/agent.js';
import type { Event } from '../../src/core/messages/scheduler-event.js';
import type { TaskStatus } from '../../src/core/messages/task-status.js';
import type { Address, Env, Process } from '../../src/core/process.js';
import { formatResources, resources } from '../../src/core/resource-text.js';
import { schedulerCall, type Wire } from '../../src/core/wire.js';
import type { Master } from '../../src/master/master.js';
import { SimCommandRunner } from '../../src/runtime/sim/sim-command-runner.js';
import { newMaster, newWorld } from '../sim-world.js';

const scalar = (name: string, value: number) => ({ name, type: 'SCALAR' as const, scalar: { value } });

/** Launches one task group (one command per task) on its first offer; acknowledges updates. */
class GroupScheduler implements Process<Wire> {
  readonly statuses: TaskStatus[] = [];
  readonly events: Event[] = [];
  #frameworkId = '';
  #launched = false;
  #env: Env<Wire> | undefined;
  readonly commands: readonly string[];
  /** A task to kill once it runs. */
  readonly kill: string | undefined;

  constructor(commands: readonly string[], kill?: string) {
    this.commands = commands;
    this.kill = kill;
  }

  onStart(env: Env<Wire>): void {
    this.#env = env;
    this.#call({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'bob', name: 'groups' } } });
  }

  onTimer(): void {}

  onMessage(_env: Env<Wire>, _from: Address, msg: Wire): void {
    if (msg.channel !== 'scheduler-event') return;
    const event = msg.event;
    this.events.push(event);
    const framework_id = { value: this.#frameworkId };
    if (event.type === 'SUBSCRIBED') this.#frameworkId = event.subscribed.framework_id.value;
    if (event.type === 'OFFERS') {
      for (const offer of event.offers.offers ?? []) {
        const operations = this.#launched
          ? []
          : [
              {
                type: 'LAUNCH_GROUP' as const,
                launch_group: {
                  executor: {
                    type: 'DEFAULT' as const,
                    executor_id: { value: 'group-executor' },
                    resources: [scalar('cpus', 0.1), scalar('mem', 32), scalar('disk', 32)],
                  },
                  task_group: {
                    tasks: this.commands.map((value, i) => ({
                      name: `g${i}`,
                      task_id: { value: `g${i}` },
                      agent_id: offer.agent_id,
                      resources: [scalar('cpus', 0.5), scalar('mem', 64)],
                      command: { value },
                    })),
                  },
                },
              },
            ];
        this.#launched = true;
        this.#call({ type: 'ACCEPT', framework_id, accept: { offer_ids: [offer.id], operations } });
      }
    }
    if (event.type === 'UPDATE') {
      const status = event.update.status;
      this.statuses.push(status);
      if (
        status.task_id.value === this.kill &&
        status.state === 'TASK_RUNNING' &&
        status.agent_id !== undefined
      ) {
        this.#call({
          type: 'KILL',
          framework_id,
          kill: { task_id: status.task_id, agent_id: status.agent_id },
        });
      }
      if (status.uuid !== undefined && status.agent_id !== undefined) {
        this.#call({
          type: 'ACKNOWLEDGE',
          framework_id,
          acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
        });
      }
    }
  }

  statesOf(taskId: string): string[] {
    return this.statuses.filter((s) => s.task_id.value === taskId).map((s) => s.state);
  }

  #call(call: Parameters<typeof schedulerCall>[0]): void {
    this.#env?.send('master', schedulerCall(call));
  }
}

function run(commands: readonly string[], untilMs: number, kill?: string) {
  const world = newWorld(5);
  world.spawn('master', () => newMaster());
  world.spawn(
    'agent-0',
    () =>
      new Agent({ resources: resources('cpus:4;mem:1024;disk:1024'), commandRunner: new SimCommandRunner() }),
  );
  world.at(2000, (w) => w.spawn('scheduler-g', () => new GroupScheduler(commands, kill)));
  world.runUntil(untilMs);
  const master = world.instance('master') as Master;
  const scheduler = world.instance('scheduler-g') as GroupScheduler;
  const agent = world.instance('agent-0') as Agent;
  return { master, scheduler, agent };
}

test('a task group runs on the default executor and ends together; the executor is freed', (t) => {
  const { master, scheduler, agent } = run(['sleep 2', 'sleep 4'], 20_000);
  for (const id of ['g0', 'g1']) {
    t.deepEqual(scheduler.statesOf(id), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED'], id);
  }
  const finished = scheduler.statuses.filter((s) => s.state === 'TASK_FINISHED');
  t.true(finished.every((s) => s.source === 'SOURCE_EXECUTOR' && s.executor_id?.value === 'group-executor'));
  t.deepEqual(
    scheduler.events
      .filter((e) => e.type === 'FAILURE')
      .map((e) => (e.type === 'FAILURE' ? e.failure.status : '')),
    [0],
    'the executor exit is reported to the framework',
  );
  const usage = master.agentUsage()[0];
  t.is(formatResources(usage?.used ?? resources('cpus:99')), '', 'nothing stays used once the group is over');
  t.deepEqual(agent.state().frameworks, []);
});

test('a failing task kills the rest of its group, and the executor is still freed', (t) => {
  const { master, scheduler } = run(['sleep 1; exit 3', 'sleep 100'], 20_000);
  t.deepEqual(scheduler.statesOf('g0'), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FAILED']);
  t.deepEqual(scheduler.statesOf('g1'), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED']);
  t.is(scheduler.statuses.find((s) => s.state === 'TASK_FAILED')?.message, 'Command exited with status 3');
  t.is(formatResources(master.agentUsage()[0]?.used ?? resources('cpus:99')), '');
});

test('killing one task of a group kills the group; the executor exits and is freed', (t) => {
  const { master, scheduler, agent } = run(['sleep 100', 'sleep 100'], 20_000, 'g0');
  t.deepEqual(scheduler.statesOf('g0'), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED']);
  t.deepEqual(scheduler.statesOf('g1'), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED']);
  t.is(formatResources(master.agentUsage()[0]?.used ?? resources('cpus:99')), '');
  t.deepEqual(agent.state().frameworks, []);
});
