/**
 * The live kill test (kill-rounds.ts): SIGKILL the master, an agent, or both, under load, and
 * restart them; no task is lost and no process is left without an owner. More rounds, with the
 * figures printed: `npm run bench:live-kill`.
 */
import test from 'ava';
import { killRounds } from './kill-rounds.js';

test('SIGKILL the master and agents under load, restart them: no task lost, no process orphaned', async (t) => {
  t.timeout(600_000);
  const figures = await killRounds({ rounds: 3, log: (line) => t.log(line) });
  t.log(
    `rounds=${figures.rounds} launched=${figures.launched} lost=${figures.lost} orphans=${figures.orphans} ` +
      `running=${figures.running} terminal=${JSON.stringify(figures.terminal)}`,
  );
  t.log(figures.notes.join('\n'));
  t.deepEqual(figures.problems, []);
  t.is(figures.lost, 0);
  t.is(figures.orphans, 0);
  t.true(figures.running > 0, 'long tasks ran through every round');
  t.true(figures.launched > 30);
});
