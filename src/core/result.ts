/** The outcome of an operation that can fail for an expected reason (bad input, a refusal). */
export type Result<T, E> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/** A successful {@link Result}. */
export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

/** A failed {@link Result}. */
export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}

/** Fails loudly on a broken internal invariant: a bug, never a user error. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

/**
 * {@link assert}'s failure, for hot paths: `if (!ok) fail(`…`)` builds its message only when the
 * invariant is broken, where `assert(ok, `…`)` builds a template string on every call (in the
 * allocator's per-offer paths that was most of the garbage a cycle made).
 */
export function fail(message: string): never {
  throw new Error(`assertion failed: ${message}`);
}
