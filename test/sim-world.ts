/**
 * The simulated world the process tests (master, agent, driver) run in, and the master they put
 * in it. One helper, so the three test harnesses build the same world: link notices (a process
 * that goes down is reported to its peers, as a broken connection would be) and a fixed 1 ms
 * latency unless a test asks for other network knobs.
 */
import { type AllocatorSettings, createAllocator } from '../src/allocator/create.js';
import type { Address } from '../src/core/process.js';
import type { Wire } from '../src/core/wire.js';
import { Master } from '../src/master/master.js';
import type { MasterOptions } from '../src/master/options.js';
import type { NetworkConfig } from '../src/runtime/sim/network.js';
import { SimWorld } from '../src/runtime/sim/world.js';

/** A world with link notifications and 1 ms latency (plus any network knobs). */
export function newWorld(seed: string | number = 1, network: Partial<NetworkConfig> = {}): SimWorld<Wire> {
  return new SimWorld<Wire>({
    seed,
    network: { latencyMsMin: 1, latencyMsMax: 1, ...network },
    linkMessage: (exited: Address) => ({ channel: 'link', exited }),
  });
}

/**
 * A master as the simulated root builds one: with a new allocator of its own (the same
 * allocation interval as the master's), so a factory calling it gives each incarnation its own.
 */
export function newMaster(options: MasterOptions = {}, allocator: AllocatorSettings = {}): Master {
  return new Master(
    createAllocator({
      ...(options.allocationIntervalMs === undefined
        ? {}
        : { allocationIntervalMs: options.allocationIntervalMs }),
      ...allocator,
    }),
    options,
  );
}
