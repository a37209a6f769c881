import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { encodeRecord, RecordIoDecoder } from '../../src/core/recordio.js';

const text = new TextDecoder();
const concat = (parts: readonly Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

test('a record is its byte length in decimal, a line feed, and the bytes', (t) => {
  t.is(text.decode(encodeRecord('{"type":"HEARTBEAT"}')), '20\n{"type":"HEARTBEAT"}');
  t.is(text.decode(encodeRecord('é')), '2\né', 'the length counts UTF-8 bytes, not characters');
});

testProp(
  'records come back whole, in order, however the bytes are cut into chunks',
  [fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), fc.array(fc.nat(400), { maxLength: 30 })],
  (t, records, cuts) => {
    const bytes = concat(records.map((r) => encodeRecord(r)));
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    const decoder = new RecordIoDecoder(1000);
    const out: Uint8Array[] = [];
    let from = 0;
    for (const to of [...points, bytes.length]) {
      const r = decoder.push(bytes.subarray(from, to));
      if (!r.ok) return t.fail(r.error);
      out.push(...r.records);
      from = to;
    }
    t.deepEqual(
      out.map((r) => [...r]),
      records.map((r) => [...r]),
    );
    t.false(decoder.midRecord);
  },
);

test('a bad header or an oversized record breaks the stream for good', (t) => {
  const bad = new RecordIoDecoder(100);
  t.deepEqual(bad.push(new TextEncoder().encode('1x\n')), {
    ok: false,
    error: 'record length: unexpected byte 0x78 (expected a decimal digit or a line feed)',
  });
  t.false(bad.push(encodeRecord('ok')).ok, 'no resync after a framing error');
  const big = new RecordIoDecoder(10);
  t.deepEqual(big.push(new TextEncoder().encode('11\n')), {
    ok: false,
    error: 'record length 11 is over the limit of 10 bytes',
  });
  t.false(new RecordIoDecoder(10).push(new TextEncoder().encode('\n')).ok, 'empty header');
  t.regex(
    (new RecordIoDecoder(10).push(new TextEncoder().encode('1'.repeat(21))) as { error: string }).error,
    /more than 20 digits/u,
  );
  const cut = new RecordIoDecoder(10);
  t.true(cut.push(new TextEncoder().encode('5\nab')).ok);
  t.true(cut.midRecord, 'a stream ending now was cut mid-record');
  const empty = new RecordIoDecoder(10).push(new TextEncoder().encode('0\n'));
  t.deepEqual(empty.ok && empty.records.map((r) => r.length), [0], 'a zero-length record, as stout accepts');
});
