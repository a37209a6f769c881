/**
 * The task supervisor, run for real with /bin/sh: it records its task's exit status, exits with
 * it, and outlives a SIGTERM to the task's process group to record how the task ended.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import {
  decodeShellStatus,
  parseExitStatus,
  SUPERVISOR_NAME,
  SUPERVISOR_SCRIPT,
} from '../../../src/runtime/live/task-supervisor.js';
import { eventually } from './harness.js';

/** Runs `command` under the supervisor; resolves with its exit and the status file's text. */
function supervise(command: string, whileRunning?: (pid: number) => void) {
  const file = join(mkdtempSync(join(tmpdir(), 'agora-supervisor-')), 'status');
  const child = spawn('/bin/sh', ['-c', SUPERVISOR_SCRIPT, SUPERVISOR_NAME, file, '/bin/sh', '-c', command], {
    detached: true,
    stdio: 'ignore',
  });
  if (child.pid !== undefined) whileRunning?.(child.pid);
  return new Promise<{ code: number | null; signal: string | null; status: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, status: readFileSync(file, 'utf8').trim() })),
  );
}

test('it writes the exit status of its task and exits with it', async (t) => {
  t.deepEqual(await supervise('exit 0'), { code: 0, signal: null, status: '0' });
  t.deepEqual(await supervise('exit 7'), { code: 7, signal: null, status: '7' });
});

test('a SIGTERM to the process group kills the task; the supervisor records it and exits with 143', async (t) => {
  const ended = await supervise('sleep 30', (pid) => {
    // Once the task runs (its sh has started the sleep), signal the whole group, as the agent does.
    const children = (of: string) => {
      try {
        return readFileSync(`/proc/${of}/task/${of}/children`, 'utf8').trim();
      } catch {
        return '';
      }
    };
    const task = () => {
      const child = children(String(pid));
      return child !== '' && children(child) !== '';
    };
    void eventually(task, 5_000, 'the task to start').then(() => process.kill(-pid, 'SIGTERM'));
  });
  t.deepEqual(ended, { code: 143, signal: null, status: '143' });
  t.deepEqual(parseExitStatus(`${ended.status}\n`), { kind: 'signaled', signal: 'SIGTERM' });
});

testProp(
  'a shell status reads as a signal exactly when it is 128 + a signal the agent knows',
  [fc.integer({ min: 0, max: 255 })],
  (t, status) => {
    const known: Record<number, string> = {
      1: 'SIGHUP',
      2: 'SIGINT',
      6: 'SIGABRT',
      9: 'SIGKILL',
      11: 'SIGSEGV',
      15: 'SIGTERM',
    };
    const signal = known[status - 128];
    t.deepEqual(
      decodeShellStatus(status),
      signal === undefined ? { kind: 'exited', code: status } : { kind: 'signaled', signal },
    );
    t.deepEqual(parseExitStatus(`${status}\n`), decodeShellStatus(status));
  },
);

test('a torn or empty status file holds no status', (t) => {
  t.is(parseExitStatus(''), undefined);
  t.is(parseExitStatus('1x'), undefined);
  t.is(parseExitStatus('1234'), undefined);
});
