/**
 * Capability lists (`FrameworkInfo.Capability`, `MasterInfo.Capability`,
 * `AgentInfo.Capability`): arrays of `{ "type": NAME }`.
 */
import { arrayOf, type Decoder, mapDecoded, optEnum, struct } from './decode-helpers.js';

/** One capability. */
export interface Capability<T extends string> {
  readonly type: T;
}

/**
 * Decodes a capability list over `names`. An entry whose type is missing or unknown to us (a
 * newer Mesos's capability) is dropped: Mesos would keep it as UNKNOWN, which means nothing.
 */
export function capabilitiesOf<const T extends string>(
  names: readonly T[],
  what: string,
): Decoder<readonly Capability<T>[]> {
  const list = arrayOf(struct({ type: optEnum(names, what) }));
  return mapDecoded(list, (caps) => caps.flatMap((c) => (c.type === undefined ? [] : [{ type: c.type }])));
}
