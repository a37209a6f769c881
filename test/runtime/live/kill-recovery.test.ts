/**
 * The live kill test (kill-rounds.ts): SIGKILL the master, an agent, or both, under load, and
 * restart them; no task is lost and no process is left without an owner. More rounds, with the
 * figures printed: `npm run bench:live-kill`.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import test from 'ava';
import { markedProcesses, WORK_DIR_MARKER } from '../../../src/runtime/live/task-processes.js';
import { eventually, liveCluster } from './harness.js';
import { checkRun, killRounds } from './kill-rounds.js';

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

test('the check catches what it is for: a task process nobody owns, a task reported ended that runs, one that vanished', async (t) => {
  const cluster = await liveCluster(1);
  const agent = cluster.agents[0];
  if (agent === undefined) return t.fail();
  const workDir = resolve(cluster.workDir, 'agent-0');
  // Planted: processes marked as the agent's, that the agent does not list.
  const plant = (executorId: string) =>
    spawn('sleep', ['30'], {
      detached: true,
      stdio: 'ignore',
      env: { PATH: process.env.PATH ?? '', [WORK_DIR_MARKER]: workDir, MESOS_EXECUTOR_ID: executorId },
    });
  const planted = [plant('ghost'), plant('ended-but-running')];
  try {
    await eventually(
      () => markedProcesses(workDir).filter((p) => !p.watchdog).length === 2,
      5_000,
      'the planted processes',
    );
    const task = (id: string, heard: string[], reconciled?: string) => ({
      id,
      agentId: 'a',
      long: false,
      heard,
      log: heard,
      reconciled,
    });
    const found = await checkRun(
      [
        {
          name: 'planted',
          tasks: [
            task('ended-but-running', ['TASK_RUNNING', 'TASK_FINISHED']),
            task('vanished', ['TASK_RUNNING'], 'TASK_RUNNING'),
            task('fine', ['TASK_RUNNING', 'TASK_FAILED']),
          ],
        },
      ],
      [{ port: agent.port, workDir }],
    );
    t.is(found.orphans, 2, found.problems.join('\n'));
    t.is(found.lost, 2, found.problems.join('\n'));
    t.is(found.launched, 3);
    t.true(
      found.problems.some((p) =>
        p.includes('ended-but-running was reported TASK_FINISHED but its process runs'),
      ),
    );
    t.true(found.problems.some((p) => p.includes('vanished') && p.includes('process gone')));
  } finally {
    for (const p of planted) p.kill('SIGKILL');
    await cluster.close();
  }
});
