/**
 * Reading the files the live commands are pointed at (credentials, ACLs, TLS keys and
 * certificates). A file that cannot be used is a {@link ConfigError} whose message names the
 * flag and the path, so the command line can print it as one line instead of a stack trace.
 * Messages never quote a file's content: credential and key files hold secrets.
 */
import { readFileSync, statSync } from 'node:fs';

/** A configuration file that cannot be used; the message starts with the flag. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The text of the file at `path` given to `flag`, or a {@link ConfigError} saying why not. */
export function readConfigFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${flag}: cannot read ${path}: ${ioReason(e)}`);
  }
}

/**
 * Whether users other than the owner may read, write or run the file (Mesos warns about such
 * credential files: src/credentials/credentials.hpp). False if it cannot be told.
 */
export function openToOthers(path: string): boolean {
  try {
    return (statSync(path).mode & 0o007) !== 0;
  } catch {
    return false;
  }
}

/** `ENOENT` → "no such file (ENOENT)", and so on, without a stack. */
function ioReason(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const known: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'it is a folder',
    ENOTDIR: 'a part of the path is not a folder',
  };
  if (typeof code === 'string') return `${known[code] ?? 'failed'} (${code})`;
  return e instanceof Error ? e.message : String(e);
}
