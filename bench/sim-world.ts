/**
 * Whole-world benchmark: the event queue plus the network, pooled event records, env closures
 * and handler dispatch. `processes` gossipers each wake every ~100 ms (jittered) and send a
 * message to a random peer over a 1–20 ms network with 1% loss and 1% duplication; tracing is off.
 * Compare with bench/event-queue.ts to see what the world adds per event.
 *
 * Usage: node --import tsx bench/sim-world.ts [--processes 10000] [--until-ms 60000] [--runs 3]
 */
import { performance } from 'node:perf_hooks';
import type { Address, Env, Process } from '../src/core/process.js';
import { SimWorld } from '../src/runtime/sim/world.js';
import { benchArgs } from './args.js';

const values = benchArgs(
  'node --import tsx bench/sim-world.ts [--processes 10000] [--until-ms 60000] [--runs 3]',
  {
    processes: { type: 'string', default: '10000' },
    'until-ms': { type: 'string', default: '60000' },
    runs: { type: 'string', default: '3' },
  },
);
const processCount = Number(values.processes);
const untilMs = Number(values['until-ms']);
const runs = Number(values.runs);

type Gossip = { readonly hops: number };

class Gossiper implements Process<Gossip> {
  readonly #peers: readonly Address[];
  received = 0;

  constructor(peers: readonly Address[]) {
    this.#peers = peers;
  }

  onStart(env: Env<Gossip>): void {
    env.setTimer(100 * env.random(), 'wake');
  }

  onMessage(): void {
    this.received++;
  }

  onTimer(env: Env<Gossip>): void {
    const peer = this.#peers[Math.floor(env.random() * this.#peers.length)] as Address;
    env.send(peer, { hops: 1 });
    env.setTimer(50 + 100 * env.random(), 'wake');
  }
}

function run(): number {
  const world = new SimWorld<Gossip>({
    seed: 'bench',
    trace: 'off',
    maxPendingEvents: 4 * processCount + 1024,
    network: { latencyMsMin: 1, latencyMsMax: 20, lossProbability: 0.01, duplicateProbability: 0.01 },
  });
  const names = Array.from({ length: processCount }, (_, i) => `p${i}`);
  for (const name of names) world.spawn(name, () => new Gossiper(names));
  const start = performance.now();
  const events = world.runUntil(untilMs);
  const wallS = (performance.now() - start) / 1000;
  const perS = events / wallS;
  console.log(
    `processes=${processCount} sim_ms=${untilMs} events=${events} pending=${world.pendingEvents} ` +
      `wall_s=${wallS.toFixed(3)} events_per_s=${Math.round(perS)}`,
  );
  return perS;
}

const rates: number[] = [];
for (let r = 0; r < runs; r++) rates.push(run());
rates.sort((a, b) => a - b);
console.log(
  `median events_per_s=${Math.round(rates[rates.length >> 1] as number)} runs=${runs} node=${process.version}`,
);
