import { randomUUID } from 'node:crypto';
import test from 'ava';
import fc from 'fast-check';
import { randomUuidBase64 } from '../../src/core/messages/base64.js';
import { deriveStream } from '../../src/core/random-streams.js';
import { randomUuidText } from '../../src/core/uuid.js';

const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u;

test('randomUuidText is a canonical version-4 UUID, as node:crypto writes them', (t) => {
  const stream = deriveStream(1, 'uuid');
  for (let i = 0; i < 200; i++) t.regex(randomUuidText(stream), CANONICAL);
  t.regex(randomUUID(), CANONICAL, 'the pattern is the one node:crypto produces');
  t.is(
    randomUuidText(() => 0),
    '00000000-0000-4000-8000-000000000000',
  );
  t.is(
    randomUuidText(() => 0.999999),
    'ffffffff-ffff-4fff-bfff-ffffffffffff',
  );
});

test('the same stream gives the same UUID in text and in base64 (one byte draw)', (t) => {
  fc.assert(
    fc.property(fc.string(), (seed) => {
      const text = randomUuidText(deriveStream(seed, 'x'));
      const base64 = randomUuidBase64(deriveStream(seed, 'x'));
      t.is(Buffer.from(base64, 'base64').toString('hex'), text.replaceAll('-', ''));
    }),
  );
});

test('each UUID draws exactly 16 numbers from the stream', (t) => {
  let draws = 0;
  const counting = () => {
    draws++;
    return 0.5;
  };
  randomUuidText(counting);
  t.is(draws, 16);
  randomUuidBase64(counting);
  t.is(draws, 32);
});
