/**
 * Issue 13 item 3 on a live cluster: ids chosen by a client (a framework id at SUBSCRIBE, an
 * executor id or task id in a LAUNCH) become directory names under the agent's work dir, so one
 * that climbs out (`../../tmp/x`) is refused when decoded with a 400 naming the field, and
 * nothing is written outside the work dir.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { liveCluster } from './harness.js';
import { call, subscribe } from './http-client.js';

const INFO = { user: 'tester', name: 'ids' };

test('a framework id, executor id or task id with ".." or "/" is a 400 naming the field; nothing lands outside the work dir', async (t) => {
  const cluster = await liveCluster(1);
  const outside = mkdtempSync(join(tmpdir(), 'agora-outside-'));
  const climb = `${'../'.repeat(12)}${outside.slice(1)}/escaped`;
  try {
    const subscribeEvil = await call(cluster.master.url, {
      type: 'SUBSCRIBE',
      subscribe: { framework_info: { ...INFO, id: { value: climb } } },
    });
    t.is(subscribeEvil.status, 400);
    t.regex(
      subscribeEvil.text,
      /^Failed to validate scheduler::Call: subscribe\.framework_info\.id\.value: ".*" contains "\/" at 2 \(ids must not contain/u,
    );

    const sub = await subscribe(cluster.master.url, INFO);
    await sub.waitFor(3, 15_000);
    const framework = (sub.events[0] as { subscribed: { framework_id: { value: string } } }).subscribed
      .framework_id;
    const offers = sub.events.find((e) => e.type === 'OFFERS') as
      | { offers: { offers: { id: { value: string }; agent_id: { value: string } }[] } }
      | undefined;
    const offer = offers?.offers.offers[0];
    if (offer === undefined) return t.fail('no offer');
    const launch = (task: Record<string, unknown>) =>
      call(
        cluster.master.url,
        {
          type: 'ACCEPT',
          framework_id: framework,
          accept: {
            offer_ids: [offer.id],
            operations: [
              {
                type: 'LAUNCH',
                launch: {
                  task_infos: [
                    {
                      name: 't',
                      task_id: { value: 't' },
                      agent_id: offer.agent_id,
                      resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }],
                      ...task,
                    },
                  ],
                },
              },
            ],
          },
        },
        { 'Mesos-Stream-Id': String(sub.headers['mesos-stream-id']) },
      );
    const byExecutor = await launch({
      executor: { executor_id: { value: '..' }, command: { value: 'touch escaped' } },
    });
    t.is(byExecutor.status, 400);
    t.is(
      byExecutor.text,
      "Failed to validate scheduler::Call: accept.operations[0].launch.task_infos[0].executor.executor_id.value: '..' is not allowed (ids become directory names)",
    );
    const byTask = await launch({ task_id: { value: climb }, command: { value: 'touch escaped' } });
    t.is(byTask.status, 400);
    t.regex(byTask.text, /accept\.operations\[0\]\.launch\.task_infos\[0\]\.task_id\.value: /u);
    t.deepEqual(readdirSync(outside), [], 'nothing was written outside the work dir');
    t.is(cluster.master.master.state().frameworks.length, 1, 'only the well-named framework subscribed');
    sub.close();
  } finally {
    await cluster.close();
  }
});
