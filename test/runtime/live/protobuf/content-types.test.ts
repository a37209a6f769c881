/** Content negotiation as Mesos's master and agent do it (libprocess `acceptsMediaType`). */
import test from 'ava';
import {
  acceptsMediaType,
  answerFormat,
  bodyFormat,
} from '../../../../src/runtime/live/protobuf/content-types.js';

const format = (accept: string | undefined) => {
  const f = answerFormat(accept);
  return f.ok ? f.value : f.error.status;
};

test('the answer is JSON when Accept allows it, else protobuf, else 406', (t) => {
  t.is(format(undefined), 'json');
  t.is(format(''), 'json');
  t.is(format('*/*'), 'json');
  t.is(format('application/*'), 'json');
  t.is(format('application/json'), 'json');
  t.is(format('application/x-protobuf'), 'protobuf');
  // mesos-go and Mesos's Java library ask for protobuf alone; a client allowing both gets JSON.
  t.is(format('application/x-protobuf, application/json'), 'json');
  t.is(format('application/json;q=0, application/x-protobuf'), 'protobuf');
  t.is(format('application/json;q=0, */*'), 'protobuf');
  t.is(format('text/html'), 406);
  t.is(format('application/json; q=0'), 406);
});

test('a more specific range decides over a broader one', (t) => {
  t.false(acceptsMediaType('*/*, application/x-protobuf;q=0', 'application/x-protobuf'));
  t.true(acceptsMediaType('*/*;q=0, application/x-protobuf', 'application/x-protobuf'));
  t.true(acceptsMediaType('APPLICATION/JSON', 'application/json'));
});

test('the body format comes from Content-Type; parameters and case are allowed', (t) => {
  t.deepEqual(bodyFormat('application/json; charset=utf-8'), { ok: true, value: 'json' });
  t.deepEqual(bodyFormat('Application/X-Protobuf'), { ok: true, value: 'protobuf' });
  t.like(bodyFormat('application/xml'), { ok: false, error: { status: 415 } });
  t.like(bodyFormat(undefined), { ok: false, error: { status: 400 } });
});
