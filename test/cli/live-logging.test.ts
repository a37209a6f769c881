/**
 * What `agora master`, `agora agent` and `agora execute` say, as real processes (bin/agora.js):
 * one line per registration, subscription, launch, terminal state and agent loss, with time and
 * level; `--quiet` and `--log-level`; an agent whose master is down says where, why and when it
 * tries again; `agora execute` gives up at `--timeout` saying what it was waiting for.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { AGENT_READY, AGORA_BIN, startAgoraProcess } from '../../src/runtime/live/agora-process.js';
import { eventually } from '../runtime/live/harness.js';
import {
  FAST_HEALTH_CHECKS,
  freePort,
  killHard,
  startAgent,
  startMaster,
} from '../runtime/live/processes.js';

/** A log line: ISO time, padded level, component. */
const LINE = (level: string, component: string, text: string) =>
  new RegExp(
    `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ${level.padEnd(7)} ${component}: ${text}$`,
    'mu',
  );

/** Runs `agora <args>` as a process to its end. */
function runAgora(args: readonly string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [AGORA_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const FAST_MASTER = FAST_HEALTH_CHECKS;

test('master and agent log registrations, subscriptions, launches, terminal states and agent loss; execute asking too much times out saying so', async (t) => {
  const master = await startMaster(0, FAST_MASTER);
  const agent = await startAgent(master.url, mkdtempSync(join(tmpdir(), 'agora-log-')), 'cpus:1;mem:256');
  try {
    const where = master.url.replace('http://', '');
    const ok = await runAgora(['execute', '--master', where, '--name', 'hello', '--command', 'true']);
    t.is(ok.code, 0, ok.err);
    const agentId = /registered with the master as agent (\S+)/u.exec(agent.stderr())?.[1];
    const frameworkId = /Subscribed with ID (\S+)/u.exec(ok.out)?.[1];
    t.truthy(agentId, agent.stderr());
    t.truthy(frameworkId, ok.out);
    const m = master.stderr();
    t.regex(
      m,
      LINE(
        'INFO',
        'master',
        `agent ${agentId} registered from agent@127\\.0\\.0\\.1:\\d+ \\(hostname 127\\.0\\.0\\.1\\)`,
      ),
    );
    t.regex(
      m,
      LINE(
        'INFO',
        'master',
        `framework ${frameworkId} \\(agora-execute hello\\) subscribed in role\\(s\\) \\*`,
      ),
    );
    t.regex(
      m,
      LINE('INFO', 'master', `launching task hello of framework ${frameworkId} on agent ${agentId}`),
    );
    t.regex(
      m,
      LINE('INFO', 'master', `task hello of framework ${frameworkId} on agent ${agentId} is TASK_FINISHED`),
    );
    t.regex(m, LINE('INFO', 'master', `framework ${frameworkId} removed: teardown`));
    t.notRegex(m, /TASK_RUNNING/u, 'non-terminal states are debug lines');
    const a = agent.stderr();
    t.regex(
      a,
      LINE('INFO', 'agent', `launched task hello of framework ${frameworkId} \\(executor command\\)`),
    );
    t.regex(a, LINE('INFO', 'agent', `task hello of framework ${frameworkId} is TASK_FINISHED`));

    // Resources no agent has: it says so at --timeout and exits 1.
    const big = await runAgora([
      'execute',
      '--master',
      where,
      '--name',
      'big',
      '--command',
      'true',
      '--resources',
      'cpus:64',
      '--timeout',
      '1.5',
    ]);
    t.is(big.code, 1);
    t.regex(
      big.err,
      /agora execute: timed out after 1\.5 s: no offer had the resources asked for \(cpus:64\): \d+ offer\(s\) from 1 agent\(s\) declined\n/u,
    );

    // Agent loss: killed, it stops answering pings.
    await killHard(agent.child);
    await eventually(
      () => LINE('WARNING', 'master', `agent ${agentId} is unreachable: .*`).test(master.stderr()),
      30_000,
      () => `the master to log the agent's loss:\n${master.stderr()}`,
    );
    t.pass();
  } finally {
    await killHard(agent.child);
    await killHard(master.child);
  }
});

test('--quiet silences the event lines; --log-level debug adds the chatty ones; a bad level is a usage error', async (t) => {
  const master = await startMaster(0, [...FAST_MASTER, '--quiet']);
  const agent = await startAgent(master.url, mkdtempSync(join(tmpdir(), 'agora-log-')), 'cpus:1;mem:256', [
    '--log-level',
    'debug',
  ]);
  try {
    const ok = await runAgora([
      'execute',
      '--master',
      master.url.replace('http://', ''),
      '--name',
      'quiet',
      '--command',
      'true',
    ]);
    t.is(ok.code, 0, ok.err);
    await eventually(() => /TASK_FINISHED/u.test(agent.stderr()), 10_000, 'the agent to log the end');
    t.is(master.stderr().trim(), `agora master: listening on ${master.url}`, 'only the line saying where');
    t.regex(agent.stderr(), LINE('DEBUG', 'agent', 'task quiet of framework \\S+ is TASK_RUNNING'));
    t.regex(
      agent.stderr(),
      LINE('DEBUG', 'agent', 'REGISTER_AGENT sent; next attempt in .* unless the master answers'),
    );
  } finally {
    await killHard(agent.child);
    await killHard(master.child);
  }
  const bad = await runAgora(['master', '--port', '0', '--log-level', 'loud']);
  t.is(bad.code, 2, bad.err);
  t.regex(bad.err, /--log-level: expected one of debug, info, warning, error, got "loud"/u);
});

test('an agent whose master is down says where, why and when it tries again, with backoff, then that it got through', async (t) => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const agent = await startAgoraProcess(
    [
      'agent',
      '--master',
      `127.0.0.1:${port}`,
      '--port',
      '0',
      '--work-dir',
      mkdtempSync(join(tmpdir(), 'agora-log-')),
      '--resources',
      'cpus:1;mem:128',
    ],
    AGENT_READY,
  );
  let master: Awaited<ReturnType<typeof startMaster>> | undefined;
  try {
    const retry = new RegExp(
      `^(\\S+) WARNING agent: cannot register with the master at ${url}: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}; retrying in [\\d.]+ s \\(attempt (\\d+) failed\\)$`,
      'gmu',
    );
    await eventually(
      () => [...agent.stderr().matchAll(retry)].length >= 3,
      30_000,
      () => `three failed attempts to be reported:\n${agent.stderr()}`,
    );
    const attempts = [...agent.stderr().matchAll(retry)];
    t.deepEqual(
      attempts.slice(0, 3).map((a) => a[2]),
      ['1', '2', '3'],
    );
    // Backoff, not a line per millisecond: the registration backoff is 1 s doubling, each attempt
    // random in its bound, so three attempts take well under a minute and lines come one per try.
    const times = attempts.map((a) => Date.parse(a[1] as string));
    const perSecond = attempts.length / Math.max(1, ((times.at(-1) as number) - (times[0] as number)) / 1000);
    t.true(attempts.length <= 10 || perSecond < 5, `${attempts.length} lines, ${perSecond.toFixed(1)}/s`);
    master = await startMaster(port, FAST_MASTER);
    await eventually(
      () => /INFO {4}agent: reached the master at \S+ after \d+ failed attempt\(s\)/u.test(agent.stderr()),
      90_000,
      () => `the agent to get through:\n${agent.stderr()}`,
    );
  } finally {
    await killHard(agent.child);
    if (master !== undefined) await killHard(master.child);
  }
});

test('agora execute on a dead master gives up at --timeout saying why, exit 1; --help gives the default', async (t) => {
  const port = await freePort();
  const dead = await runAgora([
    'execute',
    '--master',
    `127.0.0.1:${port}`,
    '--name',
    'x',
    '--command',
    'true',
    '--timeout',
    '1',
  ]);
  t.is(dead.code, 1, dead.err);
  t.regex(
    dead.err,
    new RegExp(
      `agora execute: timed out after 1 s: never subscribed with the master \\(cannot subscribe at http://127\\.0\\.0\\.1:${port}/api/v1/scheduler: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)\\n$`,
      'u',
    ),
  );
  const help = await runAgora(['execute', '--help']);
  t.regex(help.out, /--timeout <seconds>[\s\S]*\(default: "60"\)/u);
});
