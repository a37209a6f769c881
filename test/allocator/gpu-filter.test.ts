/**
 * Mesos's GPU filter (master --filter_gpu_resources, default true; hierarchical.cpp skips a
 * framework without the GPU_RESOURCES capability on an agent that has GPUs).
 */
import test from 'ava';
import { resources } from '../../src/core/resource-text.js';
import { testAllocator, who } from './harness.js';

const GPU_AGENT = resources('cpus:8;mem:8192;gpus:2');
const CPU_AGENT = resources('cpus:8;mem:8192');

test('by default a GPU agent goes only to a framework with GPU_RESOURCES', (t) => {
  const { allocator } = testAllocator();
  allocator.addFramework('plain', { roles: ['r'] });
  allocator.addAgent('gpu', GPU_AGENT);
  t.deepEqual(who(allocator.allocate()), [], 'nobody may take the GPU agent');
  allocator.addAgent('cpu', CPU_AGENT);
  t.deepEqual(who(allocator.allocate()), ['plain@cpu']);
  allocator.addFramework('trainer', { roles: ['r'], gpuResources: true });
  t.deepEqual(who(allocator.allocate()), ['trainer@gpu']);
});

test('a framework without GPU_RESOURCES is skipped even when it sorts first (lower share)', (t) => {
  const { allocator } = testAllocator();
  allocator.addFramework('trainer', { roles: ['r'], gpuResources: true });
  allocator.addAgent('cpu', CPU_AGENT);
  t.deepEqual(who(allocator.allocate()), ['trainer@cpu']);
  allocator.addFramework('plain', { roles: ['r'] });
  allocator.addAgent('gpu', GPU_AGENT);
  t.deepEqual(who(allocator.allocate()), ['trainer@gpu'], 'plain (share 0) is passed over');
});

test('with filterGpuResources off, GPU agents go to anyone', (t) => {
  const { allocator } = testAllocator({ filterGpuResources: false });
  allocator.addFramework('plain', { roles: ['r'] });
  allocator.addAgent('gpu', GPU_AGENT);
  t.deepEqual(who(allocator.allocate()), ['plain@gpu']);
});
