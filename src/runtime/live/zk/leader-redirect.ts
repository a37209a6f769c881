/**
 * How a master that does not lead answers, as Mesos's `Master::Http::redirect` does: a request
 * for the scheduler or operator API or a `/master/…` endpoint gets 307 with `Location:
 * //<leader host:port><same path and query>` (protocol-relative, so the client keeps its
 * scheme), `/master/redirect` (and `/redirect`) gets 307 to the leader's base URL, a path under
 * them 404 (no redirect loop), and everything gets 503 `No leader elected` while no leader is
 * known.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MasterInfo } from '../../../core/messages/cluster-info.js';
import { sendText } from '../http-util.js';
import { masterHostPort } from './master-info-json.js';

/** Answers `req` (at `path`) with a redirect to `leader`, or 503 when there is none. */
export function redirectToLeader(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  leader: MasterInfo | undefined,
): void {
  if (leader === undefined) {
    sendText(res, 503, 'No leader elected');
    return;
  }
  const base = `//${masterHostPort(leader)}`;
  if (path === '/redirect' || path === '/master/redirect') {
    sendText(res, 307, '', { Location: base });
  } else if (path.startsWith('/redirect/') || path.startsWith('/master/redirect/')) {
    sendText(res, 404, '');
  } else {
    sendText(res, 307, '', { Location: `${base}${req.url ?? path}` });
  }
}

/** `/master/state`'s `leader` and `leader_info` for `leader` (Mesos's names; none if unknown). */
export function leaderFields(leader: MasterInfo | undefined): Record<string, unknown> {
  if (leader === undefined) return {};
  return { leader: leader.pid ?? `master@${masterHostPort(leader)}`, leader_info: leader };
}
