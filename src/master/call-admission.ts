/**
 * Whether a scheduler call other than SUBSCRIBE may act for the framework it names: decided here
 * once, for the master's dispatch (calls.ts, Mesos `Master::receive`) and for the live HTTP
 * endpoint (scheduler-endpoint.ts, Mesos `Master::Http::scheduler`), which answer a refusal
 * each in its own way and order, as Mesos's two do:
 *
 * | admission      | master (v0 `receive`)                        | HTTP endpoint                 |
 * |----------------|----------------------------------------------|-------------------------------|
 * | `unknown`      | dropped, traced                              | 400 Framework cannot be found |
 * | `disconnected` | ERROR "Framework disconnected" to the caller | 403 Framework is not          |
 * |                | if it is the framework's address, else dropped | subscribed                  |
 * | `foreign`      | dropped ("call is not from the registered…") | 400 stream id mismatch        |
 * | `admitted`     | dispatched                                   | 202, delivered to the master  |
 */
import type { Address } from '../core/process.js';
import type { MasterContext } from './context.js';

/** What {@link admitCall} decides. */
export type CallAdmission =
  /** No registered framework has the id; `removed` when it was torn down or timed out. */
  | { readonly kind: 'unknown'; readonly removed: boolean }
  /** The framework is registered but not connected; `fromFramework` if `from` was its address. */
  | { readonly kind: 'disconnected'; readonly fromFramework: boolean }
  /** The framework is connected at `address`, and `from` is not it. */
  | { readonly kind: 'foreign'; readonly address: Address }
  /** The framework is connected at `address`, which is `from`. */
  | { readonly kind: 'admitted'; readonly address: Address };

/**
 * Decides whether a call from `from` (undefined: a caller that names no connection) may act for
 * framework `frameworkId`.
 */
export function admitCall(ctx: MasterContext, frameworkId: string, from: Address | undefined): CallAdmission {
  const framework = ctx.frameworks.get(frameworkId);
  if (framework === undefined) return { kind: 'unknown', removed: ctx.frameworkRemoved(frameworkId) };
  const { address } = framework;
  if (!framework.connected || address === undefined) {
    return { kind: 'disconnected', fromFramework: address !== undefined && address === from };
  }
  return address === from ? { kind: 'admitted', address } : { kind: 'foreign', address };
}
