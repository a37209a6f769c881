/**
 * `agora live` against `agora sim`: the same scenario in both worlds gives task counts that
 * agree (timing differs, so only what does not depend on it is compared).
 */
import test from 'ava';
import { runCli, scenarioFile } from '../../cli/helpers.js';

type Counts = Record<
  string,
  { tasksLaunched: number; tasksFinished: number; tasksFailed: number; running: number }
>;

async function counts(world: 'sim' | 'live', path: string, extra: string[] = []): Promise<Counts> {
  const r = await runCli(world, path, '--json', '--quiet', ...extra);
  if (r.code !== 0) throw new Error(`${world}: ${r.err}`);
  const summary = JSON.parse(r.out) as { frameworks: Counts };
  return Object.fromEntries(
    Object.entries(summary.frameworks).map(([name, f]) => [
      name,
      {
        tasksLaunched: f.tasksLaunched,
        tasksFinished: f.tasksFinished,
        tasksFailed: f.tasksFailed,
        running: f.running,
      },
    ]),
  );
}

test('the DRF paper example ends the same live as simulated: A runs 3 tasks, B runs 2', async (t) => {
  const live = await counts('live', 'scenarios/drf-paper.json', ['--time-scale', '20']);
  t.deepEqual(live, await counts('sim', 'scenarios/drf-paper.json'));
  t.is(live.A?.running, 3);
  t.is(live.B?.running, 2);
});

test('a batch scenario finishes the same tasks, with the same failures, in both worlds', async (t) => {
  const path = scenarioFile({
    name: 'small-batch',
    seed: 5,
    until: 60,
    agents: [{ count: 2, resources: 'cpus:4;mem:4096' }],
    frameworks: [
      {
        name: 'A',
        jobs: [{ name: 'a', at: 0, tasks: 12, resources: 'cpus:1;mem:256', duration: 2, failRate: 0.25 }],
      },
      {
        name: 'B',
        jobs: [
          {
            name: 'b',
            at: 5,
            tasks: 8,
            resources: 'cpus:2;mem:512',
            duration: { dist: 'uniform', min: 1, max: 3 },
          },
        ],
      },
    ],
  });
  const sim = await counts('sim', path);
  const live = await counts('live', path, ['--time-scale', '10']);
  t.deepEqual(live, sim);
  t.is((sim.A?.tasksFinished ?? 0) + (sim.A?.tasksFailed ?? 0), 12, 'every task of A ended');
  t.true((sim.A?.tasksFailed ?? 0) > 0, 'some were drawn to fail');
});
