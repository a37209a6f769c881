/**
 * The composition root builds the allocator and hands it to the master (Mesos's master
 * `main.cpp`); the master attaches it to its own clock and stream when it starts. One allocator
 * serves one master incarnation: a restart builds a new master with a new allocator.
 */
import test from 'ava';
import type { Allocator } from '../../src/allocator/allocator.js';
import { createAllocator } from '../../src/allocator/create.js';
import { HierarchicalAllocator } from '../../src/allocator/hierarchical.js';
import { drfPolicy } from '../../src/allocator/sorters/drf.js';
import { resources } from '../../src/core/resource-text.js';
import { Master } from '../../src/master/master.js';
import { newWorld } from '../sim-world.js';
import { advance, FakeAgent, FakeScheduler, MASTER, take } from './harness.js';

test('an allocator is attached once: used before, or initialized twice, it fails loudly', (t) => {
  const allocator = new HierarchicalAllocator({ policy: drfPolicy });
  allocator.addAgent('a1', resources('cpus:1;mem:1024'));
  allocator.addFramework('f1', { roles: ['*'] });
  t.throws(() => allocator.allocate(), { message: /allocator used before initialize\(\)/ });
  const attached = createAllocator();
  attached.initialize({ now: () => 0, random: () => 0.5 });
  t.throws(() => attached.initialize({ now: () => 0, random: () => 0.5 }), {
    message: /initialized twice: each master incarnation needs its own/,
  });
});

test('the master offers through the allocator it is handed, and each incarnation gets a new one', (t) => {
  const world = newWorld(1);
  const built: Allocator[] = [];
  world.spawn(MASTER, () => {
    const allocator = createAllocator();
    built.push(allocator);
    return new Master(allocator);
  });
  world.spawn('agent-0', () => new FakeAgent({ resources: 'cpus:2;mem:1024' }));
  world.spawn('scheduler-a', () => new FakeScheduler());
  (world.instance('scheduler-a') as FakeScheduler).subscribe({ name: 'a' });
  advance(world, 3_000);
  const offers = take(world.instance('scheduler-a') as FakeScheduler);
  t.true(offers.length > 0, 'the scheduler is offered the agent');
  t.deepEqual(built[0]?.agentIds(), [offers[0]?.agent_id.value], 'the offer came from the handed allocator');
  world.crash(MASTER);
  world.restart(MASTER);
  advance(world, 1_000);
  t.is(built.length, 2, 'the restarted master was built with a second allocator');
  t.not(built[0], built[1]);
});
