/**
 * The pieces under the masters' election, on a real ZooKeeper server: the server fixture itself,
 * `zk://` URLs, the group as Mesos names it (`json.info_<seq>`, MasterInfo JSON, lowest leads),
 * and the registry znode's version-checked writes that fence a deposed leader.
 */
import { spawnSync } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import test from 'ava';
import { eventually } from '../../../../src/runtime/live/eventually.js';
import type { FileStoreHost } from '../../../../src/runtime/live/file-store.js';
import { epochGuard, MASTER_EPOCH_HEADER } from '../../../../src/runtime/live/zk/agent-epoch.js';
import { LeaderContender } from '../../../../src/runtime/live/zk/leader-contender.js';
import { type DetectedLeader, LeaderDetector } from '../../../../src/runtime/live/zk/leader-detector.js';
import { contenderInfo, networkOrderIp } from '../../../../src/runtime/live/zk/master-info-json.js';
import { readRegistry, zkRegistryStore } from '../../../../src/runtime/live/zk/zk-registry-store.js';
import { ZkSession } from '../../../../src/runtime/live/zk/zk-session.js';
import { parseZkUrl, type ZkUrl } from '../../../../src/runtime/live/zk/zk-url.js';
import { ZooKeeperEnsemble } from '../../../../src/runtime/live/zk/zookeeper-server.js';
import { patient } from '../../../patience.js';

function url(text: string): ZkUrl {
  const parsed = parseZkUrl(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

test('zk:// URLs as Mesos takes them, and clear errors', (t) => {
  t.deepEqual(parseZkUrl('zk://h1:2181,h2:2182/mesos'), { servers: 'h1:2181,h2:2182', path: '/mesos' });
  t.deepEqual(parseZkUrl('zk://u:p@h1:2181/a/b/'), { servers: 'h1:2181', path: '/a/b', digest: 'u:p' });
  t.regex(parseZkUrl('zk://h1:2181') as string, /no path/u);
  t.regex(parseZkUrl('zk://h1/mesos') as string, /bad server "h1"/u);
  t.regex(parseZkUrl('http://h1:2181/mesos') as string, /expected zk:\/\//u);
});

test('MasterInfo JSON as Mesos writes it: ip in network byte order', (t) => {
  t.is(networkOrderIp('127.0.0.1'), 16_777_343);
  t.deepEqual(contenderInfo('id-1', '10.0.0.2', 5050), {
    id: 'id-1',
    ip: 33_554_442,
    port: 5050,
    pid: 'master@10.0.0.2:5050',
    hostname: '10.0.0.2',
    version: '1.11.0',
    address: { hostname: '10.0.0.2', ip: '10.0.0.2', port: 5050 },
  });
});

test('an agent refuses a master of a lower epoch than it has seen, and one without an epoch', (t) => {
  const guard = epochGuard({ beforeBody: () => undefined, check: () => undefined });
  const from = (epoch?: string) =>
    guard.beforeBody(
      { headers: epoch === undefined ? {} : { [MASTER_EPOCH_HEADER]: epoch } } as IncomingMessage,
      { from: 'master' } as Parameters<typeof guard.beforeBody>[1],
    );
  t.is(from('3'), undefined);
  t.is(from('5'), undefined);
  t.is(from('5'), undefined);
  t.deepEqual(from('3'), {
    status: 403,
    message: 'This agent follows the leader of epoch 5; a master of epoch 3 was deposed',
  });
  t.is(from()?.status, 403);
  t.is(from('7'), undefined);
});

test('without ZooKeeper installed the fixture fails with the command that installs it', (t) => {
  const script =
    "import('./src/runtime/live/zk/zookeeper-server.ts').then((m) => m.ZooKeeperEnsemble.start(1)).catch((e) => { console.error(e.message); process.exit(3); })";
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    env: { ...process.env, AGORA_ZOOKEEPER_JAR: '/nonexistent/zookeeper.jar' },
    encoding: 'utf8',
  });
  t.is(run.status, 3);
  t.regex(
    run.stderr,
    /no ZooKeeper at \/nonexistent\/zookeeper\.jar; install it: sudo apt-get install -y --no-install-recommends zookeeper/u,
  );
});

test.serial(
  'the fixture serves, contenders join as json.info_<seq>, the lowest leads, the next takes over',
  async (t) => {
    const zk = await ZooKeeperEnsemble.start(1);
    const contenders: LeaderContender[] = [];
    let detector: LeaderDetector | undefined;
    try {
      t.is(await zk.mode(1), 'standalone');
      const zkUrl = url(zk.url('/agora-test'));
      const elected: number[] = [];
      const deposed: string[] = [];
      for (const port of [5050, 5051]) {
        const c = new LeaderContender(zkUrl, 4000, () => contenderInfo(`m${port}`, '127.0.0.1', port), {
          elected: () => elected.push(port),
          deposed: (reason) => deposed.push(`${port}: ${reason}`),
        });
        contenders.push(c);
        c.start();
        await eventually(
          () => port !== 5050 || elected.length === 1,
          patient(10_000),
          'the first to be elected',
        );
      }
      const seen: (DetectedLeader | undefined)[] = [];
      detector = new LeaderDetector(zkUrl, { sessionTimeoutMs: 4000, changed: (l) => seen.push(l) });
      detector.start();
      const first = await detector.nextLeader();
      t.is(first.info.port, 5050);
      t.regex(first.znode, /^\/agora-test\/json\.info_\d{10}$/u);
      t.deepEqual(elected, [5050]);
      t.true(contenders[0]?.leading());
      t.false(contenders[1]?.leading());
      // The leader withdraws: its node goes, the next lowest leads with a higher epoch.
      const firstEpoch = contenders[0]?.epoch as number;
      contenders[0]?.close();
      await eventually(() => elected.includes(5051), patient(10_000), 'the second to be elected');
      t.true((contenders[1]?.epoch as number) > firstEpoch);
      await eventually(
        () => detector?.leader?.info.port === 5051,
        patient(10_000),
        'the detector to see the new leader',
      );
      t.deepEqual(deposed, []);
    } finally {
      detector?.close();
      for (const c of contenders) c.close();
      await zk.close();
    }
  },
);

test.serial(
  'the registry znode: a deposed leader’s write fails on the version, and is never acknowledged',
  async (t) => {
    const zk = await ZooKeeperEnsemble.start(1);
    const sessions: ZkSession[] = [];
    try {
      const zkUrl = url(zk.url('/agora-registry'));
      const open = async () => {
        const s = await ZkSession.open(zkUrl, 4000);
        sessions.push(s);
        await s.mkdirp(zkUrl.path);
        return s;
      };
      const acks: string[] = [];
      const failures: string[] = [];
      let next = 0;
      const host = (who: string): FileStoreHost => ({
        nextId: () => next++,
        acknowledge: (_id, tag) => acks.push(`${who} ${tag}`),
        failed: () => {},
      });
      const oldSession = await open();
      const oldStore = zkRegistryStore(
        oldSession,
        zkUrl.path,
        await readRegistry(oldSession, zkUrl.path),
        host('old'),
        (r) => failures.push(`old: ${r}`),
      );
      oldStore.save('registry', '{"v":1}', 'w1');
      await eventually(() => acks.length === 1, patient(5000), 'the first write to be acknowledged');
      // A new leader reads what the old one wrote, and writes.
      const newSession = await open();
      const snapshot = await readRegistry(newSession, zkUrl.path);
      t.is(snapshot.text, '{"v":1}');
      const newStore = zkRegistryStore(newSession, zkUrl.path, snapshot, host('new'), (r) =>
        failures.push(`new: ${r}`),
      );
      newStore.save('registry', '{"v":2}', 'w2');
      await eventually(() => acks.length === 2, patient(5000), 'the new leader’s write to be acknowledged');
      // The old leader, not yet aware, writes: ZooKeeper refuses it.
      oldStore.save('registry', '{"v":"stale"}', 'w3');
      await eventually(() => failures.length === 1, patient(5000), 'the stale write to fail');
      t.deepEqual(acks, ['old w1', 'new w2']);
      t.regex(failures[0] as string, /^old: .*another master wrote it since/u);
      t.is((await readRegistry(newSession, zkUrl.path)).text, '{"v":2}');
    } finally {
      for (const s of sessions) s.close();
      await zk.close();
    }
  },
);
