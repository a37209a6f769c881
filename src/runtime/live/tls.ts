/**
 * TLS for the live nodes, in the shape of Mesos's SSL support (docs/ssl.md): a node given a key
 * and a certificate serves HTTPS on its one port, and, as `LIBPROCESS_SSL_ENABLED` does, the
 * cluster is TLS all the way or not at all: a TLS master talks HTTPS to its agents, an agent of a
 * TLS master serves HTTPS too, and a TLS agent's executors reach it over HTTPS.
 *
 * Clients always verify the peer's certificate and host name, against the system's CAs or,
 * with `--tls-ca`, against the CAs of that file only (as curl's `--cacert` and Mesos's
 * `LIBPROCESS_SSL_CA_FILE` do); nothing turns verification off. (Mesos verifies only with
 * `LIBPROCESS_SSL_VERIFY_CERT=true`; here it is always on.)
 */
import { Agent as HttpAgent, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { ConfigError, readConfigFile } from './config-file.js';

/** What a TLS server presents: PEM text. */
export interface ServerTls {
  readonly key: string;
  readonly cert: string;
}

/** What a TLS client trusts instead of the system's CAs. */
export interface ClientTls {
  /** The trusted CA certificates (PEM); the system's when absent. */
  readonly ca?: string;
  /** Where they came from, for executors started by a TLS agent (`LIBPROCESS_SSL_CA_FILE`). */
  readonly caFile?: string;
}

/** Reads and checks `--tls-key` and `--tls-cert` (they must belong together). */
export function readServerTls(keyPath: string, certPath: string): ServerTls {
  const key = readConfigFile('--tls-key', keyPath);
  const cert = readConfigFile('--tls-cert', certPath);
  try {
    createSecureContext({ key });
  } catch (e) {
    throw new ConfigError(`--tls-key: ${keyPath} is not a usable PEM private key (${opensslReason(e)})`);
  }
  try {
    createSecureContext({ cert });
  } catch (e) {
    throw new ConfigError(`--tls-cert: ${certPath} is not a usable PEM certificate (${opensslReason(e)})`);
  }
  try {
    createSecureContext({ key, cert });
  } catch (e) {
    throw new ConfigError(
      `--tls-key, --tls-cert: the key in ${keyPath} does not belong to the certificate in ${certPath} (${opensslReason(e)})`,
    );
  }
  return { key, cert };
}

/** Reads and checks `--tls-ca`: one or more PEM certificates. */
export function readClientTls(caPath: string): ClientTls {
  const ca = readConfigFile('--tls-ca', caPath);
  try {
    createSecureContext({ ca });
  } catch (e) {
    throw new ConfigError(`--tls-ca: ${caPath} is not a usable PEM certificate (${opensslReason(e)})`);
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(`--tls-ca: ${caPath} holds no PEM certificate`);
  }
  // Absolute, because executors get it in their environment and run in their sandbox.
  return { ca, caFile: resolve(caPath) };
}

/** `error:0480006C:PEM routines::no start line` → `no start line`. */
function opensslReason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('::').at(-1) ?? message;
}

/** Whether `url` is an `https:` URL. */
export function isHttps(url: string): boolean {
  return url.startsWith('https:');
}

/**
 * The CAs a connection to `url` trusts: `tls`'s, or Node's default (the system's) without it.
 * Only the file's own CAs, not appended to the system's: an https.Agent keys its pool by the
 * CAs' text at every request, and the 140-odd system roots made each call take 0.7 ms longer.
 */
function trusted(url: string, tls: ClientTls | undefined): { ca?: string } {
  return isHttps(url) && tls?.ca !== undefined ? { ca: tls.ca } : {};
}

/** `http.request` or `https.request`, as `url` says, trusting `tls`'s CAs for HTTPS. */
export function requestTo(url: string, options: RequestOptions, tls: ClientTls | undefined) {
  const all = { ...options, ...trusted(url, tls) };
  return isHttps(url) ? httpsRequest(url, all) : httpRequest(url, all);
}

/**
 * How long a pooled connection may sit idle before the client closes it. It must be shorter than
 * the servers' {@link SERVER_KEEP_ALIVE_MS}: a client that reuses a socket the server is closing
 * at that very moment gets ECONNRESET for a request the server never read (Node's defaults, a
 * client that never closes and a server that closes after 5 s, made this happen at every agent
 * pinged every 15 s). Node also honours the server's `Keep-Alive: timeout` hint, less a second,
 * but only when the agent has a timeout of its own, as it has here.
 */
export const CLIENT_IDLE_MS = 30_000;

/** How long the live servers keep an idle keep-alive connection (Node's default is 5 s). */
export const SERVER_KEEP_ALIVE_MS = 65_000;

/** A keep-alive connection pool for `url`'s scheme (it must be used only for that scheme). */
export function keepAliveAgent(
  url: string,
  maxSockets: number,
  tls: ClientTls | undefined,
  pool: { readonly idleMs?: number; readonly maxTotalSockets?: number } = {},
): HttpAgent {
  const options = {
    keepAlive: true,
    maxSockets,
    timeout: pool.idleMs ?? CLIENT_IDLE_MS,
    ...(pool.maxTotalSockets === undefined ? {} : { maxTotalSockets: pool.maxTotalSockets }),
  };
  return isHttps(url) ? new HttpsAgent({ ...options, ...trusted(url, tls) }) : new HttpAgent(options);
}
