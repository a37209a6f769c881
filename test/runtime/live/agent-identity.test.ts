/** The pieces that bind an agent to its address and principal: source checks and register_agents ACLs. */
import test from 'ava';
import { mayRegisterAgent, parseAcls } from '../../../src/runtime/live/authorization.js';
import { agentHost, hostIsSource, sendingAddress } from '../../../src/runtime/live/source-address.js';

test('an agent address names its host', (t) => {
  t.is(agentHost('agent@127.0.0.1:5051'), '127.0.0.1');
  t.is(agentHost('agent@node-1.example:5051'), 'node-1.example');
  t.is(agentHost('agent@[::1]:5051'), '::1');
  t.is(agentHost('master'), undefined);
  t.is(agentHost('agent@nohost'), undefined);
});

test('a host is the source when it is that address in any notation, or a name that resolves to it', async (t) => {
  t.true(await hostIsSource('127.0.0.1', '127.0.0.1'));
  t.true(await hostIsSource('127.0.0.1', '::ffff:127.0.0.1'), 'an IPv4 peer on a dual-stack socket');
  t.true(await hostIsSource('localhost', '127.0.0.1'));
  t.false(await hostIsSource('10.6.6.6', '127.0.0.1'));
  t.false(await hostIsSource('127.0.0.2', '127.0.0.1'));
  t.false(await hostIsSource('no-such-host.invalid', '127.0.0.1'), 'a name that does not resolve');
  t.false(await hostIsSource('127.0.0.1', undefined));
});

test('an agent sends from its --host when that is a specific address', (t) => {
  t.is(sendingAddress('127.0.0.2'), '127.0.0.2');
  t.is(sendingAddress('0.0.0.0'), undefined);
  t.is(sendingAddress('node-1.example'), undefined);
});

test('register_agents: principals → hosts, first match decides, Mesos’s ANY and NONE', (t) => {
  const parsed = parseAcls(
    JSON.stringify({
      permissive: false,
      register_agents: [
        { principals: { values: ['agent-1'] }, agents: { values: ['10.0.0.11'] } },
        { principals: { values: ['ops'] }, agents: { type: 'ANY' } },
        { principals: { type: 'ANY' }, agents: { type: 'NONE' } },
      ],
      run_tasks: [],
    }),
  );
  if (!parsed.ok) return t.fail(parsed.error);
  t.deepEqual(parsed.value.ignored, ['run_tasks']);
  const acls = parsed.value.acls;
  t.true(mayRegisterAgent(acls, 'agent-1', '10.0.0.11'));
  t.false(
    mayRegisterAgent(acls, 'agent-1', '10.0.0.12'),
    'agent-1 elsewhere: no rule matches, not permissive',
  );
  t.true(mayRegisterAgent(acls, 'ops', '10.0.0.12'));
  t.false(mayRegisterAgent(acls, 'fw', '10.0.0.11'));
  t.false(mayRegisterAgent(acls, undefined, '10.0.0.11'), 'no principal is ANY, which the last rule refuses');
  const none = parseAcls('{}');
  t.true(none.ok && mayRegisterAgent(none.value.acls, undefined, 'x'), 'permissive by default');
});
