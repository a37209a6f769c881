/**
 * The security configuration of the live nodes, without a network: credentials files in Mesos's
 * two forms, HTTP Basic headers, the constant-time check, `register_frameworks` ACLs against the
 * examples of Mesos's authorization docs, and TLS files.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { mayRegister, parseAcls } from '../../../src/runtime/live/authorization.js';
import { ConfigError } from '../../../src/runtime/live/config-file.js';
import { CredentialStore, parseCredential, parseCredentials } from '../../../src/runtime/live/credentials.js';
import { basicAuthorization, parseBasicAuthorization } from '../../../src/runtime/live/http-basic.js';
import { readClientTls, readServerTls } from '../../../src/runtime/live/tls.js';
import { tempDir } from '../../cli/helpers.js';

const TLS = (name: string) => fileURLToPath(new URL(`./fixtures/tls/${name}`, import.meta.url));

test('a credentials file is read in Mesos JSON and in the one-pair-per-line text form', (t) => {
  const json = parseCredentials(
    JSON.stringify({
      credentials: [
        { principal: 'a', secret: 's1' },
        { principal: 'b', secret: 's:2' },
      ],
    }),
  );
  t.deepEqual(json, {
    ok: true,
    value: [
      { principal: 'a', secret: 's1' },
      { principal: 'b', secret: 's:2' },
    ],
  });
  const text = parseCredentials('a s1\n\n  b\ts2  \n');
  t.deepEqual(text, {
    ok: true,
    value: [
      { principal: 'a', secret: 's1' },
      { principal: 'b', secret: 's2' },
    ],
  });
  t.deepEqual(parseCredential('{"principal":"agent","secret":"x"}'), {
    ok: true,
    value: { principal: 'agent', secret: 'x' },
  });
  t.deepEqual(parseCredential('agent x\n'), { ok: true, value: { principal: 'agent', secret: 'x' } });
});

test('a bad credentials file names the field or line, and never echoes a secret', (t) => {
  const cases: [string, RegExp][] = [
    [
      '{"credentials":[{"principal":"a","secret":"s"},{"principal":"b"}]}',
      /^credentials\[1\]\.secret: is required$/u,
    ],
    ['{"credentials":[{"principal":"a","secret":7}]}', /^credentials\[0\]\.secret: expected string$/u],
    ['{"credentials":{}}', /^credentials: expected array$/u],
    ['{"creds":[]}', /^credentials: is required$/u],
    ['{"credentials":[]}', /at least one credential/u],
    [
      '{"credentials":[{"principal":"a:b","secret":"s"}]}',
      /^credentials\[0\]\.principal: must not contain ':'/u,
    ],
    [
      '{"credentials":[{"principal":"a","secret":"s"},{"principal":"a","secret":"t"}]}',
      /^credentials\[1\]\.principal: "a" is listed twice$/u,
    ],
    ['{"credentials": [ {"principal": "a", "secret": "hunter2"', /^not valid JSON/u],
    ['a hunter2\nb\n', /^line 2: expected "principal secret"/u],
    ['a hunter2 extra\n', /^line 1: expected "principal secret"/u],
    ['', /at least one credential/u],
  ];
  for (const [text, message] of cases) {
    const r = parseCredentials(text);
    t.false(r.ok, text);
    if (!r.ok) {
      t.regex(r.error, message, text);
      t.notRegex(r.error, /hunter2/u, 'the secret is not quoted');
    }
  }
  t.false(parseCredential('a s\nb t\n').ok, 'an agent credential file holds one credential');
});

test('secrets are checked per principal, and an unknown principal is refused like a wrong secret', (t) => {
  const store = new CredentialStore([
    { principal: 'a', secret: 'right' },
    { principal: 'b', secret: 'other' },
  ]);
  t.true(store.verify('a', 'right'));
  t.false(store.verify('a', 'wrong'));
  t.false(store.verify('a', 'righ'));
  t.false(store.verify('a', 'other'), "b's secret is not a's");
  t.false(store.verify('c', 'right'));
  t.false(store.verify('c', ''), 'an unknown principal with an empty secret');
});

test('HTTP Basic headers: what a client sends is what the master reads', (t) => {
  const header = basicAuthorization({ principal: 'fw', secret: 'pa:ss wörd' });
  t.regex(header, /^Basic [A-Za-z0-9+/]+=*$/u);
  t.deepEqual(parseBasicAuthorization(header), { ok: true, principal: 'fw', secret: 'pa:ss wörd' });
  t.deepEqual(parseBasicAuthorization(header.replace('Basic', 'basic')).ok, true);
  for (const [bad, reason] of [
    [undefined, /Missing 'Authorization'/u],
    ['Bearer abc', /Unsupported authentication scheme 'Bearer'/u],
    ['Basic', /Malformed/u],
    ['Basic !!!', /Malformed/u],
    [`Basic ${Buffer.from('nocolon').toString('base64')}`, /Malformed/u],
    [`Basic ${Buffer.from(':secret').toString('base64')}`, /Malformed/u],
  ] as const) {
    const r = parseBasicAuthorization(bad);
    t.false(r.ok, String(bad));
    if (!r.ok) t.regex(r.reason, reason);
  }
});

/** Parses ACL JSON the test knows is valid. */
function acls(json: unknown) {
  const r = parseAcls(JSON.stringify(json));
  if (!r.ok) throw new Error(r.error);
  return r.value.acls;
}

test('register_frameworks ACLs decide as in the examples of Mesos docs/authorization.md', (t) => {
  // "Only principal foo can register frameworks subscribed to the analytics role."
  const onlyFoo = acls({
    register_frameworks: [
      { principals: { values: ['foo'] }, roles: { values: ['analytics'] } },
      { principals: { type: 'NONE' }, roles: { values: ['analytics'] } },
    ],
  });
  t.true(mayRegister(onlyFoo, 'foo', 'analytics'));
  t.false(mayRegister(onlyFoo, 'bar', 'analytics'));
  t.false(mayRegister(onlyFoo, undefined, 'analytics'), 'nor a framework without a principal');
  t.true(mayRegister(onlyFoo, 'bar', 'ads'), 'permissive by default');
  t.true(mayRegister(onlyFoo, 'foo', '*'));

  // "Principal foo can register frameworks subscribed to the analytics and ads roles and no other role."
  const fooLimited = acls({
    register_frameworks: [
      { principals: { values: ['foo'] }, roles: { values: ['analytics', 'ads'] } },
      { principals: { values: ['foo'] }, roles: { type: 'NONE' } },
    ],
  });
  t.true(mayRegister(fooLimited, 'foo', 'ads'));
  t.false(mayRegister(fooLimited, 'foo', 'web'));
  t.true(mayRegister(fooLimited, 'bar', 'web'));
  t.true(mayRegister(fooLimited, undefined, 'web'));

  // "permissive: false": foo may use analytics, and nobody may use anything else, including *.
  const strict = acls({
    permissive: false,
    register_frameworks: [{ principals: { values: ['foo'] }, roles: { values: ['analytics'] } }],
  });
  t.true(mayRegister(strict, 'foo', 'analytics'));
  t.false(mayRegister(strict, 'foo', '*'));
  t.false(mayRegister(strict, 'bar', 'analytics'));

  // ANY principal is only allowed by an ANY rule; a framework without a principal is ANY.
  const anyone = acls({
    permissive: false,
    register_frameworks: [{ principals: { type: 'ANY' }, roles: { values: ['open'] } }],
  });
  t.true(mayRegister(anyone, undefined, 'open'));
  t.true(mayRegister(anyone, 'x', 'open'));
  t.false(mayRegister(anyone, 'x', 'closed'));
});

test('a bad ACL file names the field; Mesos actions Agora does not enforce are listed as ignored', (t) => {
  for (const [json, message] of [
    ['{"register_frameworks": {}}', /^register_frameworks: expected array$/u],
    [
      '{"register_frameworks": [{"principals": {"type": "SOME"}}]}',
      /^register_frameworks\[0\]\.roles: is required$/u,
    ],
    [
      '{"register_frameworks": [{"principals": {"type": "ALL"}, "roles": {"type": "ANY"}}]}',
      /^register_frameworks\[0\]\.principals\.type: unknown entity type "ALL"$/u,
    ],
    ['{"permissive": "maybe"}', /^permissive: expected boolean$/u],
    ['{"permissive": tru', /^not valid JSON/u],
  ] as const) {
    const r = parseAcls(json);
    t.false(r.ok, json);
    if (!r.ok) t.regex(r.error, message, json);
  }
  const r = parseAcls('{"permissive": false, "run_tasks": [], "register_frameworks": []}');
  t.true(r.ok);
  if (r.ok) {
    t.false(r.value.acls.permissive);
    t.deepEqual(r.value.ignored, ['run_tasks']);
  }
});

test('TLS files: a clear error names the flag and the path, never a stack', (t) => {
  t.notThrows(() => readServerTls(TLS('server-key.pem'), TLS('server.pem')));
  t.true(readClientTls(TLS('ca.pem')).ca?.includes('BEGIN CERTIFICATE'));
  const junk = `${tempDir('tls')}/junk.pem`;
  writeFileSync(junk, 'not a pem\n');
  const cases: [() => unknown, RegExp][] = [
    [
      () => readServerTls('/no/such/key.pem', TLS('server.pem')),
      /^--tls-key: cannot read \/no\/such\/key\.pem: no such file \(ENOENT\)$/u,
    ],
    [() => readServerTls(TLS('server-key.pem'), '/no/cert.pem'), /^--tls-cert: cannot read \/no\/cert\.pem/u],
    [
      () => readServerTls(junk, TLS('server.pem')),
      /^--tls-key: .*junk\.pem is not a usable PEM private key/u,
    ],
    [
      () => readServerTls(TLS('server-key.pem'), junk),
      /^--tls-cert: .*junk\.pem is not a usable PEM certificate/u,
    ],
    [
      () => readServerTls(TLS('server-key.pem'), TLS('ca.pem')),
      /^--tls-key, --tls-cert: the key in .* does not belong/u,
    ],
    [() => readClientTls(junk), /^--tls-ca: .*junk\.pem/u],
    [() => readClientTls(tempDir('tls')), /^--tls-ca: cannot read .*: it is a folder \(EISDIR\)$/u],
  ];
  for (const [read, message] of cases) {
    const e = t.throws(read, { instanceOf: ConfigError });
    t.regex(e?.message ?? '', message);
  }
});
