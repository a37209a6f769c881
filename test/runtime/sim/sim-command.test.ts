/** What command text means in the simulated world (the shared conventions). */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { parseSimCommand } from '../../../src/runtime/sim/sim-command.js';

const INF = Number.POSITIVE_INFINITY;

const cases: [string, { durationMs: number; code: number } | undefined][] = [
  ['sleep 5', { durationMs: 5000, code: 0 }],
  ['sleep 0.25', { durationMs: 250, code: 0 }],
  ['sleep 2m', { durationMs: 120_000, code: 0 }],
  ['sleep 1 2', { durationMs: 3000, code: 0 }],
  ['sleep 2; exit 3', { durationMs: 2000, code: 3 }],
  ['sleep 2 && exit 3', { durationMs: 2000, code: 3 }],
  ['  sleep 2 ;exit 3 ', { durationMs: 2000, code: 3 }],
  ['exit 4', { durationMs: 0, code: 4 }],
  ['exit', { durationMs: 0, code: 0 }],
  ['false; exit', { durationMs: 0, code: 1 }],
  ['true', { durationMs: 0, code: 0 }],
  ['false', { durationMs: 0, code: 1 }],
  ['false && sleep 10', { durationMs: 0, code: 1 }],
  ['false || sleep 1', { durationMs: 1000, code: 0 }],
  ['sleep 1 || exit 9', { durationMs: 1000, code: 0 }],
  ['sleep infinity', { durationMs: INF, code: 0 }],
  ['sleep infinity; exit 3', { durationMs: INF, code: 0 }],
  ['sleep 1;', { durationMs: 1000, code: 0 }],
  ['', undefined],
  ['echo hi', undefined],
  ['sleep', undefined],
  ['sleep -1', undefined],
  ['sleep 5x', undefined],
  ['exit 256', undefined],
  ['exit 1 2', undefined],
  ['sleep 1 &&', undefined],
  ['&& true', undefined],
  ['sleep 1;; true', undefined],
  ['sleep 1 | cat', undefined],
  ['false && echo skipped', undefined],
];

for (const [text, expected] of cases) {
  test(`"${text}"`, (t) => {
    t.deepEqual(parseSimCommand(text), expected);
  });
}

testProp(
  'the one-expression reading of "sleep <n>[; exit <code>]" is the grammar\'s (spaced out, the same text takes the general path)',
  [
    fc.oneof(
      fc.nat({ max: 10_000_000 }).map(String),
      fc.tuple(fc.nat({ max: 100_000 }), fc.nat({ max: 999_999 })).map(([a, b]) => `${a}.${b}`),
      fc.nat({ max: 999 }).map((b) => `.${b}`),
      fc.nat({ max: 99 }).map((a) => `${a}.`),
      fc.constant('1'.repeat(400)),
    ),
    fc.constantFrom('', 's', 'm', 'h', 'd'),
    fc.option(fc.nat({ max: 999 }).map(String), { nil: undefined }),
  ],
  (t, number, unit, code) => {
    const exit = code === undefined ? '' : `; exit ${code}`;
    t.deepEqual(
      parseSimCommand(`sleep ${number}${unit}${exit}`),
      parseSimCommand(` sleep  ${number}${unit} ${exit} `),
    );
  },
);
