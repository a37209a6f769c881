/**
 * The security and limit flags of the live commands: credentials, ACLs, TLS files and byte
 * sizes, each refused with a one-line {@link UsageError} naming the flag (and, for files, the
 * path), never a stack trace and never a secret.
 */
import type { Acls } from '../runtime/live/authorization.js';
import { parseAcls } from '../runtime/live/authorization.js';
import { ConfigError, openToOthers, readConfigFile } from '../runtime/live/config-file.js';
import { type Credential, parseCredential, parseCredentials } from '../runtime/live/credentials.js';
import type { ClientSecurity } from '../runtime/live/scheduler-client.js';
import { type ClientTls, readClientTls, readServerTls, type ServerTls } from '../runtime/live/tls.js';
import { UsageError } from './usage-error.js';

/** Runs `read`, turning a {@link ConfigError} into a {@link UsageError} with the same message. */
function asUsage<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** What reading a flag's file gives, with the warnings to print. */
export interface WithWarnings<T> {
  readonly value: T;
  readonly warnings: readonly string[];
}

/** Mesos's warning for a secret file others may read (src/credentials/credentials.hpp). */
function permissionWarnings(flag: string, path: string): string[] {
  return openToOthers(path)
    ? [`${flag}: ${path} is readable by other users; it is recommended that it is not (chmod o-rwx)`]
    : [];
}

/** `--credentials FILE`: Mesos's JSON or one `principal secret` pair per line. */
export function readCredentialsFlag(path: string): WithWarnings<readonly Credential[]> {
  const parsed = parseCredentials(asUsage(() => readConfigFile('--credentials', path)));
  if (!parsed.ok) throw new UsageError(`--credentials: ${path}: ${parsed.error}`);
  return { value: parsed.value, warnings: permissionWarnings('--credentials', path) };
}

/** `--credential FILE` (an agent's): one principal and its secret. */
export function readCredentialFlag(path: string): WithWarnings<Credential> {
  const parsed = parseCredential(asUsage(() => readConfigFile('--credential', path)));
  if (!parsed.ok) throw new UsageError(`--credential: ${path}: ${parsed.error}`);
  return { value: parsed.value, warnings: permissionWarnings('--credential', path) };
}

/** `--acls FILE`: the rules Agora enforces (authorization.ts); other Mesos actions are reported as ignored. */
export function readAclsFlag(path: string): WithWarnings<Acls> {
  const parsed = parseAcls(asUsage(() => readConfigFile('--acls', path)));
  if (!parsed.ok) throw new UsageError(`--acls: ${path}: ${parsed.error}`);
  const ignored = parsed.value.ignored;
  return {
    value: parsed.value.acls,
    warnings:
      ignored.length === 0
        ? []
        : [
            `--acls: ignoring ${ignored.join(', ')} (Agora enforces register_frameworks, register_agents, update_weights, update_quotas and mark_agents_gone only)`,
          ],
  };
}

/** `--principal P --secret-file F`: both or neither. The secret file's one final newline is dropped. */
export function readPrincipalFlags(
  principal: string | undefined,
  secretFile: string | undefined,
): WithWarnings<Credential | undefined> {
  if (principal === undefined && secretFile === undefined) return { value: undefined, warnings: [] };
  if (principal === undefined) throw new UsageError('--secret-file needs --principal');
  if (secretFile === undefined)
    throw new UsageError(
      '--principal needs --secret-file (the secret is never a flag value: ps would show it)',
    );
  if (principal === '' || principal.includes(':')) {
    throw new UsageError(`--principal: expected a name without ':', got "${principal}"`);
  }
  const secret = asUsage(() => readConfigFile('--secret-file', secretFile)).replace(/\r?\n$/u, '');
  if (secret === '') throw new UsageError(`--secret-file: ${secretFile} is empty`);
  return { value: { principal, secret }, warnings: permissionWarnings('--secret-file', secretFile) };
}

/** `--tls-key` and `--tls-cert` (both or neither) and `--tls-ca`. */
export function readTlsFlags(flags: { tlsKey?: string; tlsCert?: string; tlsCa?: string }): {
  readonly tls?: ServerTls;
  readonly clientTls?: ClientTls;
} {
  const { tlsKey, tlsCert, tlsCa } = flags;
  if ((tlsKey === undefined) !== (tlsCert === undefined)) {
    throw new UsageError(
      `--tls-key and --tls-cert go together: give both or neither (got only ${tlsKey === undefined ? '--tls-cert' : '--tls-key'})`,
    );
  }
  const tls =
    tlsKey === undefined || tlsCert === undefined ? undefined : asUsage(() => readServerTls(tlsKey, tlsCert));
  const clientTls = tlsCa === undefined ? undefined : asUsage(() => readClientTls(tlsCa));
  return { ...(tls === undefined ? {} : { tls }), ...(clientTls === undefined ? {} : { clientTls }) };
}

/** A scheduler's `--principal`, `--secret-file` and `--tls-ca`. */
export function readClientSecurityFlags(flags: {
  principal?: string;
  secretFile?: string;
  tlsCa?: string;
}): WithWarnings<ClientSecurity> {
  const credential = readPrincipalFlags(flags.principal, flags.secretFile);
  const { clientTls } = readTlsFlags({ ...(flags.tlsCa === undefined ? {} : { tlsCa: flags.tlsCa }) });
  return {
    value: {
      ...(credential.value === undefined ? {} : { credential: credential.value }),
      ...(clientTls === undefined ? {} : { tls: clientTls }),
    },
    warnings: credential.warnings,
  };
}

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * A byte size as Mesos writes them (`16MB`, `512KB`; Mesos's Bytes count KB as 1024 bytes),
 * or a plain number of bytes; from `min` to `max` bytes.
 */
export function parseByteSizeFlag(flag: string, text: string, min: number, max: number): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/iu.exec(text.trim());
  const unit = UNITS[(m?.[2] ?? '').toLowerCase() || 'b'];
  const bytes = m === null || unit === undefined ? Number.NaN : Math.floor(Number(m[1]) * unit);
  if (!(bytes >= min && bytes <= max)) {
    throw new UsageError(
      `${flag}: expected a size from ${min} bytes to ${max / 1024 ** 2}MB, like 16MB or 512KB, got "${text}"`,
    );
  }
  return bytes;
}
