/**
 * Per-executor credentials, as Mesos's agent issues them with `--authenticate_http_executors`
 * (src/slave/slave.cpp `generateSecret`, src/slave/http.cpp `verifyExecutorClaims`): when the
 * agent launches an executor it signs a JSON Web Token (HS256) whose claims name the executor's
 * framework (`fid`), executor (`eid`) and container (`cid`), and hands it to the executor in
 * `MESOS_EXECUTOR_AUTHENTICATION_TOKEN`; the executor sends it as `Authorization: Bearer <jwt>`
 * on every call. The agent takes a call only with a token it signed (401 otherwise, decided
 * before the body is read) whose claims name the call's framework and executor and a container
 * that is running now (403 otherwise), so an executor can speak only for itself and only while
 * it lives, and nobody else can subscribe as an executor or send its updates.
 *
 * Differences: Mesos signs with the `--executor_secret_key` file; Agora draws a random 256-bit
 * key per agent process (live executors do not outlive their agent), so there is no key file to
 * manage, and executor authentication is always on.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a token says: whose it is. */
export interface ExecutorClaims {
  /** Framework id. */
  readonly fid: string;
  /** Executor id. */
  readonly eid: string;
  /** Container id (one run of the executor). */
  readonly cid: string;
}

/** The environment variable Mesos's executor libraries read the token from. */
export const EXECUTOR_TOKEN_VARIABLE = 'MESOS_EXECUTOR_AUTHENTICATION_TOKEN';

/** Mesos's realm for the executor API (src/slave/constants.hpp `EXECUTOR_HTTP_AUTHENTICATION_REALM`). */
export const EXECUTOR_REALM = 'mesos-agent-executor';

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** Signs and checks executor tokens with one agent's key. */
export class ExecutorTokens {
  readonly #key = randomBytes(32);

  /** A token for `claims`. */
  issue(claims: ExecutorClaims): string {
    const payload = Buffer.from(
      JSON.stringify({ fid: claims.fid, eid: claims.eid, cid: claims.cid }),
    ).toString('base64url');
    return `${HEADER}.${payload}.${this.#sign(`${HEADER}.${payload}`)}`;
  }

  /** The claims of a token this agent signed, or undefined for anything else. */
  verify(token: string): ExecutorClaims | undefined {
    const [header, payload, signature, ...rest] = token.split('.');
    if (header !== HEADER || payload === undefined || signature === undefined || rest.length > 0)
      return undefined;
    const expected = Buffer.from(this.#sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    // Signed by this agent, so well-formed.
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ExecutorClaims;
  }

  /** The claims of the `Authorization: Bearer` token of `req`, or why there are none. */
  fromRequest(req: IncomingMessage): ExecutorClaims | string {
    const header = req.headers.authorization;
    if (header === undefined)
      return "Missing 'Authorization' header: an executor sends the token it was started with";
    const m = /^Bearer +([A-Za-z0-9_.-]{1,4096})$/iu.exec(header.trim());
    if (m === null) return "Malformed 'Authorization' header: expecting 'Bearer <token>'";
    return this.verify(m[1] as string) ?? 'Invalid executor token';
  }

  #sign(data: string): string {
    return createHmac('sha256', this.#key).update(data).digest('base64url');
  }
}

/**
 * Why `claims` do not allow a call by executor `eid` of framework `fid`, or undefined; Mesos's
 * words (src/slave/http.cpp `verifyExecutorClaims`).
 */
export function claimsProblem(
  claims: ExecutorClaims,
  fid: string,
  eid: string,
  running: (claims: ExecutorClaims) => boolean,
): string | undefined {
  if (claims.fid !== fid) {
    return `The executor token does not contain an 'fid' claim with the framework ID ${fid}, which is set in the call`;
  }
  if (claims.eid !== eid) {
    return `The executor token does not contain an 'eid' claim with the executor ID ${eid}, which is set in the call`;
  }
  if (!running(claims))
    return "The executor token does not contain a 'cid' claim with the correct active ContainerID";
  return undefined;
}
