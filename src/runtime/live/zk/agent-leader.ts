/**
 * An agent whose `--master` is a `zk://` URL: it finds the leading master with a
 * {@link LeaderDetector} and, at each new leader, registers anew (reregistering with its id and
 * tasks once it has one), as Mesos's agent does on `detected`. It takes messages only from a
 * master whose epoch is at least the highest it has seen (agent-epoch.ts).
 */
import type { Agent } from '../../../agent/agent.js';
import type { MessageGuard } from '../message-guard.js';
import { epochGuard } from './agent-epoch.js';
import { LeaderDetector } from './leader-detector.js';
import { masterHostPort } from './master-info-json.js';
import type { ZkUrl } from './zk-url.js';

/** The hooks an AgentServer takes, and what starts and stops the detection. */
export interface AgentLeader {
  readonly hooks: {
    readonly url: () => string | undefined;
    readonly guard: (inner: MessageGuard) => MessageGuard;
  };
  /** Starts detecting; `agent` is told of every new leader. */
  attach(agent: Agent): void;
  close(): void;
}

/** Follows the leader of the masters at `zk` (`scheme`: how the masters serve, http or https). */
export function agentLeader(
  zk: ZkUrl,
  scheme: 'http' | 'https',
  sessionTimeoutMs: number,
  log: (line: string) => void,
): AgentLeader {
  let url: string | undefined;
  let agent: Agent | undefined;
  const detector = new LeaderDetector(zk, {
    sessionTimeoutMs,
    changed: (leader) => {
      url = leader === undefined ? undefined : `${scheme}://${masterHostPort(leader.info)}`;
      log(
        leader === undefined
          ? 'no leading master in ZooKeeper; waiting for one to be elected'
          : `new leading master ${url} (epoch ${leader.sequence}); registering with it`,
      );
      if (leader !== undefined) agent?.masterDetected();
    },
    log,
  });
  return {
    hooks: { url: () => url, guard: (inner) => epochGuard(inner, log) },
    attach(a) {
      agent = a;
      detector.start();
    },
    close: () => detector.close(),
  };
}
