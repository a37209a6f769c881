/**
 * The agent with the real master and a small scheduler: the two processes speak the same
 * protocol end to end (registration, offers, RUN_TASK, status updates and acknowledgements,
 * kills, master failover with the agent reregistering).
 */
import test from 'ava';
import { Agent } from '../../src/agent/agent.js';
import type { Event } from '../../src/core/messages/scheduler-event.js';
import type { TaskStatus } from '../../src/core/messages/task-status.js';
import type { Address, Env, Process } from '../../src/core/process.js';
import { resources } from '../../src/core/resource-text.js';
import { schedulerCall, type Wire } from '../../src/core/wire.js';
import type { Master } from '../../src/master/master.js';
import { SimCommandRunner } from '../../src/runtime/sim/sim-command-runner.js';
import type { SimWorld } from '../../src/runtime/sim/world.js';
import { newMaster } from '../sim-world.js';
import { newWorld, traces } from './harness.js';

/** Subscribes, launches `commands` (one per offer, in order) and acknowledges every update. */
class Scheduler implements Process<Wire> {
  readonly statuses: { at: number; status: TaskStatus }[] = [];
  readonly commands: string[];
  frameworkId: string | undefined;
  #env: Env<Wire> | undefined;

  constructor(commands: readonly string[]) {
    this.commands = [...commands];
  }

  onStart(env: Env<Wire>): void {
    this.#env = env;
    this.call({
      type: 'SUBSCRIBE',
      subscribe: { framework_info: { user: 'bob', name: 'it', capabilities: [{ type: 'PARTITION_AWARE' }] } },
    });
  }

  onMessage(env: Env<Wire>, _from: Address, msg: Wire): void {
    if (msg.channel !== 'scheduler-event') return;
    this.handle(env, msg.event);
  }

  onTimer(): void {}

  handle(env: Env<Wire>, event: Event): void {
    const fid = () => ({ value: this.frameworkId ?? '' });
    switch (event.type) {
      case 'SUBSCRIBED':
        this.frameworkId = event.subscribed.framework_id.value;
        return;
      case 'OFFERS':
        for (const offer of event.offers.offers ?? []) {
          const command = this.commands.shift();
          const launch =
            command === undefined
              ? []
              : [
                  {
                    name: `task-${command}`,
                    task_id: { value: `t${this.statuses.length}-${env.now()}` },
                    agent_id: offer.agent_id,
                    resources: [
                      { name: 'cpus', type: 'SCALAR' as const, scalar: { value: 1 }, role: '*' },
                      { name: 'mem', type: 'SCALAR' as const, scalar: { value: 128 }, role: '*' },
                    ],
                    command: { value: command },
                  },
                ];
          this.call({
            type: 'ACCEPT',
            framework_id: fid(),
            accept: {
              offer_ids: [offer.id],
              operations: [{ type: 'LAUNCH', launch: { task_infos: launch } }],
            },
          });
        }
        return;
      case 'UPDATE': {
        const status = event.update.status;
        this.statuses.push({ at: env.now(), status });
        if (status.uuid !== undefined && status.agent_id !== undefined) {
          this.call({
            type: 'ACKNOWLEDGE',
            framework_id: fid(),
            acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
          });
        }
        return;
      }
      default:
    }
  }

  call(call: Parameters<typeof schedulerCall>[0]): void {
    this.#env?.send('master', schedulerCall(call));
  }

  statesOf(taskId: string): string[] {
    return this.statuses.filter((s) => s.status.task_id.value === taskId).map((s) => s.status.state);
  }

  taskIds(): string[] {
    return [...new Set(this.statuses.map((s) => s.status.task_id.value))];
  }
}

function cluster(commands: readonly string[]): {
  world: SimWorld<Wire>;
  master: () => Master;
  agent: () => Agent;
  scheduler: () => Scheduler;
} {
  const world = newWorld(3);
  world.spawn('master', () => newMaster());
  world.spawn(
    'agent-0',
    () => new Agent({ resources: resources('cpus:2;mem:1024'), commandRunner: new SimCommandRunner() }),
  );
  world.at(3000, (w) => w.spawn('scheduler-it', () => new Scheduler(commands)));
  return {
    world,
    master: () => world.instance('master') as Master,
    agent: () => world.instance('agent-0') as Agent,
    scheduler: () => world.instance('scheduler-it') as Scheduler,
  };
}

test('a sleep 5 task runs to TASK_FINISHED through the real master; the master frees the task', (t) => {
  const { world, master, agent, scheduler } = cluster(['sleep 5']);
  world.runUntil(20_000);
  const [task] = scheduler().taskIds();
  t.truthy(task);
  t.deepEqual(scheduler().statesOf(task as string), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
  const times = scheduler().statuses.map((s) => s.at);
  t.is((times[2] ?? 0) - (times[0] ?? 0), 5000);
  t.deepEqual(agent().state().frameworks, []);
  t.is(agent().state().statusUpdateStreams, 0);
  t.is(master().state().frameworks[0]?.tasks?.length ?? 0, 0);
});

test('the real master keeps its agent registered: pongs, no reregistration for an hour', (t) => {
  const { world } = cluster([]);
  world.runUntil(3600_000);
  t.is(traces(world, 'registered').length, 1);
  t.is(traces(world, 'master-lost').length, 0);
});

test('after a master failover the agent reregisters with its running task, which the new master takes back', (t) => {
  const { world, master, scheduler } = cluster(['sleep 1000']);
  world.runUntil(10_000);
  const [task] = scheduler().taskIds();
  t.deepEqual(scheduler().statesOf(task as string), ['TASK_STARTING', 'TASK_RUNNING']);
  world.crash('master');
  world.restart('master');
  world.runUntil(10_000 + 80_000);
  t.is(traces(world, 'reregistered').length, 1);
  t.is(master().state().slaves.length, 1);
  t.is(master().state().activated_slaves, 1);
  const lines = world.traceLines().map((l) => JSON.parse(l) as Record<string, unknown>);
  t.like(
    lines.find((r) => r.kind === 'master.agent-readmitted'),
    { tasks: 1 },
  );
});
