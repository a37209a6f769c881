/**
 * The secret that ties a live agent and its master together (issue 13 item 1; see also
 * agent-sessions.ts for the master's side).
 *
 * An agent draws a random 256-bit token when it starts and sends it in the `Agora-Agent-Token`
 * header of every message it posts to its master, starting with REGISTER_AGENT. It posts only to
 * the `--master` URL it was given (over TLS, to a master whose certificate it verified), so only
 * that master learns the token. The master sends the same header on every message to the agent,
 * and the agent takes a message only when it comes as `Agora-From: master` with its own token:
 * anything else is a 401 (no token) or 403 (another sender, or a wrong token), decided from the
 * headers before the body is read, and changes nothing.
 *
 * Mesos's agent does not authenticate its master at all (it checks the libprocess `from` pid,
 * which any client can write); with `LIBPROCESS_SSL_REQUIRE_CERT` it relies on client
 * certificates instead. A bearer token needs no PKI and works over plain HTTP against anyone who
 * cannot read the traffic; with TLS it also holds against those who can.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Address } from '../../core/process.js';
import type { MessageGuard, Refusal } from './message-guard.js';

/** The header that carries the token, both ways (Node lower-cases incoming header names). */
export const AGENT_TOKEN_HEADER = 'agora-agent-token';

/** What a well-formed token looks like: 32 random bytes in base64url. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/u;

/** A fresh token: 32 bytes from the system's CSPRNG, base64url. */
export function newAgentToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The token a request presents, if it presents a well-formed one. */
export function presentedToken(req: IncomingMessage): string | undefined {
  const value = req.headers[AGENT_TOKEN_HEADER];
  return typeof value === 'string' && TOKEN_PATTERN.test(value) ? value : undefined;
}

/** Whether two tokens are equal, in time that tells nothing about where they differ. */
export function sameToken(a: string, b: string): boolean {
  const digest = (t: string) => createHash('sha256').update(t).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** The 401 for a request without a well-formed token. */
export function missingToken(what: string): Refusal {
  return {
    status: 401,
    message: `Missing or malformed 'Agora-Agent-Token' header: ${what}`,
    headers: { 'WWW-Authenticate': 'Agora-Agent-Token realm="agora"' },
  };
}

/**
 * The agent's side: a message is taken only from `master` with the agent's own `token`.
 * @param master the address the agent's node gives its master (`Agora-From: master`)
 */
export function masterOnlyGuard(master: Address, token: string): MessageGuard {
  return {
    beforeBody(req, { from }) {
      if (from !== master) {
        return { status: 403, message: `This agent takes messages from its master only, not from '${from}'` };
      }
      const presented = presentedToken(req);
      if (presented === undefined) return missingToken('messages to an agent must carry its token');
      if (!sameToken(presented, token)) {
        return {
          status: 403,
          message: 'The token does not match: this agent is registered with another master',
        };
      }
      return undefined;
    },
    check: () => undefined,
  };
}
