import test from 'ava';
import { deriveStream, RandomStreams } from '../../src/core/random-streams.js';

const take = (stream: () => number, n: number) => Array.from({ length: n }, () => stream());

test('the same (seed, name) gives the same sequence in a fresh set of streams', (t) => {
  const a = new RandomStreams(42).stream('network');
  const b = new RandomStreams(42).stream('network');
  t.deepEqual(take(a, 20), take(b, 20));
  t.deepEqual(take(deriveStream(42, 'network'), 5), take(new RandomStreams('42').stream('network'), 5));
});

test('different names or seeds give different sequences', (t) => {
  const streams = new RandomStreams(42);
  t.notDeepEqual(take(streams.stream('process/a'), 10), take(streams.stream('process/b'), 10));
  t.notDeepEqual(take(new RandomStreams(1).stream('x'), 10), take(new RandomStreams(2).stream('x'), 10));
});

test('asking twice for a name continues the same stream rather than replaying it', (t) => {
  const streams = new RandomStreams('s');
  const first = streams.stream('w');
  t.is(streams.stream('w'), first);
  const reference = take(deriveStream('s', 'w'), 4);
  t.deepEqual([first(), streams.stream('w')(), first(), streams.stream('w')()], reference);
});

test('creating and drawing from other streams does not shift a stream', (t) => {
  const alone = take(new RandomStreams(7).stream('process/master'), 50);
  const crowded = new RandomStreams(7);
  const other = crowded.stream('process/agent-1');
  take(other, 13);
  const master = crowded.stream('process/master');
  const interleaved: number[] = [];
  for (let i = 0; i < 50; i++) {
    interleaved.push(master());
    crowded.stream(`process/agent-${i + 2}`)();
    other();
  }
  t.deepEqual(interleaved, alone);
});

test('draws are uniform in [0, 1)', (t) => {
  const xs = take(deriveStream(3, 'u'), 20_000);
  t.true(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  t.true(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
});
