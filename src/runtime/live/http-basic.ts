/**
 * HTTP Basic authentication (RFC 7617) as Mesos's default `basic` HTTP authenticator does it
 * (3rdparty/libprocess/src/authenticator.cpp): `Authorization: Basic base64(principal:secret)`,
 * checked against the `--credentials` file; a request without it, with another scheme, with a
 * malformed value or with a wrong principal or secret is answered `401 Unauthorized` with
 * `WWW-Authenticate: Basic realm="<realm>"`.
 *
 * Differences: the scheme name is matched case-insensitively (RFC 7235; Mesos wants `Basic`
 * exactly), the secret may contain `:` (the value is split at the first one, as RFC 7617 says;
 * Mesos refuses such a secret), and the 401 carries a short plain-text reason. The reason never
 * says whether the principal exists, and nothing here logs a secret.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Credential, CredentialStore } from './credentials.js';
import { sendText } from './http-util.js';

/** Mesos's realm for HTTP frameworks (src/master/constants.hpp DEFAULT_HTTP_FRAMEWORK_AUTHENTICATION_REALM). */
export const SCHEDULER_REALM = 'mesos-master-scheduler';

/** Agora's realm for the agent channel (Mesos authenticates agents over SASL instead). */
export const AGENT_REALM = 'agora-master-agents';

/** The `Authorization` header value that presents `credential`. */
export function basicAuthorization(credential: Credential): string {
  return `Basic ${Buffer.from(`${credential.principal}:${credential.secret}`, 'utf8').toString('base64')}`;
}

/** What an `Authorization` header holds. */
export type BasicCredentials =
  | { readonly ok: true; readonly principal: string; readonly secret: string }
  | { readonly ok: false; readonly reason: string };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/u;

/** Reads an `Authorization` header as HTTP Basic credentials. */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials {
  if (header === undefined || header.trim() === '') {
    return {
      ok: false,
      reason: "Missing 'Authorization' header: this endpoint requires HTTP Basic credentials",
    };
  }
  const [scheme = '', value = '', ...rest] = header.trim().split(/ +/u);
  if (scheme.toLowerCase() !== 'basic') {
    return {
      ok: false,
      reason: `Unsupported authentication scheme '${scheme.slice(0, 32)}': expecting 'Basic'`,
    };
  }
  if (rest.length > 0 || !BASE64.test(value)) {
    return {
      ok: false,
      reason: "Malformed 'Authorization' header: expecting 'Basic <base64 of principal:secret>'",
    };
  }
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    return {
      ok: false,
      reason: "Malformed 'Authorization' header: expecting 'Basic <base64 of principal:secret>'",
    };
  }
  return { ok: true, principal: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * When an endpoint checks credentials:
 * - `required`: every request must carry valid ones (the master's `--authenticate-*` flags);
 * - `if-presented`: credentials that are sent must be valid, none at all is fine (how a Mesos
 *   master treats an agent that authenticates although `--authenticate_agents` is off);
 * - `ignored`: the header is not looked at (a Mesos master without
 *   `--authenticate_http_frameworks` installs no authenticator for the scheduler endpoint).
 */
export type AuthenticationMode = 'required' | 'if-presented' | 'ignored';

/** What {@link authenticate} found. */
export type Authenticated =
  | { readonly ok: true; readonly principal: string | undefined }
  | { readonly ok: false };

/** How one endpoint authenticates its requests. */
export interface EndpointAuthentication {
  readonly mode: AuthenticationMode;
  readonly realm: string;
  /** Required unless `mode` is `ignored`. */
  readonly credentials: CredentialStore | undefined;
  /** Called on each refusal (for the metrics). */
  readonly refused?: () => void;
}

/**
 * Authenticates `req` from its headers alone, before its body is read (so an unauthenticated
 * client cannot make the master read 16 MiB). On failure it has answered 401 itself.
 */
export function authenticate(
  req: IncomingMessage,
  res: ServerResponse,
  auth: EndpointAuthentication,
): Authenticated {
  const header = req.headers.authorization;
  if (auth.mode === 'ignored' || auth.credentials === undefined) return { ok: true, principal: undefined };
  if (auth.mode === 'if-presented' && header === undefined) return { ok: true, principal: undefined };
  const presented = parseBasicAuthorization(header);
  if (presented.ok && auth.credentials.verify(presented.principal, presented.secret)) {
    return { ok: true, principal: presented.principal };
  }
  auth.refused?.();
  sendText(res, 401, presented.ok ? 'Invalid principal or secret' : presented.reason, {
    'WWW-Authenticate': `Basic realm="${auth.realm}"`,
  });
  return { ok: false };
}
