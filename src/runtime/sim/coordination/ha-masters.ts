/**
 * Three (or N) masters contending through the simulated coordination service, with agents and
 * frameworks following the leader: the simulated world's counterpart of an `agora master --zk`
 * cluster (src/runtime/live/zk/). Built by the simulated harness when a run asks for more than
 * one master; a run with one master never builds it, so single-master runs are unchanged.
 */
import type { Agent } from '../../../agent/agent.js';
import type { Address } from '../../../core/process.js';
import type { Wire } from '../../../core/wire.js';
import type { Master } from '../../../master/master.js';
import type { LeaderView } from '../invariants.js';
import type { SimWorld } from '../world.js';
import { type HaMasterEvents, type HaMasterFaults, HaMasterProcess } from './ha-master-process.js';
import type { LeaderRouting } from './leader-routing.js';
import { REGISTRY_PATH, SimCoordination, ZOOKEEPER_ADDRESS } from './sim-coordination.js';

/** Mesos's default `--zk_session_timeout` is 10 s. */
export const DEFAULT_SESSION_TIMEOUT_MS = 10_000;

/** How a run with several masters is set up. */
export interface HaOptions {
  /** How many masters (>= 2). */
  readonly masters: number;
  /** The masters' session timeout (default {@link DEFAULT_SESSION_TIMEOUT_MS}). */
  readonly sessionTimeoutMs?: number;
  /** Bugs a test plants in every master. */
  readonly faults?: HaMasterFaults;
  /** Listens to elections and depositions. */
  readonly events?: HaMasterEvents;
  /** Called once the masters exist, before any is started (a checker that reads them). */
  readonly built?: (masters: HaMasters) => void;
}

/** The address of the i-th master (1-based). */
export function haMasterAddress(i: number): Address {
  return `master-${i}`;
}

/** The masters, the service and the routing of one run. */
export class HaMasters {
  readonly coordination: SimCoordination<Wire>;
  readonly addresses: readonly Address[];
  readonly #world: SimWorld<Wire>;
  readonly #routing: LeaderRouting;
  /** Frameworks' scheduler addresses: told of a new leader as a broken connection to the old. */
  readonly #schedulers = new Set<Address>();
  readonly #agents = new Set<Address>();

  constructor(world: SimWorld<Wire>, routing: LeaderRouting, addresses: readonly Address[]) {
    this.#world = world;
    this.#routing = routing;
    this.addresses = addresses;
    this.coordination = new SimCoordination(world);
    this.coordination.onLeaderChange((leader) => {
      routing.detected = leader?.address;
      // Mesos's detector hands the agent the new leader (Slave::detected: reregister at once)
      // and the scheduler library drops its connection to the old one and subscribes anew.
      for (const agent of this.#agents) {
        if (world.status(agent) === 'running') (world.instance(agent) as Agent).masterDetected();
      }
      if (leader === undefined) return;
      for (const scheduler of this.#schedulers) {
        if (world.status(scheduler) === 'running') {
          world.inject(ZOOKEEPER_ADDRESS, scheduler, { channel: 'link', exited: 'master' });
        }
      }
    });
  }

  /** Spawns the masters; `build` makes a fresh master for each term. */
  spawn(build: () => Master, options: HaOptions): void {
    for (const address of this.addresses) {
      this.#world.spawn(
        address,
        () =>
          new HaMasterProcess(
            this.coordination,
            build,
            options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
            options.events ?? {},
            options.faults ?? {},
          ),
      );
    }
  }

  /** An agent follows the leader. */
  addAgent(address: Address): void {
    this.#agents.add(address);
  }

  /** A framework follows the leader. */
  addScheduler(address: Address): void {
    this.#schedulers.add(address);
  }

  /**
   * A fault: the service expires `address`'s session and tells it so over its connection (only
   * while it can reach the service: one cut off learns at its lease's end, as live). False if
   * there was no live session or no connection.
   */
  expireSession(address: Address): boolean {
    if (this.#world.status(address) !== 'running') return false;
    if (!this.#world.network.canReach(ZOOKEEPER_ADDRESS, address)) return false;
    if (!this.coordination.expireSessionOf(address)) return false;
    (this.#world.instance(address) as HaMasterProcess).sessionExpired();
    return true;
  }

  /** What the leader invariants read (invariants.ts {@link LeaderView}). */
  view(): LeaderView {
    return {
      isMaster: (address) => this.#routing.isMaster(address),
      groupLeader: () => {
        const first = this.coordination.members()[0];
        return first === undefined ? undefined : { address: first.address, epoch: first.sequence };
      },
      epochOf: (address) =>
        this.#world.status(address) === 'running'
          ? (this.#world.instance(address) as HaMasterProcess).epoch
          : undefined,
      registryText: () => this.coordination.service.peekData(REGISTRY_PATH)?.data,
    };
  }

  /** The master the clients are routed to now, if it is running and acts as leader. */
  leader(): { address: Address; process: HaMasterProcess; master: Master } | undefined {
    const address = this.#routing.detected;
    if (address === undefined || this.#world.status(address) !== 'running') return undefined;
    const process = this.#world.instance(address) as HaMasterProcess;
    const master = process.master;
    return master === undefined ? undefined : { address, process, master };
  }
}
