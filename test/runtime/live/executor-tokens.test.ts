/** Executor tokens: HS256 JWTs only the issuing agent can make, naming one run of one executor. */
import test from 'ava';
import { claimsProblem, ExecutorTokens } from '../../../src/runtime/live/executor-tokens.js';

const CLAIMS = { fid: 'f1', eid: 'e1', cid: 'c1' };

test('a token verifies with its claims; a tampered, re-signed or foreign one does not', (t) => {
  const tokens = new ExecutorTokens();
  const token = tokens.issue(CLAIMS);
  t.deepEqual(tokens.verify(token), CLAIMS);
  const [header, , signature] = token.split('.');
  const other = Buffer.from(JSON.stringify({ ...CLAIMS, eid: 'e2' })).toString('base64url');
  t.is(tokens.verify(`${header}.${other}.${signature}`), undefined, 'claims changed');
  const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  t.is(tokens.verify(`${none}.${token.split('.')[1]}.`), undefined, 'alg none');
  t.is(new ExecutorTokens().verify(token), undefined, 'another agent’s key');
  t.is(tokens.verify(`${token}.x`), undefined);
  t.is(tokens.verify(''), undefined);
});

test('claims must name the call’s framework and executor, and a running container', (t) => {
  const running = () => true;
  t.is(claimsProblem(CLAIMS, 'f1', 'e1', running), undefined);
  t.regex(claimsProblem(CLAIMS, 'f2', 'e1', running) ?? '', /'fid' claim with the framework ID f2/u);
  t.regex(claimsProblem(CLAIMS, 'f1', 'e2', running) ?? '', /'eid' claim with the executor ID e2/u);
  t.regex(
    claimsProblem(CLAIMS, 'f1', 'e1', () => false) ?? '',
    /'cid' claim with the correct active ContainerID/u,
  );
});
