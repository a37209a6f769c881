/**
 * UPDATE_FRAMEWORK and REQUEST on the live scheduler endpoint, answered as Mesos answers them:
 * UPDATE_FRAMEWORK synchronously, 200 once taken or 400 with the master's reason (the framework
 * staying subscribed on the same stream), REQUEST 202 and counted (the allocator ignores it).
 */
import test from 'ava';
import { MasterServer } from '../../../src/runtime/live/master-server.js';
import { eventually } from './harness.js';
import { call, subscribe } from './http-client.js';

const INFO = { user: 'tester', name: 'probe', roles: ['a'], capabilities: [{ type: 'MULTI_ROLE' }] };

test('UPDATE_FRAMEWORK: 200 when taken, 400 with Mesos’s reason when not, and the framework stays subscribed', async (t) => {
  const master = await MasterServer.start({ port: 0 });
  try {
    const sub = await subscribe(master.url, INFO);
    await sub.waitFor(1);
    const id = (sub.events[0] as { subscribed: { framework_id: { value: string } } }).subscribed.framework_id
      .value;
    const headers = { 'Mesos-Stream-Id': String(sub.headers['mesos-stream-id']) };
    const update = (info: Record<string, unknown>, suppressed?: string[]) =>
      call(
        master.url,
        {
          type: 'UPDATE_FRAMEWORK',
          framework_id: { value: id },
          update_framework: {
            framework_info: { ...info, id: { value: id } },
            ...(suppressed === undefined ? {} : { suppressed_roles: suppressed }),
          },
        },
        headers,
      );
    const cases: [string, Record<string, unknown>, string[] | undefined, string][] = [
      [
        'user changed',
        { ...INFO, user: 'someone-else' },
        undefined,
        "FrameworkInfo update is not valid: Updating 'FrameworkInfo.user' is unsupported",
      ],
      [
        'invalid roles',
        { ...INFO, roles: ['a', 'a'] },
        undefined,
        "Supplied FrameworkInfo is not valid: 'FrameworkInfo.roles' contains duplicate items",
      ],
      [
        'suppressing a role it does not have',
        INFO,
        ['b'],
        "'UpdateFramework' call is not valid: Suppressed role 'b' is not contained in the list of roles",
      ],
    ];
    for (const [what, info, suppressed, message] of cases) {
      const answer = await update(info, suppressed);
      t.deepEqual([answer.status, answer.text], [400, message], what);
    }
    t.false(
      sub.events.some((e) => e.type === 'ERROR'),
      'a refused update sends no ERROR (which would end the stream)',
    );
    t.is(master.master.frameworkConnection(id).kind, 'connected');
    const renamed = await update({ ...INFO, name: 'renamed', roles: ['a', 'b'] });
    t.deepEqual([renamed.status, renamed.text], [200, '']);
    await eventually(
      () => master.master.state().frameworks[0]?.name === 'renamed',
      5000,
      'the update is applied',
    );
    t.deepEqual(master.master.state().frameworks[0]?.roles, ['a', 'b']);

    const request = await call(
      master.url,
      { type: 'REQUEST', framework_id: { value: id }, request: { requests: [] } },
      headers,
    );
    t.is(request.status, 202);
    await eventually(() => master.master.resourceRequests() === 1, 5000, 'the REQUEST is counted');
    sub.close();
  } finally {
    await master.close();
  }
});
