/**
 * The compile-time check that a `switch` (or if-chain) over a union handled every member: the
 * value left in the `default` branch must have type `never`, so adding a member to the union
 * (a fault kind, a call type, a task state) fails to compile until every such switch handles
 * it. At run time it is reached only through a bug or data that bypassed the types (a message
 * from a newer peer cast to the union), and says which value it met.
 */

/** Throws for a value no case handled; `what` names the union in the message. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
