/**
 * A framework whose master URL is `zk://…`: a {@link LeaderDetector} points its scheduler client
 * at each new leader, which closes the subscription to the old one, so the driver subscribes
 * again with its framework id (a failover, as Mesos's scheduler library does on `detected`).
 */
import { LeaderDetector } from './leader-detector.js';
import { masterHostPort } from './master-info-json.js';
import { DEFAULT_ZK_SESSION_TIMEOUT_MS } from './zk-defaults.js';
import { parseZkUrl } from './zk-url.js';

/** What the detector drives: the client's master URL (undefined while no leader is known). */
export interface Retargetable {
  retarget(masterUrl: string | undefined): void;
}

/** Starts following the leader at `zkUrl` for `client`; returns how to stop. */
export function followSchedulerLeader(
  zkUrl: string,
  client: Retargetable,
  log: (line: string) => void,
  options: { readonly https?: boolean; readonly sessionTimeoutMs?: number } = {},
): () => void {
  const zk = parseZkUrl(zkUrl);
  if (typeof zk === 'string') throw new Error(`the master URL: ${zk}`);
  const scheme = options.https === true ? 'https' : 'http';
  const detector = new LeaderDetector(zk, {
    sessionTimeoutMs: options.sessionTimeoutMs ?? DEFAULT_ZK_SESSION_TIMEOUT_MS,
    changed: (leader) => {
      const url = leader === undefined ? undefined : `${scheme}://${masterHostPort(leader.info)}`;
      log(
        url === undefined
          ? 'no leading master in ZooKeeper'
          : `leading master: ${url} (epoch ${leader?.sequence})`,
      );
      client.retarget(url);
    },
    log,
  });
  detector.start();
  return () => detector.close();
}
