/**
 * Ids are validated when decoded, as Mesos's `validateID` (src/common/validation.cpp) validates
 * them: ids become directory names on agents, so an id that could leave its directory (`..`,
 * `/`), hide in a terminal (control characters) or outgrow `NAME_MAX` is a decode error naming
 * the field, whatever message carries it.
 */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { decodeAgentMessage } from '../../../src/core/messages/agent-protocol.js';
import { decodeExecutorCall } from '../../../src/core/messages/executor.js';
import { idProblem } from '../../../src/core/messages/ids.js';
import { decodeCall } from '../../../src/core/messages/scheduler-call.js';

const BAD: readonly [string, string][] = [
  ['', 'must not be empty'],
  ['.', "'.' is not allowed (ids become directory names)"],
  ['..', "'..' is not allowed (ids become directory names)"],
  ['../../../../tmp/x', '"../../../../tmp/x" contains "/" at 2'],
  ['a/b', '"a/b" contains "/" at 1'],
  ['a\\b', '"a\\\\b" contains "\\\\" at 1'],
  ['a\u0000b', '"a\\u0000b" contains "\\u0000" at 1'],
  ['line\nbreak', '"line\\nbreak" contains "\\n" at 4'],
  ['del\u007f', '"del\u007f" contains "\u007f" at 3'],
  ['c1\u0085', '"c1\u0085" contains "\u0085" at 2'],
  ['x'.repeat(256), 'longer than 255 bytes'],
  // 128 two-byte characters: 128 UTF-16 units, but 256 bytes on disk.
  ['é'.repeat(128), 'longer than 255 bytes'],
];

for (const [id, message] of BAD) {
  test(`id ${JSON.stringify(id.slice(0, 20))} is refused: ${message}`, (t) => {
    t.true(idProblem(id)?.startsWith(message), idProblem(id));
  });
}

test('ids Mesos accepts are accepted: dots inside, 255 bytes, any printable character', (t) => {
  for (const id of [
    'a..b',
    '...',
    '.hidden',
    'x'.repeat(255),
    'é'.repeat(127),
    'task 1 (retry)',
    '日本',
    '😀',
  ]) {
    t.is(idProblem(id), undefined, id);
  }
});

test('a traversal in each kind of id is a decode error naming the field', (t) => {
  const evil = { value: '../../../../tmp/x' };
  const cases: [string, ReturnType<typeof decodeCall>, string][] = [
    [
      'SUBSCRIBE framework_info.id',
      decodeCall({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n', id: evil } } }),
      'subscribe.framework_info.id.value',
    ],
    [
      'LAUNCH task_id',
      decodeCall({
        type: 'ACCEPT',
        framework_id: { value: 'f' },
        accept: {
          offer_ids: [{ value: 'o' }],
          operations: [
            {
              type: 'LAUNCH',
              launch: { task_infos: [{ name: 't', task_id: evil, agent_id: { value: 'a' } }] },
            },
          ],
        },
      }),
      'accept.operations[0].launch.task_infos[0].task_id.value',
    ],
    [
      'RUN_TASK executor_id',
      decodeAgentMessage({
        type: 'RUN_TASK',
        framework: { user: 'u', name: 'n', id: { value: 'f' } },
        task: {
          name: 't',
          task_id: { value: 't' },
          agent_id: { value: 'a' },
          executor: { executor_id: { value: '..' }, command: { value: 'true' } },
        },
      }) as ReturnType<typeof decodeCall>,
      'task.executor.executor_id.value',
    ],
    [
      'executor SUBSCRIBE framework_id',
      decodeExecutorCall({
        type: 'SUBSCRIBE',
        framework_id: evil,
        executor_id: { value: 'e' },
        subscribe: {},
      }) as ReturnType<typeof decodeCall>,
      'framework_id.value',
    ],
  ];
  for (const [what, decoded, path] of cases) {
    t.false(decoded.ok, what);
    if (!decoded.ok) t.is(decoded.error.path, path, what);
  }
});

test('an empty FrameworkInfo.id means "no id yet", as in Mesos', (t) => {
  const decoded = decodeCall({
    type: 'SUBSCRIBE',
    subscribe: { framework_info: { user: 'u', name: 'n', id: { value: '' } } },
  });
  t.true(decoded.ok);
});

testProp(
  'every accepted id is one path component that stays where it is put',
  [fc.string({ maxLength: 300, unit: 'binary' })],
  (t, id) => {
    if (idProblem(id) !== undefined) return t.pass();
    t.false(id.includes('/') || id.includes('\\') || id === '.' || id === '..');
    t.true(new TextEncoder().encode(id).length <= 255);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be absent.
    t.false(/[\u0000-\u001f\u007f-\u009f]/u.test(id));
  },
  { numRuns: 2000 },
);
