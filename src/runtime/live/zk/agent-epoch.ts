/**
 * The epoch fence on the agent's side: a leader elected through ZooKeeper sends its epoch (its
 * znode's sequence) on every message to agents, and an agent that has seen epoch N refuses
 * messages from a master with a lower one, so a deposed leader that has not yet noticed cannot
 * launch or kill anything on it.
 */
import type { MessageGuard } from '../message-guard.js';

/** The header a ZooKeeper-elected master puts its epoch in. */
export const MASTER_EPOCH_HEADER = 'agora-master-epoch';

/** `inner`, refusing messages whose epoch is lower than the highest this agent has seen. */
export function epochGuard(inner: MessageGuard, log?: (line: string) => void): MessageGuard {
  let highest = -1;
  return {
    beforeBody(req, sender) {
      const refused = inner.beforeBody(req, sender);
      if (refused !== undefined) return refused;
      const raw = req.headers[MASTER_EPOCH_HEADER];
      const epoch = typeof raw === 'string' && /^\d+$/u.test(raw) ? Number(raw) : undefined;
      if (epoch === undefined) {
        return {
          status: 403,
          message: `A master found through ZooKeeper sends its epoch (${MASTER_EPOCH_HEADER})`,
        };
      }
      if (epoch < highest) {
        log?.(`refused a message from a deposed master (epoch ${epoch}; the leader's is ${highest})`);
        return {
          status: 403,
          message: `This agent follows the leader of epoch ${highest}; a master of epoch ${epoch} was deposed`,
        };
      }
      highest = epoch;
      return undefined;
    },
    check: (req, sender, message) => inner.check(req, sender, message),
  };
}
