/** What command text means in the simulated world (the shared conventions). */
import test from 'ava';
import { parseSimCommand } from '../../src/agent/sim-command.js';

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
