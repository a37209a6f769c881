/**
 * Safety invariants of a cluster run, checked while the simulated world runs: a checking run
 * watches every send, delivery and event through a {@link WorldObserver}, and every offer
 * decision of the allocator. (What must hold once faults have healed is in convergence.ts.)
 *
 * - **resources**: no agent, as the master sees it, has more offered plus used than its total,
 *   for any scalar resource;
 * - **agent-capacity**: the tasks an agent itself runs (queued or launched, not terminal, not
 *   being killed) hold no more than its total, checked whenever a RUN_TASK reaches it. Tasks
 *   the master sent a kill for (KILL_TASK, or SHUTDOWN_FRAMEWORK of their framework) are left
 *   out: the master gave their resources back already (a non-checkpointing framework's tasks
 *   on an agent that disconnected, written off as in Mesos), and the kill may be on its way
 *   or lost with a broken connection and sent again at the next reregistration;
 * - **acknowledged-resent**: an agent never sends a status update again after it received that
 *   update's acknowledgement (Mesos's status-update manager drops it on acknowledgement). A
 *   restarted agent may send it again only if the acknowledgement never reached its disk: its
 *   checkpoint still holds the update as unacknowledged (Mesos records an acknowledgement
 *   before acting on it, so a crash before that write means it was never received);
 * - **one-terminal-state**: no task is reported by agents in two different terminal states. (What
 *   a framework hears may differ: TASK_LOST is the master's inference for an agent it lost or a
 *   task it does not know, and may race with the agent's own TASK_FINISHED, as in Mesos.)
 * - **task-runs-once**: a task id is started by one agent, once: no agent reports it starting
 *   or running after another agent did, after an agent reported it ended, or a second launch
 *   of it (a second TASK_STARTING);
 * - **offer-accepted-once**: an offer the master still holds as outstanding when an ACCEPT or
 *   DECLINE naming it arrives was never named by an earlier one that found it outstanding (a
 *   duplicated ACCEPT must find the offer gone);
 * - **task-within-offer** and **own-roles**: see offer-ledger.ts;
 * - **registry-acknowledged**: an agent the master told AGENT_REGISTERED is in the registry on
 *   the master's disk (admitted, unreachable or gone) then and at every master restart: Mesos
 *   admits an agent durably before telling it its id;
 * - **quota**: no offer takes a role beyond its quota limit of a resource, counting what it
 *   holds on every agent (a role already beyond it, by tasks an agent reported back, is offered
 *   none of that resource);
 * - **drf-order** (DRF policy only): see drf-order.ts.
 *
 * With several masters (issue 16), {@link LeaderChecker} adds deposed-leader-acted,
 * two-leaders-one-epoch and acknowledged-lost.
 *
 * The first violation is kept (with its simulated time); later ones are consequences.
 */

import type { Agent } from '../../agent/agent.js';
import { CHECKPOINT_KEY, checkpointedUpdateUuids, parseCheckpoint } from '../../agent/checkpoint.js';
import type { OfferDecision } from '../../allocator/allocator.js';
import { assertNever } from '../../core/assert-never.js';
import { isTerminalState, type TaskState } from '../../core/messages/task-state.js';
import type { Address } from '../../core/process.js';
import type { Wire } from '../../core/wire.js';
import type { Master } from '../../master/master.js';
import { parseRegistry, REGISTRY_KEY } from '../../master/registry.js';
import { MASTER_ADDRESS } from '../../scenario/schema.js';
import { DrfOrderCheck } from './drf-order.js';
import { OfferLedger } from './offer-ledger.js';
import type { SimWorld, WorldObserver } from './world.js';

export {
  type Disagreement,
  describeDisagreements,
  disagreements,
  persisting,
} from './convergence.js';

/** A broken invariant. */
export interface Violation {
  readonly invariant: string;
  readonly atMs: number;
  readonly detail: string;
}

/** Where a task was started, as agents reported it. */
interface TaskRun {
  readonly agentId: string;
  /** The uuid of its TASK_STARTING, if one was seen. */
  startingUuid: string | undefined;
}

/** Watches a world for the safety invariants (see the module comment). */
export class InvariantChecker implements WorldObserver<Wire> {
  #world: SimWorld<Wire> | undefined;
  #violation: Violation | undefined;
  /** Update uuids each agent has received the acknowledgement of, with the incarnation that did. */
  readonly #acked = new Map<Address, Map<string, { readonly by: unknown }>>();
  /** `<framework id> <task id>` → the first terminal state an agent reported. */
  readonly #terminal = new Map<string, TaskState>();
  /** `<framework id> <task id>` → the agent that reported it starting or running. */
  readonly #runs = new Map<string, TaskRun>();
  /** Offer ids an ACCEPT or DECLINE found outstanding. */
  readonly #used = new Set<string>();
  readonly #ledger = new OfferLedger();
  readonly #drf = new DrfOrderCheck();
  /** `<framework id>/<task id>` → when the master first sent its RUN_TASK. */
  readonly #launchedAtMs = new Map<string, number>();
  /** Offers delivered to each scheduler address. */
  readonly #offersTo = new Map<Address, number>();
  /** `<framework id>/<task id>` of tasks the master sent KILL_TASK for. */
  readonly #killsSent = new Set<string>();
  /** Frameworks the master sent SHUTDOWN_FRAMEWORK for. */
  readonly #shutdownsSent = new Set<string>();
  /** Agent ids the master told AGENT_REGISTERED. */
  readonly #acknowledgedAgents = new Set<string>();
  /** Agents a RUN_TASK reached in this event: their capacity is checked after it. */
  readonly #launchedOn = new Set<Address>();
  #master: unknown;
  /** Events checked. */
  checks = 0;

  /** The world to read the master from (set once it exists). */
  attach(world: SimWorld<Wire>): void {
    this.#world = world;
  }

  /** The first violation, if any. */
  get violation(): Violation | undefined {
    return this.#violation;
  }

  /** Offer decisions checked against DRF order, and how many had rivals (see {@link DrfOrderCheck}). */
  get drf(): Readonly<Pick<DrfOrderCheck, 'decisions' | 'frameworkRivals' | 'roleRivals'>> {
    return this.#drf;
  }

  /** Offer decisions checked against DRF order. */
  get offerDecisions(): number {
    return this.#drf.decisions;
  }

  /** Offers checked against their framework's roles, and tasks against their offers. */
  get ledger(): Readonly<Pick<OfferLedger, 'offersChecked' | 'launchesChecked'>> {
    return this.#ledger;
  }

  /** When the master first sent each task's RUN_TASK (`framework/task` → ms). */
  get launchedAtMs(): ReadonlyMap<string, number> {
    return this.#launchedAtMs;
  }

  /** Offers delivered to the scheduler at `address` so far. */
  offersDeliveredTo(address: Address): number {
    return this.#offersTo.get(address) ?? 0;
  }

  sent(from: Address, _to: Address, msg: Wire, nowMs: number): void {
    if (from === MASTER_ADDRESS) this.#masterSent(msg, nowMs);
    if (msg.channel !== 'agent' || msg.message.type !== 'STATUS_UPDATE') return;
    const { uuid, status, framework_id, agent_id } = msg.message.update;
    const key = `${framework_id.value} ${status.task_id.value}`;
    if (isTerminalState(status.state)) {
      const first = this.#terminal.get(key);
      if (first === undefined) this.#terminal.set(key, status.state);
      else if (first !== status.state) {
        this.#fail(
          'one-terminal-state',
          nowMs,
          `task ${status.task_id.value} was reported ${first}, then ${status.state} (by ${from})`,
        );
      }
    } else if (status.state === 'TASK_STARTING' || status.state === 'TASK_RUNNING') {
      this.#started(key, status.task_id.value, status.state, agent_id?.value ?? from, uuid, from, nowMs);
    }
    const acked = this.#acked.get(from)?.get(uuid);
    if (acked !== undefined && !this.#ackNeverDurable(from, acked.by, uuid)) {
      this.#fail(
        'acknowledged-resent',
        nowMs,
        `${from} re-sent ${status.state} of task ${status.task_id.value} (update ${uuid}) after its acknowledgement`,
      );
    }
  }

  /** task-runs-once: an agent reports a task starting or running. */
  #started(
    key: string,
    task: string,
    state: TaskState,
    agentId: string,
    uuid: string,
    from: Address,
    nowMs: number,
  ): void {
    const ended = this.#terminal.get(key);
    if (ended !== undefined) {
      this.#fail(
        'task-runs-once',
        nowMs,
        `${from} reported task ${task} ${state} after it was reported ${ended}`,
      );
      return;
    }
    let run = this.#runs.get(key);
    if (run === undefined) {
      run = { agentId, startingUuid: undefined };
      this.#runs.set(key, run);
    } else if (run.agentId !== agentId) {
      this.#fail(
        'task-runs-once',
        nowMs,
        `task ${task} reported ${state} by ${agentId} after ${run.agentId} ran it`,
      );
      return;
    }
    if (state !== 'TASK_STARTING') return;
    if (run.startingUuid === undefined) run.startingUuid = uuid;
    else if (run.startingUuid !== uuid)
      this.#fail('task-runs-once', nowMs, `task ${task} was started twice by ${from}`);
  }

  #masterSent(msg: Wire, nowMs: number): void {
    const master = this.#world?.instance(MASTER_ADDRESS) as Master | undefined;
    if (master === undefined) return;
    if (msg.channel === 'agent') {
      const m = msg.message;
      if (m.type === 'RUN_TASK') {
        const key = `${m.framework.id?.value ?? ''}/${m.task.task_id.value}`;
        if (!this.#launchedAtMs.has(key)) this.#launchedAtMs.set(key, nowMs);
      } else if (m.type === 'KILL_TASK') {
        this.#killsSent.add(`${m.framework_id.value}/${m.task_id.value}`);
      } else if (m.type === 'SHUTDOWN_FRAMEWORK') {
        this.#shutdownsSent.add(m.framework_id.value);
      } else if (m.type === 'AGENT_REGISTERED') {
        this.#acknowledgedAgents.add(m.agent_id.value);
        this.#checkRegistry(nowMs, [m.agent_id.value]);
      }
    }
    const broken = this.#ledger.masterSent(
      msg,
      (id) => master.frameworkRoles(id),
      (id) => master.offerOutstanding(id),
    );
    if (broken !== undefined) this.#fail(broken.invariant, nowMs, broken.detail);
  }

  /** registry-acknowledged: every agent id in `ids` is in the registry on the master's disk. */
  #checkRegistry(nowMs: number, ids: Iterable<string>): void {
    const text = this.#world?.diskContents(MASTER_ADDRESS).get(REGISTRY_KEY);
    const registry = text === undefined ? 'no registry on disk' : parseRegistry(text);
    for (const id of ids) {
      const listed =
        typeof registry !== 'string' &&
        (id in registry.admitted || id in registry.unreachable || registry.gone.includes(id));
      if (!listed) {
        this.#fail(
          'registry-acknowledged',
          nowMs,
          `agent ${id} was told it is registered, but the registry on disk ${typeof registry === 'string' ? `cannot be read (${registry})` : 'does not list it'}`,
        );
        return;
      }
    }
  }

  delivered(_from: Address, to: Address, msg: Wire, nowMs: number): void {
    if (msg.channel === 'scheduler-call' && to === MASTER_ADDRESS) {
      this.#schedulerCall(msg.call, nowMs);
      return;
    }
    if (msg.channel === 'scheduler-event' && msg.event.type === 'OFFERS') {
      this.#offersTo.set(to, (this.#offersTo.get(to) ?? 0) + (msg.event.offers.offers?.length ?? 0));
      return;
    }
    if (msg.channel !== 'agent') return;
    if (msg.message.type === 'RUN_TASK' || msg.message.type === 'RUN_TASK_GROUP') {
      this.#launchedOn.add(to);
      return;
    }
    if (msg.message.type === 'STATUS_UPDATE_ACKNOWLEDGEMENT') {
      const agent = this.#world?.instance(to) as Agent | undefined;
      // An agent that is not registered drops acknowledgements unread, as Mesos's does.
      if (agent !== undefined && agent.phase !== 'registered') return;
      let acked = this.#acked.get(to);
      if (acked === undefined) {
        acked = new Map();
        this.#acked.set(to, acked);
      }
      acked.set(msg.message.uuid, { by: agent });
    }
  }

  #schedulerCall(call: Extract<Wire, { channel: 'scheduler-call' }>['call'], nowMs: number): void {
    const ids =
      call.type === 'ACCEPT'
        ? call.accept.offer_ids
        : call.type === 'DECLINE'
          ? call.decline.offer_ids
          : undefined;
    if (ids === undefined) return;
    const master = this.#world?.instance(MASTER_ADDRESS) as Master | undefined;
    const outstanding = (id: string) => master?.offerOutstanding(id) === true;
    for (const { value } of ids) {
      if (!outstanding(value)) continue;
      if (this.#used.has(value)) {
        this.#fail(
          'offer-accepted-once',
          nowMs,
          `offer ${value} was still outstanding at a second ${call.type}`,
        );
      }
      this.#used.add(value);
    }
    const values = ids.map((id) => id.value);
    if (call.type === 'ACCEPT') this.#ledger.accepting(values, outstanding);
    else this.#ledger.declined(values);
  }

  /**
   * Whether `agent`, restarted since the incarnation `ackedBy` received the acknowledgement of
   * `uuid`, recovered from a checkpoint that still holds the update unacknowledged.
   */
  #ackNeverDurable(agent: Address, ackedBy: unknown, uuid: string): boolean {
    const world = this.#world;
    if (world === undefined || world.instance(agent) === ackedBy) return false;
    const text = world.diskContents(agent).get(CHECKPOINT_KEY);
    return text !== undefined && checkpointedUpdateUuids(parseCheckpoint(text)).has(uuid);
  }

  afterEvent(nowMs: number): void {
    this.#ledger.eventDone();
    if (this.#violation !== undefined) return;
    const world = this.#world;
    const master = world?.instance(MASTER_ADDRESS) as Master | undefined;
    if (this.#launchedOn.size > 0) this.#checkAgentCapacity(nowMs);
    if (master === undefined || world?.status(MASTER_ADDRESS) !== 'running') return;
    if (master !== this.#master) {
      // A master (re)started and recovered its registry: everything acknowledged must be in it.
      this.#master = master;
      this.#checkRegistry(nowMs, this.#acknowledgedAgents);
    }
    this.checks++;
    for (const agent of master.agentUsage()) {
      // Scalars are fixed-point milli-units, so the comparison is exact.
      for (const [name, total] of agent.total.scalarQuantities()) {
        const used = agent.used.scalarMilli(name);
        const offered = agent.offered.scalarMilli(name);
        if (used + offered > total) {
          this.#fail(
            'resources',
            nowMs,
            `agent ${agent.id}: ${name} offered ${offered / 1000} + used ${used / 1000} > total ${total / 1000}`,
          );
          return;
        }
      }
    }
  }

  /** agent-capacity, on the agents a RUN_TASK reached in this event. */
  #checkAgentCapacity(nowMs: number): void {
    for (const address of this.#launchedOn) {
      if (this.#world?.status(address) !== 'running') continue;
      const { total, used } = (this.#world.instance(address) as Agent).usage(
        (framework, task) =>
          this.#shutdownsSent.has(framework) || this.#killsSent.has(`${framework}/${task}`),
      );
      for (const [name, milli] of used.scalarQuantities()) {
        if (milli > total.scalarMilli(name)) {
          this.#fail(
            'agent-capacity',
            nowMs,
            `${address} runs tasks holding ${milli / 1000} ${name}, more than its total of ${total.scalarMilli(name) / 1000}`,
          );
          break;
        }
      }
    }
    this.#launchedOn.clear();
  }

  /**
   * quota: what the role holds on every agent (per-agent accounting, not the allocator's running
   * total) plus the offer about to be made stays within the role's limits.
   */
  #checkQuota(decision: OfferDecision): void {
    const { view, role } = decision;
    const limits = view.quota(role);
    if (limits === undefined) return;
    const held = new Map(decision.resources.scalarQuantities());
    for (const id of view.agentIds()) {
      for (const byRole of view.agent(id)?.allocated.values() ?? []) {
        for (const [name, milli] of byRole.get(role)?.scalarQuantities() ?? [])
          held.set(name, (held.get(name) ?? 0) + milli);
      }
    }
    for (const [name, limit] of limits) {
      const total = held.get(name) ?? 0;
      // A role may already hold more than its limit (tasks an agent reported back after a
      // failover are not killed for it, in Mesos either); then it must be offered none of it.
      if (total > limit && decision.resources.scalarMilli(name) > 0) {
        this.#fail(
          'quota',
          this.#world?.now ?? 0,
          `role ${role} would hold ${total / 1000} ${name} with the offer on ${decision.agentId}, over its limit of ${limit / 1000}`,
        );
        return;
      }
    }
  }

  /** Checks one offer decision of the allocator (wire it to the allocator's `audit`). */
  readonly auditAllocation = (decision: OfferDecision): void => {
    if (this.#violation !== undefined) return;
    this.#checkQuota(decision);
    if (decision.policy !== 'drf' || this.#violation !== undefined) return;
    const broken = this.#drf.check(decision);
    if (broken !== undefined) this.#fail('drf-order', this.#world?.now ?? 0, broken);
  };

  #fail(invariant: string, atMs: number, detail: string): void {
    this.#violation ??= { invariant, atMs, detail };
  }
}

/** What {@link LeaderChecker} reads of a run with several masters (coordination/ha-masters.ts). */
export interface LeaderView {
  /** Whether `address` is one of the masters. */
  isMaster(address: Address): boolean;
  /** The master whose node is the lowest in the coordination service's group now, and its epoch. */
  groupLeader(): { readonly address: Address; readonly epoch: number } | undefined;
  /** The epoch the master at `address` believes it leads with, if it believes it leads. */
  epochOf(address: Address): number | undefined;
  /** The registry document in the coordination service now. */
  registryText(): string | undefined;
}

/**
 * The invariants of highly available masters (issue 16), checked at every send of a run with
 * several masters:
 *
 * - **deposed-leader-acted**: every message a master sends (offers, rescinds, launches, kills,
 *   registrations: a follower sends nothing) is sent while its own node is the lowest in the
 *   coordination service's group, with that node's sequence as its epoch. Once its node is gone
 *   (session expired or closed) another master may be elected, so a send after that is a
 *   deposed leader acting.
 * - **two-leaders-one-epoch**: no two masters ever send as leader with the same epoch.
 * - **acknowledged-lost**: what a leader acknowledged is in the registry every later leader
 *   recovers: each agent told AGENT_REGISTERED/AGENT_REREGISTERED is admitted, unreachable or
 *   gone in it, and each framework told SUBSCRIBED is admitted or removed in it (a leader
 *   acknowledges only after the registry write is applied). Launches and acknowledged status
 *   updates live on the agents, not in the registry: the agent-side checks of
 *   {@link InvariantChecker} (acknowledged-resent, task-runs-once, one-terminal-state) and the
 *   convergence checks at the end cover them across leader changes.
 */
export class LeaderChecker implements WorldObserver<Wire> {
  readonly #view: LeaderView;
  readonly #epochSenders = new Map<number, Address>();
  readonly #agents = new Set<string>();
  readonly #frameworks = new Set<string>();
  #violation: Violation | undefined;
  /** Master sends checked. */
  checks = 0;
  /** Elections seen (the first included). */
  elections = 0;
  /** Registries checked at elections. */
  recoveriesChecked = 0;

  constructor(view: LeaderView) {
    this.#view = view;
  }

  /** The first violation, if any. */
  get violation(): Violation | undefined {
    return this.#violation;
  }

  sent(from: Address, to: Address, msg: Wire, nowMs: number): void {
    if (this.#violation !== undefined || !this.#view.isMaster(from)) return;
    this.checks++;
    const what = describeSend(msg, to);
    const epoch = this.#view.epochOf(from);
    const leader = this.#view.groupLeader();
    if (epoch === undefined || leader?.address !== from || leader.epoch !== epoch) {
      const group =
        leader === undefined
          ? 'no master is in the group'
          : `${leader.address} leads with epoch ${leader.epoch}`;
      this.#fail(
        'deposed-leader-acted',
        nowMs,
        `${from} (epoch ${epoch ?? 'none'}) sent ${what}, but ${group}`,
      );
      return;
    }
    const other = this.#epochSenders.get(epoch);
    if (other !== undefined && other !== from) {
      this.#fail(
        'two-leaders-one-epoch',
        nowMs,
        `${other} and ${from} both sent as leader of epoch ${epoch}`,
      );
      return;
    }
    this.#epochSenders.set(epoch, from);
    if (msg.channel === 'agent') {
      const m = msg.message;
      if (m.type === 'AGENT_REGISTERED' || m.type === 'AGENT_REREGISTERED')
        this.#agents.add(m.agent_id.value);
    } else if (msg.channel === 'scheduler-event' && msg.event.type === 'SUBSCRIBED') {
      this.#frameworks.add(msg.event.subscribed.framework_id.value);
    }
  }

  /** A master was elected with `epoch`: the registry it recovers must hold what was acknowledged. */
  elected(address: Address, epoch: number, nowMs: number): void {
    this.elections++;
    if (this.#violation !== undefined) return;
    this.recoveriesChecked++;
    const text = this.#view.registryText();
    const doc = text === undefined || text === '' ? undefined : parseRegistry(text);
    if (typeof doc === 'string') {
      this.#fail(
        'acknowledged-lost',
        nowMs,
        `${address} (epoch ${epoch}) recovered an unreadable registry: ${doc}`,
      );
      return;
    }
    const known = new Set([
      ...Object.keys(doc?.admitted ?? {}),
      ...Object.keys(doc?.unreachable ?? {}),
      ...(doc?.gone ?? []),
    ]);
    const lostAgents = [...this.#agents].filter((id) => !known.has(id));
    const frameworks = new Set([...(doc?.frameworks ?? []), ...(doc?.removedFrameworks ?? [])]);
    const lostFrameworks = [...this.#frameworks].filter((id) => !frameworks.has(id));
    if (lostAgents.length > 0 || lostFrameworks.length > 0) {
      this.#fail(
        'acknowledged-lost',
        nowMs,
        `${address} (epoch ${epoch}) recovered a registry without acknowledged agents [${lostAgents.join(', ')}] ` +
          `and frameworks [${lostFrameworks.join(', ')}]`,
      );
    }
  }

  #fail(invariant: string, atMs: number, detail: string): void {
    this.#violation ??= { invariant, atMs, detail };
  }
}

/** `OFFERS to scheduler-F0`, `RUN_TASK to agent-2`… for a violation's detail. */
function describeSend(msg: Wire, to: Address): string {
  switch (msg.channel) {
    case 'agent':
      return `${msg.message.type} to ${to}`;
    case 'scheduler-event':
      return `${msg.event.type} to ${to}`;
    case 'scheduler-call':
    case 'executor-call':
    case 'executor-event':
    case 'operator-call':
    case 'operator-answer':
    case 'link':
      return `a ${msg.channel} message to ${to}`;
    default:
      return assertNever(msg, 'wire channel');
  }
}
