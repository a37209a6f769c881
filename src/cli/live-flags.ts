/** Flags of the live commands (`master`, `agent`, `execute`), each refused with the flag and the value. */
import { parseResources } from '../core/resource-text.js';
import type { Resources } from '../core/resources.js';
import { UsageError } from './usage-error.js';

/** `--port`: 0 (any free port) to 65535. */
export function parsePort(text: string): number {
  const n = /^\d+$/u.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 0 && n <= 65_535))
    throw new UsageError(`--port: expected a whole number from 0 to 65535, got "${text}"`);
  return n;
}

/** `--master HOST:PORT` (or an `http://` or `https://` URL) → the master's base URL. */
export function parseMasterUrl(text: string): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\//iu.test(text) ? text : `http://${text}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--master: expected HOST:PORT, e.g. 127.0.0.1:5050, got "${text}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--master: only http and https are supported, got "${text}"`);
  }
  if (parsed.port === '') throw new UsageError(`--master: expected HOST:PORT with a port, got "${text}"`);
  return `${parsed.protocol}//${parsed.host}`;
}

/** `--resources`: Mesos resource text. */
export function parseResourceFlag(text: string): Resources {
  const parsed = parseResources(text);
  if (!parsed.ok) throw new UsageError(`--resources: ${parsed.error.message} in "${text}"`);
  return parsed.value;
}

/** A duration flag in seconds: > 0 and at most `max`. */
export function parseSecondsFlag(flag: string, text: string, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !(n > 0 && n <= max)) {
    throw new UsageError(`${flag}: expected seconds, more than 0 and at most ${max}, got "${text}"`);
  }
  return n;
}

/** A count flag: a whole number from 1 to `max`. */
export function parseCountFlag(flag: string, text: string, max: number): number {
  const n = /^\d+$/u.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= max))
    throw new UsageError(`${flag}: expected a whole number from 1 to ${max}, got "${text}"`);
  return n;
}
