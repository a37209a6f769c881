/**
 * The live commands as a user runs them: `agora master` and `agora agent` processes on loopback,
 * and `agora execute` (like mesos-execute) against them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { killHard, startAgent, startMaster } from '../runtime/live/processes.js';
import { runCli } from './helpers.js';

test('agora execute prints each state change and exits 0 when the task finishes, 1 when it fails', async (t) => {
  const master = await startMaster(0, ['--allocation-interval', '0.2']);
  const agent = await startAgent(master.url, mkdtempSync(join(tmpdir(), 'agora-exec-')));
  try {
    const where = master.url.replace('http://', '');
    const ok = await runCli(
      'execute',
      '--master',
      where,
      '--name',
      'hello',
      '--command',
      'echo hi',
      '--timeout',
      '30',
    );
    t.is(ok.code, 0, ok.err);
    t.regex(ok.out, /^Subscribed with ID \S+\nSubmitted task 'hello' to agent '\S+'\n/u);
    t.regex(ok.out, /Received status update TASK_RUNNING for task 'hello'\n/u);
    t.regex(
      ok.out,
      /Received status update TASK_FINISHED for task 'hello': Command exited with status 0\n$/u,
    );
    const bad = await runCli(
      'execute',
      '--master',
      where,
      '--name',
      'oops',
      '--command',
      'exit 7',
      '--timeout',
      '30',
    );
    t.is(bad.code, 1);
    t.regex(bad.out, /TASK_FAILED for task 'oops': Command exited with status 7\n$/u);
  } finally {
    await killHard(agent.child);
    await killHard(master.child);
  }
});

test('the live commands refuse bad flags with the flag and the value', async (t) => {
  for (const [args, message] of [
    [['master', '--port', '70000'], /--port: expected a whole number from 0 to 65535, got "70000"/u],
    [['agent', '--master', 'nowhere'], /--master: expected HOST:PORT with a port, got "nowhere"/u],
    [['agent', '--master', '127.0.0.1:5050', '--resources', 'cpu:1'], /--resources: unknown resource "cpu"/u],
    [
      ['execute', '--master', '127.0.0.1:1', '--name', 'x', '--command', 'true', '--timeout', '0'],
      /--timeout/u,
    ],
    [['live', 'scenarios/drf-paper.json', '--time-scale', '-1'], /--time-scale/u],
  ] as const) {
    const r = await runCli(...args);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.err, message);
  }
});
