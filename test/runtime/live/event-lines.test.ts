/**
 * The live log's lines: their format, the levels, and that every trace event the log turns into
 * a line is still traced by the master or the agent (a renamed event would silently drop its line).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { eventLine, LOGGED_KINDS } from '../../../src/runtime/live/event-lines.js';
import { formatLogLine, lineLogger, parseLogLevel } from '../../../src/runtime/live/logger.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

/** Every trace kind the master's and the agent's sources name, as `scope.kind`. */
function tracedKinds(): Set<string> {
  const kinds = new Set<string>();
  for (const scope of ['master', 'agent']) {
    for (const file of readdirSync(join(SRC, scope))) {
      if (!file.endsWith('.ts')) continue;
      const text = readFileSync(join(SRC, scope, file), 'utf8');
      for (const m of text.matchAll(/\btrace\(\s*'([a-z-]+)'/gu)) kinds.add(`${scope}.${m[1]}`);
    }
  }
  return kinds;
}

test('every event the log has a line for is traced by the master or the agent', (t) => {
  const traced = tracedKinds();
  t.true(traced.size > 50, `found ${traced.size} trace kinds`);
  t.deepEqual(
    LOGGED_KINDS.filter((k) => !traced.has(k)),
    [],
  );
  // The check itself: a kind nobody traces is caught.
  t.false(traced.has('master.agent-registred'));
});

test('lines: time, level, component, text on one line', (t) => {
  t.is(
    formatLogLine(Date.UTC(2026, 11, 5, 1, 2, 3, 45), 'warning', 'agent', 'lost\n  the master'),
    '2026-12-05T01:02:03.045Z WARNING agent: lost the master',
  );
  const written: string[] = [];
  const write = (l: string) => written.push(l);
  const info = lineLogger({ component: 'master', write, now: () => 0 });
  info.debug('hidden');
  info.info('shown');
  const quiet = lineLogger({ component: 'master', write, now: () => 0, level: 'debug', quiet: true });
  quiet.warning('hidden');
  quiet.error('shown too');
  t.deepEqual(written, [
    '1970-01-01T00:00:00.000Z INFO    master: shown\n',
    '1970-01-01T00:00:00.000Z ERROR   master: shown too\n',
  ]);
  t.deepEqual(parseLogLevel(' WARNING '), { ok: true, value: 'warning' });
  t.false(parseLogLevel('verbose').ok);
});

test('events become lines at the level their weight asks', (t) => {
  t.deepEqual(
    eventLine({ kind: 'master.task', framework: 'F', task: 'T', agent: 'A', state: 'TASK_STAGING' }),
    {
      level: 'info',
      text: 'launching task T of framework F on agent A',
    },
  );
  t.deepEqual(
    eventLine({
      kind: 'master.task',
      framework: 'F',
      task: 'T',
      agent: 'A',
      state: 'TASK_FAILED',
      reason: 'REASON_COMMAND_EXECUTOR_FAILED',
    }),
    {
      level: 'info',
      text: 'task T of framework F on agent A is TASK_FAILED (REASON_COMMAND_EXECUTOR_FAILED)',
    },
  );
  t.is(eventLine({ kind: 'agent.task', framework: 'F', task: 'T', state: 'TASK_RUNNING' })?.level, 'debug');
  t.deepEqual(eventLine({ kind: 'master.agent-unreachable', agent: 'A', why: 'health check timed out' }), {
    level: 'warning',
    text: 'agent A is unreachable: health check timed out',
  });
  t.is(eventLine({ kind: 'master.allocation', frameworks: 2 }), undefined);
  t.is(eventLine({ kind: 'scheduler.subscribe' }), undefined);
});
