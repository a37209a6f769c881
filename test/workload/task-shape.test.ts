import test from 'ava';
import { resourcesToJson } from '../../src/core/messages/resources-json.js';
import { resources } from '../../src/core/resource-text.js';
import { OfferRemainder, taskShape } from '../../src/workload/task-shape.js';

const offerOf = (text: string, role = 'a') => resourcesToJson(resources(text), { allocationRole: role });

test('tasks are fitted by scalar amounts until the offer runs out', (t) => {
  const shape = taskShape(resources('cpus:1.5;mem:1024'));
  const left = new OfferRemainder();
  left.reset(offerOf('cpus:4;mem:4096'));
  let n = 0;
  while (left.fits(shape)) {
    left.take(shape);
    n++;
  }
  t.is(n, 2, '1.5 + 1.5 of 4 cpus; a third would need 4.5');
});

test('unreserved demand does not fit reserved supply, and reserved demand needs its role', (t) => {
  const left = new OfferRemainder();
  left.reset(offerOf('cpus(a):4;mem(a):4096'));
  t.false(left.fits(taskShape(resources('cpus:1;mem:128'))));
  t.true(left.fits(taskShape(resources('cpus(a):1;mem(a):128'))));
});

test('ports are asked for by count and each task gets the lowest free ones', (t) => {
  const shape = taskShape(resources('cpus:0.1;ports:[1-2]'));
  const left = new OfferRemainder();
  left.reset(offerOf('cpus:1;ports:[31000-31002,32000-32003]'));
  const ports = (json: ReturnType<OfferRemainder['take']>) =>
    json.find((r) => r.name === 'ports')?.ranges?.range?.map((r) => `${r.begin}-${r.end}`);
  t.deepEqual(ports(left.take(shape)), ['31000-31001']);
  t.deepEqual(ports(left.take(shape)), ['31002-31002', '32000-32000']);
  t.deepEqual(ports(left.take(shape)), ['32001-32002']);
  t.false(left.fits(shape), 'one port left, two needed');
});

test('a task without ranges shares the job-wide resources JSON', (t) => {
  const shape = taskShape(resources('cpus:1;mem:64'));
  const left = new OfferRemainder();
  left.reset(offerOf('cpus:2;mem:128'));
  t.is(left.take(shape), shape.scalarJson);
});
