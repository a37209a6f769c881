import test from 'ava';
import type { Output } from '../../src/cli/main.js';
import { Progress } from '../../src/cli/progress.js';
import { runCli } from './helpers.js';

function terminal(isTerminal: boolean): Output & { text: () => string } {
  let text = '';
  return {
    out: () => {},
    err: (s) => {
      text += s;
    },
    errIsTerminal: isTerminal,
    text: () => text,
  };
}

test('progress waits about a second, then shows simulated time, events per second and time left', (t) => {
  const output = terminal(true);
  let now = 0;
  const p = new Progress(output, 'sim x', false, () => now);
  now = 500;
  p.update(10_000, 100_000, 5_000);
  t.is(output.text(), '', 'nothing in the first second');
  now = 2000;
  p.update(25_000, 100_000, 40_000);
  t.is(output.text(), '\r\u001b[2Ksim x: 25/100 s simulated (25.0%), 20.0k events/s, ~6 s left');
  now = 2100;
  p.update(26_000, 100_000, 41_000);
  t.is(output.text().split('\r').length, 2, 'at most four redraws a second');
  p.done();
  t.true(output.text().endsWith('\r\u001b[2K'), 'done() clears the line');
});

test('progress counts items, and leaves out the event rate when there are no events', (t) => {
  const output = terminal(true);
  let now = 0;
  const p = new Progress(output, 'chaos', false, () => now);
  now = 2000;
  p.updateItems(5, 20, 'seeds', 30_000);
  t.is(output.text(), '\r\u001b[2Kchaos: 5/20 seeds (25.0%), 15.0k events/s, ~6 s left');
  const live = terminal(true);
  const q = new Progress(live, 'live x', false, () => now);
  now = 4000;
  q.update(30_000, 60_000);
  t.is(live.text(), '\r\u001b[2Klive x: 30/60 s simulated (50.0%), ~2 s left');
});

test('progress stays silent when stderr is not a terminal, or with quiet', (t) => {
  for (const [isTerminal, quiet] of [
    [false, false],
    [true, true],
  ] as const) {
    const output = terminal(isTerminal);
    let now = 0;
    const p = new Progress(output, 'sim x', quiet, () => now);
    now = 5000;
    p.update(50_000, 100_000, 1000);
    p.done();
    t.is(output.text(), '');
  }
});

test('a piped sim or sweep writes no progress line, only its timing', async (t) => {
  const sim = await runCli('sim', 'scenarios/drf-paper.json');
  t.notRegex(sim.err, /\r/u);
  const sweep = await runCli('sweep', 'scenarios/drf-paper.json', '--seeds', '1-2', '--jobs', '1');
  t.is(sweep.code, 0, sweep.err);
  t.notRegex(sweep.err, /\r/u);
  t.regex(sweep.err, /^sweep drf-paper: 6 runs on 1 thread in [\d.]+ s wall\n$/u);
});
