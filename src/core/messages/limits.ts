/**
 * Size limits applied while decoding messages from `unknown` (ARCHITECTURE.md §5: put a limit on
 * everything that grows from input). Mesos itself has none of these below the 64 MB protobuf cap;
 * they are ours, chosen to be far above anything a well-behaved scheduler, executor or agent sends,
 * so that a peer can never make a decoder allocate without bound. The transport bounds the frame
 * (RecordIO record or HTTP body) before JSON is even parsed; these bound what one frame may hold.
 *
 * A value over a limit is a decode error with the field's path, e.g.
 * `accept.offer_ids: more than 100000 items`.
 */
export const DECODE_LIMITS = {
  /**
   * Longest free-text string (names, messages, hostnames, command lines, roles, label values),
   * in UTF-16 code units: 64 Ki, room for a long inline shell script.
   */
  maxStringLength: 65_536,
  /**
   * Longest id `value` (framework, offer, agent, task, executor, container and operation ids),
   * in UTF-8 bytes: 255, Mesos's `NAME_MAX` limit (src/common/validation.cpp `validateID`), since
   * ids become directory names in the agent's work dir. Mesos generates ~45-character ids.
   */
  maxIdBytes: 255,
  /**
   * Longest base64 text of a `bytes` field (`data`, `uuid`): 4 Mi characters, i.e. 3 MiB of
   * payload, for `TaskInfo.data` and framework messages.
   */
  maxBytesTextLength: 4 * 1_024 * 1_024,
  /**
   * Most items in any one array (offers in an event, offer ids, operations, tasks to reconcile,
   * resources, ranges, set items, labels). 100 000 lets a framework reconcile a very large task
   * set in one call; the frame-size limit of the transport bounds the total.
   */
  maxArrayLength: 100_000,
  /** Most entries in a JSON object used as a map (`TaskInfo.limits`). */
  maxMapEntries: 1_000,
  /** Deepest chain of `ContainerID.parent` (the only recursive message we decode). */
  maxContainerIdDepth: 32,
} as const;
