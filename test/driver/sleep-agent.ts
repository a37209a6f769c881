/**
 * A fake agent for end-to-end tests of the scheduler driver against the real master: it
 * registers, answers pings, runs `sleep <s>` command tasks (TASK_RUNNING at once, TASK_FINISHED
 * after s seconds) and records what the master sends it. Unlike a real agent it does not retry
 * updates or wait for the previous one's acknowledgement; the tests run on a reliable network.
 */
import type { AgentMessage } from '../../src/core/messages/agent-protocol.js';
import { randomUuidBase64 } from '../../src/core/messages/base64.js';
import type { FrameworkID, TaskID } from '../../src/core/messages/ids.js';
import type { TaskState } from '../../src/core/messages/task-state.js';
import type { Address, Env, Process, TimerId } from '../../src/core/process.js';
import { agentMessage, type Wire } from '../../src/core/wire.js';

/** A running sleep. */
interface Sleep {
  readonly frameworkId: FrameworkID;
  readonly taskId: TaskID;
}

/** The fake agent; see the module comment. */
export class SleepAgent implements Process<Wire> {
  readonly received: AgentMessage[] = [];
  readonly #master: Address;
  readonly #sleeps = new Map<TimerId, Sleep>();
  #env: Env<Wire> | undefined;
  #agentId: string | undefined;

  constructor(master: Address = 'master') {
    this.#master = master;
  }

  onStart(env: Env<Wire>): void {
    this.#env = env;
    this.#send({
      type: 'REGISTER_AGENT',
      agent: {
        hostname: env.self,
        resources: [
          { name: 'cpus', type: 'SCALAR', scalar: { value: 2 } },
          { name: 'mem', type: 'SCALAR', scalar: { value: 2048 } },
        ],
      },
    });
  }

  onMessage(env: Env<Wire>, _from: Address, msg: Wire): void {
    if (msg.channel !== 'agent') return;
    const m = msg.message;
    this.received.push(m);
    if (m.type === 'AGENT_REGISTERED') this.#agentId = m.agent_id.value;
    if (m.type === 'PING_AGENT') this.#send({ type: 'PONG_AGENT' });
    if (m.type === 'RUN_TASK') {
      const frameworkId = m.framework.id as FrameworkID;
      const taskId = m.task.task_id;
      this.#update(frameworkId, taskId, 'TASK_RUNNING');
      const seconds = Number(/^sleep (\d+(?:\.\d+)?)$/u.exec(m.task.command?.value ?? '')?.[1] ?? 0);
      this.#sleeps.set(env.setTimer(seconds * 1000, 'sleep'), { frameworkId, taskId });
    }
  }

  onTimer(_env: Env<Wire>, _tag: string, id: TimerId): void {
    const sleep = this.#sleeps.get(id);
    if (sleep === undefined) return;
    this.#sleeps.delete(id);
    this.#update(sleep.frameworkId, sleep.taskId, 'TASK_FINISHED');
  }

  /** Messages of one type, in arrival order. */
  ofType<T extends AgentMessage['type']>(type: T): Extract<AgentMessage, { type: T }>[] {
    return this.received.filter((m) => m.type === type) as Extract<AgentMessage, { type: T }>[];
  }

  #update(frameworkId: FrameworkID, taskId: TaskID, state: TaskState): void {
    const env = this.#env as Env<Wire>;
    const uuid = randomUuidBase64(() => env.random());
    const agent_id = { value: this.#agentId as string };
    this.#send({
      type: 'STATUS_UPDATE',
      update: {
        framework_id: frameworkId,
        agent_id,
        status: {
          task_id: taskId,
          state,
          source: 'SOURCE_EXECUTOR',
          agent_id,
          uuid,
          timestamp: env.now() / 1000,
        },
        timestamp: env.now() / 1000,
        uuid,
      },
    });
  }

  #send(message: AgentMessage): void {
    (this.#env as Env<Wire>).send(this.#master, agentMessage(message));
  }
}
