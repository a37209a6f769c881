/** Flags of the live commands (`master`, `agent`, `execute`), each refused with the flag and the value. */

import { quotaNameProblem } from '../core/quota-names.js';
import { parseResources } from '../core/resource-text.js';
import type { Resources } from '../core/resources.js';
import { roleProblem } from '../core/roles.js';
import { UsageError } from './usage-error.js';

/** `--port`: 0 (any free port) to 65535. */
export function parsePort(text: string): number {
  const n = /^\d+$/u.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 0 && n <= 65_535))
    throw new UsageError(`--port: expected a whole number from 0 to 65535, got "${text}"`);
  return n;
}

/** `--advertise-port`: 1 to 65535 (a port the master can reach, so not 0). */
export function parseAdvertisePort(text: string): number {
  const n = /^\d+$/u.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= 65_535))
    throw new UsageError(`--advertise-port: expected a whole number from 1 to 65535, got "${text}"`);
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

/**
 * `--weights`: Mesos's `role=weight,...` (e.g. `analytics=2,web=0.5`); each weight > 0.
 */
export function parseWeightsFlag(text: string): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const item of text.split(',')) {
    const [role, value, extra] = item.split('=');
    const weight = decimal(value);
    if (
      role === undefined ||
      role.trim() === '' ||
      extra !== undefined ||
      !(weight > 0 && Number.isFinite(weight))
    )
      throw new UsageError(
        `--weights: expected ROLE=WEIGHT[,ROLE=WEIGHT...] with weights > 0, got "${item}"`,
      );
    const problem = roleProblem(role.trim());
    if (problem !== undefined) throw new UsageError(`--weights: role "${role.trim()}": ${problem}`);
    if (weights[role.trim()] !== undefined)
      throw new UsageError(`--weights: role "${role.trim()}" is given twice`);
    weights[role.trim()] = weight;
  }
  return weights;
}

/**
 * `--quota`, once per role: `ROLE=NAME:AMOUNT;NAME:AMOUNT...` (e.g. `analytics=cpus:8;mem:16384`),
 * the role's quota limits (Mesos `UPDATE_QUOTA` limits); amounts >= 0.
 */
export function parseQuotaFlags(items: readonly string[]): Record<string, Record<string, number>> {
  const quotas: Record<string, Record<string, number>> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    const role = at < 0 ? '' : item.slice(0, at).trim();
    const usage = `--quota: expected ROLE=NAME:AMOUNT[;NAME:AMOUNT...], e.g. analytics=cpus:8;mem:16384, got "${item}"`;
    if (role === '') throw new UsageError(usage);
    const problem = roleProblem(role);
    if (problem !== undefined) throw new UsageError(`--quota: role "${role}": ${problem}`);
    if (quotas[role] !== undefined) throw new UsageError(`--quota: role "${role}" is given twice`);
    const limits: Record<string, number> = {};
    for (const part of item.slice(at + 1).split(';')) {
      const [name, value, extra] = part.split(':').map((s) => s.trim());
      const amount = decimal(value);
      if (name === undefined || !/^[a-z][a-z0-9_.-]*$/iu.test(name) || extra !== undefined)
        throw new UsageError(usage);
      const nameProblem = quotaNameProblem(name);
      if (nameProblem !== undefined) throw new UsageError(`--quota: ${role}: ${nameProblem}`);
      if (!(amount >= 0 && Number.isFinite(amount)))
        throw new UsageError(`--quota: ${role}: ${name}: expected an amount >= 0, got "${value ?? ''}"`);
      if (limits[name] !== undefined) throw new UsageError(`--quota: ${role}: ${name} is given twice`);
      limits[name] = amount;
    }
    quotas[role] = limits;
  }
  return quotas;
}

/** A plain decimal number (`2`, `0.5`, `1e3`), or NaN: `Number` would also take `0x10` and `""`. */
function decimal(text: string | undefined): number {
  const trimmed = text?.trim() ?? '';
  return /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/u.test(trimmed) ? Number(trimmed) : Number.NaN;
}
