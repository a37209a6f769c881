/**
 * How agents and frameworks reach the leader of a highly available trio in the simulated world,
 * the simulated counterpart of Mesos's ZooKeeper master detector (src/runtime/live/zk/
 * leader-detector.ts): they keep sending to the logical address `master`, and the world routes
 * each message to the master they last detected; what a master sends reaches them from `master`.
 * A message to `master` while no leader is detected goes nowhere (an unknown address), as a
 * client with no leader has nowhere to send.
 */
import type { Address } from '../../../core/process.js';
import type { AddressRouter } from '../world.js';

/** The detected leader, as the world's router (see the module comment). */
export class LeaderRouting implements AddressRouter {
  readonly #logical: Address;
  readonly #masters: ReadonlySet<Address>;
  /** The leader the clients detected (told one latency after the service's group changed). */
  detected: Address | undefined;

  constructor(logical: Address, masters: readonly Address[]) {
    this.#logical = logical;
    this.#masters = new Set(masters);
  }

  /** Whether `address` is one of the trio. */
  isMaster(address: Address): boolean {
    return this.#masters.has(address);
  }

  resolve(from: Address, to: Address): Address {
    if (to !== this.#logical || this.#masters.has(from)) return to;
    return this.detected ?? to;
  }

  shown(from: Address, to: Address): Address {
    return this.#masters.has(from) && !this.#masters.has(to) ? this.#logical : from;
  }
}
