/**
 * `--masters` on `agora sim` and `agora chaos`: three masters contending through the simulated
 * ZooKeeper, from the command line; bad values and scenarios that name the master are refused.
 */
import test from 'ava';
import { runCli } from './helpers.js';

test('agora sim --masters 3 runs the scenario with three masters: every task finishes', async (t) => {
  const r = await runCli('sim', 'scenarios/contended.json', '--masters', '3', '--json', '--quiet');
  t.is(r.code, 0, r.err);
  const summary = JSON.parse(r.out) as {
    frameworks: Record<string, { tasksSubmitted: number; tasksFinished: number }>;
  };
  for (const [name, f] of Object.entries(summary.frameworks)) t.is(f.tasksFinished, f.tasksSubmitted, name);
});

test('agora sim --masters refuses a bad count and a scenario whose faults name the master', async (t) => {
  const bad = await runCli('sim', 'scenarios/contended.json', '--masters', '1');
  t.is(bad.code, 2);
  t.regex(bad.err, /--masters: expected a whole number of masters from 2 to 7, got "1"/u);
  const naming = await runCli('sim', 'scenarios/large.json', '--masters', '3', '--quiet');
  t.is(naming.code, 2);
  t.regex(naming.err, /--masters: the scenario's network-partition fault at \d+ s names the master/u);
});

test('agora chaos --masters 3 prints the masters’ faults, leader changes and a replay line', async (t) => {
  const r = await runCli('chaos', '--seeds', '3-4', '--masters', '3', '--quiet');
  t.is(r.code, 0, r.out + r.err);
  t.regex(r.out, /^seed 3: ok \(3 masters, .*leader changes/mu);
  t.regex(
    r.out,
    /2 of 2 seeds passed: .*masters' faults drawn: \d+ leader-crash, \d+ master-zk-partition, \d+ session-expiry, \d+ zk-crash, \d+ master-clock-skew; \d+ leader changes/u,
  );
  const json = await runCli('chaos', '--seeds', '3', '--masters', '3', '--json', '--quiet');
  const line = JSON.parse(json.out.split('\n')[0] ?? '') as {
    ok: boolean;
    replay: string;
    leaderChanges: number;
  };
  t.true(line.ok);
  t.is(line.replay, 'agora chaos --seeds 3 --minutes 5 --masters 3');
  t.true(line.leaderChanges > 0);
});
