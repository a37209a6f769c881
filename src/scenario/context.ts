/**
 * State shared by the parts of one validation: the error collector, what the top level has
 * already established (the run's end), and a cache of parsed resource texts (a generated
 * scenario repeats a handful of task shapes across thousands of jobs).
 */
import { parseResources } from '../core/resource-text.js';
import type { Resources } from '../core/resources.js';
import type { Result } from '../core/result.js';
import { describe, type Issues } from './issues.js';

/** What validators share while checking one scenario. */
export interface Context {
  readonly issues: Issues;
  /** The run's end in ms, or undefined when `until` itself is invalid (then no time is checked against it). */
  readonly untilMs: number | undefined;
  readonly resourceCache: Map<string, Result<Resources, { readonly message: string }>>;
}

/** A fresh context. */
export function newContext(issues: Issues, untilMs: number | undefined): Context {
  return { issues, untilMs, resourceCache: new Map() };
}

/**
 * `value` as Mesos resource text, parsed. Custom resource names are refused, so `cpu:1` is an
 * error rather than a resource no agent offers; the parser's message names the token and offset.
 */
export function readResources(ctx: Context, path: string, value: unknown): Resources | undefined {
  if (typeof value !== 'string') {
    ctx.issues.add(path, `expected resource text like "cpus:1;mem:1024", got ${describe(value)}`);
    return undefined;
  }
  let parsed = ctx.resourceCache.get(value);
  if (parsed === undefined) {
    parsed = parseResources(value);
    ctx.resourceCache.set(value, parsed);
  }
  if (!parsed.ok) {
    ctx.issues.add(path, parsed.error.message);
    return undefined;
  }
  if (parsed.value.isEmpty()) {
    ctx.issues.add(path, 'must not be empty');
    return undefined;
  }
  return parsed.value;
}

/** Milliseconds as seconds for messages: `130 s`. */
export function secondsText(ms: number): string {
  return `${ms / 1000} s`;
}
