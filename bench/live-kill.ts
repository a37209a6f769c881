/**
 * The live kill test with as many rounds as asked (test/runtime/live/kill-rounds.ts): real
 * `agora master` and `agora agent` processes on loopback, two frameworks launching tasks all
 * along (one checkpointing and PARTITION_AWARE, one neither), and rounds that SIGKILL an agent,
 * the master, or both, in turn, and restart them. It prints one line:
 *
 *     rounds=… kills=agent:…,master:…,both:… launched=… lost=… orphans=… running=… heard=…
 *
 * - `lost`: tasks whose fate their framework got wrong or never learned (no terminal state
 *   heard and not running, or a terminal state heard while the process still runs): must be 0;
 * - `orphans`: task processes no running agent owns: must be 0;
 * - `running`: long tasks still running at the end, confirmed by reconciliation;
 * - `heard`: the terminal states each framework was told, by state.
 *
 * A non-zero `lost` or `orphans` prints what went wrong and exits 1.
 *
 * Usage: node --import tsx bench/live-kill.ts [--rounds 9] [--agents 2]
 */
import { killRounds } from '../test/runtime/live/kill-rounds.js';
import { benchArgs } from './args.js';

const values = benchArgs('node --import tsx bench/live-kill.ts [--rounds 9] [--agents 2]', {
  rounds: { type: 'string', default: '9' },
  agents: { type: 'string', default: '2' },
});

const startedAt = Date.now();
const f = await killRounds({
  rounds: Number(values.rounds),
  agents: Number(values.agents),
  log: (line) => console.error(`# ${line}`),
});
const heard = Object.entries(f.terminal)
  .map(
    ([name, states]) =>
      `${name}:{${Object.entries(states)
        .map(([s, n]) => `${s.replace('TASK_', '')}:${n}`)
        .join(',')}}`,
  )
  .join(',');
console.log(
  `rounds=${f.rounds} kills=${Object.entries(f.kills)
    .map(([k, n]) => `${k}:${n}`)
    .join(',')} launched=${f.launched} ` +
    `lost=${f.lost} orphans=${f.orphans} running=${f.running} heard=${heard} wall_s=${((Date.now() - startedAt) / 1000).toFixed(0)}`,
);
for (const line of f.notes) console.error(`# ${line}`);
for (const line of f.problems) console.error(`! ${line}`);
process.exit(f.lost === 0 && f.orphans === 0 ? 0 : 1);
