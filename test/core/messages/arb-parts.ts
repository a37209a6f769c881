/**
 * Building blocks of the message arbitraries (arbitraries.ts): scalars, ids, common messages,
 * resources, frameworks, tasks, offers. Each produces values in the form the decoders return;
 * see arbitraries.ts for the conventions.
 */
import fc, { type Arbitrary } from 'fast-check';
import { encodeBase64 } from '../../../src/core/messages/base64.js';
import type { AgentInfo, MasterInfo } from '../../../src/core/messages/cluster-info.js';
import type {
  Address,
  DurationInfo,
  Filters,
  KillPolicy,
  Labels,
  TimeInfo,
  Unavailability,
  Url,
} from '../../../src/core/messages/common.js';
import { FRAMEWORK_CAPABILITIES, type FrameworkInfo } from '../../../src/core/messages/framework-info.js';
import { type Id, idProblem } from '../../../src/core/messages/ids.js';
import type { InverseOffer, Offer, OfferOperation } from '../../../src/core/messages/offer.js';
import { OPERATION_STATES, type OperationStatus } from '../../../src/core/messages/operation-status.js';
import {
  type Attribute,
  type ResourceJson,
  resourcesToJson,
  type ValueRanges,
  type ValueScalar,
  type ValueSet,
} from '../../../src/core/messages/resources-json.js';
import type {
  CommandInfo,
  ExecutorInfo,
  TaskGroupInfo,
  TaskInfo,
} from '../../../src/core/messages/task-info.js';
import {
  TASK_STATES,
  TASK_STATUS_REASONS,
  TASK_STATUS_SOURCES,
  type TaskState,
} from '../../../src/core/messages/task-state.js';
import type { TaskStatus } from '../../../src/core/messages/task-status.js';
import { arbResources, SAMPLE_ROLES } from '../arbitraries.js';

// ---------------------------------------------------------------------------------------------
// Scalars

/** Short strings, mostly ASCII, sometimes any UTF-16 (lone surrogates included). */
export const arbText: Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 10 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 6 }), weight: 1 },
);

/** Doubles as decoders return them: any number but NaN, and 0 rather than -0. */
export const arbDouble: Arbitrary<number> = fc
  .oneof(fc.double({ noNaN: true }), fc.integer({ min: -1000, max: 1000 }))
  .map((x) => (x === 0 ? 0 : x));

/** Integers of the given proto type's range (64-bit ones limited to safe integers). */
export const arbInt32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
/** See {@link arbInt32}. */
export const arbUint32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
/** See {@link arbInt32}. */
export const arbInt64 = fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -1000, max: 1000 }));
/** See {@link arbInt32}. */
export const arbUint64 = fc.oneof(fc.maxSafeNat(), fc.nat({ max: 70000 }));

/** Valid base64 text: standard padded encodings, and sometimes the padding left off. */
export const arbBytes: Arbitrary<string> = fc
  .tuple(fc.uint8Array({ maxLength: 20 }), fc.boolean())
  .map(([data, strip]) => {
    const text = encodeBase64([...data]);
    return strip ? text.replace(/=+$/u, '') : text;
  });

/** Base64 of exactly 16 bytes (a UUID). */
export const arbUuid: Arbitrary<string> = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((data) => encodeBase64([...data]));

/** An id of any kind: what Mesos's `validateID` accepts (see `idProblem`). */
export function arbId<K extends string>(): Arbitrary<Id<K>> {
  return fc.record(
    { value: fc.string({ minLength: 1, maxLength: 12 }).filter((v) => idProblem(v) === undefined) },
    { noNullPrototype: true },
  );
}

/** A role: `*` or one of the sample roles. */
export const arbRole = fc.constantFrom('*', ...SAMPLE_ROLES);
/** Array size for lists inside messages: up to three items. */
export const few = { maxLength: 3 } as const;

// ---------------------------------------------------------------------------------------------
// Common messages

/** {@link Labels}. */
export const arbLabels: Arbitrary<Labels> = fc.record(
  {
    labels: fc.array(
      fc.record({ key: arbText, value: arbText }, { requiredKeys: ['key'], noNullPrototype: true }),
      few,
    ),
  },
  { requiredKeys: [], noNullPrototype: true },
);

/** A generated `Duration` in decoded form. */
export const arbDuration: Arbitrary<DurationInfo> = fc.record(
  { nanoseconds: arbInt64 },
  { noNullPrototype: true },
);
/** A generated `Time` in decoded form. */
export const arbTime: Arbitrary<TimeInfo> = fc.record({ nanoseconds: arbInt64 }, { noNullPrototype: true });
/** A generated `KillPolicy` in decoded form. */
export const arbKillPolicy: Arbitrary<KillPolicy> = fc.record(
  { grace_period: arbDuration },
  { requiredKeys: [], noNullPrototype: true },
);
/** A generated `Address` in decoded form. */
export const arbAddress: Arbitrary<Address> = fc.record(
  { hostname: arbText, ip: arbText, port: arbInt32 },
  { requiredKeys: ['port'], noNullPrototype: true },
);
/** A generated `Url` in decoded form. */
export const arbUrl: Arbitrary<Url> = fc.record(
  {
    scheme: arbText,
    address: arbAddress,
    path: arbText,
    query: fc.array(fc.record({ key: arbText, value: arbText }, { noNullPrototype: true }), few),
    fragment: arbText,
  },
  { requiredKeys: ['scheme', 'address'], noNullPrototype: true },
);
/** {@link Filters}. */
export const arbFilters: Arbitrary<Filters> = fc.record(
  { refuse_seconds: arbDouble },
  { requiredKeys: [], noNullPrototype: true },
);
/** A generated `Unavailability` in decoded form. */
export const arbUnavailability: Arbitrary<Unavailability> = fc.record(
  { start: arbTime, duration: arbDuration },
  { requiredKeys: ['start'], noNullPrototype: true },
);

// ---------------------------------------------------------------------------------------------
// Resources

/** A generated `Scalar` in decoded form. */
export const arbScalar: Arbitrary<ValueScalar> = fc.record({ value: arbDouble }, { noNullPrototype: true });
/** A generated `Ranges` in decoded form. */
export const arbRanges: Arbitrary<ValueRanges> = fc.record(
  { range: fc.array(fc.record({ begin: arbUint64, end: arbUint64 }, { noNullPrototype: true }), few) },
  { requiredKeys: [], noNullPrototype: true },
);
/** A generated `Set` in decoded form. */
export const arbSet: Arbitrary<ValueSet> = fc.record(
  { item: fc.array(arbText, few) },
  { requiredKeys: [], noNullPrototype: true },
);

/** A generated `Reservation` in decoded form. */
export const arbReservation = fc.record(
  {
    type: fc.constantFrom('STATIC' as const, 'DYNAMIC' as const),
    role: arbRole,
    principal: arbText,
    labels: arbLabels,
  },
  { requiredKeys: [], noNullPrototype: true },
);

/**
 * A structurally valid resource (what the decoders accept, semantically valid or not), or one
 * written by `resourcesToJson` from a valid bag.
 */
export const arbResourceJson: Arbitrary<ResourceJson> = fc.oneof(
  fc.record(
    {
      name: arbText,
      type: fc.constantFrom('SCALAR' as const, 'RANGES' as const, 'SET' as const),
      scalar: arbScalar,
      ranges: arbRanges,
      set: arbSet,
      role: arbRole,
      allocation_info: fc.record({ role: arbRole }, { requiredKeys: [], noNullPrototype: true }),
      reservation: arbReservation,
      reservations: fc.array(arbReservation, few),
    },
    { requiredKeys: ['name', 'type'], noNullPrototype: true },
  ),
  arbResources({ roles: SAMPLE_ROLES, customSets: true, maxEntries: 3 })
    .filter((r) => !r.isEmpty())
    .chain((r) => fc.constantFrom(...resourcesToJson(r))),
);

/** A generated `ResourceList` in decoded form. */
export const arbResourceList = fc.array(arbResourceJson, few);

/** An {@link Attribute}. */
export const arbAttribute: Arbitrary<Attribute> = fc.record(
  {
    name: arbText,
    type: fc.constantFrom('SCALAR' as const, 'RANGES' as const, 'SET' as const, 'TEXT' as const),
    scalar: arbScalar,
    ranges: arbRanges,
    set: arbSet,
    text: fc.record({ value: arbText }, { noNullPrototype: true }),
  },
  { requiredKeys: ['name', 'type'], noNullPrototype: true },
);

// ---------------------------------------------------------------------------------------------
// Frameworks, tasks, offers

/** A {@link FrameworkInfo}. */
export const arbFrameworkInfo: Arbitrary<FrameworkInfo> = fc.record(
  {
    user: arbText,
    name: arbText,
    id: arbId<'FrameworkID'>(),
    failover_timeout: arbDouble,
    checkpoint: fc.boolean(),
    role: arbRole,
    roles: fc.array(arbRole, few),
    hostname: arbText,
    principal: arbText,
    webui_url: arbText,
    capabilities: fc.array(
      fc.record({ type: fc.constantFrom(...FRAMEWORK_CAPABILITIES) }, { noNullPrototype: true }),
      few,
    ),
    labels: arbLabels,
  },
  { requiredKeys: ['user', 'name'], noNullPrototype: true },
);

/** A generated `CommandInfo` in decoded form. */
export const arbCommandInfo: Arbitrary<CommandInfo> = fc.record(
  {
    uris: fc.array(
      fc.record(
        {
          value: arbText,
          executable: fc.boolean(),
          extract: fc.boolean(),
          cache: fc.boolean(),
          output_file: arbText,
        },
        { requiredKeys: ['value'], noNullPrototype: true },
      ),
      few,
    ),
    environment: fc.record(
      {
        variables: fc.array(
          fc.record(
            { name: arbText, type: fc.constantFrom('VALUE' as const, 'SECRET' as const), value: arbText },
            { requiredKeys: ['name'], noNullPrototype: true },
          ),
          few,
        ),
      },
      { requiredKeys: [], noNullPrototype: true },
    ),
    shell: fc.boolean(),
    value: arbText,
    arguments: fc.array(arbText, few),
    user: arbText,
  },
  { requiredKeys: [], noNullPrototype: true },
);

/** A generated `ExecutorInfo` in decoded form. */
export const arbExecutorInfo: Arbitrary<ExecutorInfo> = fc.record(
  {
    type: fc.constantFrom('DEFAULT' as const, 'CUSTOM' as const),
    executor_id: arbId<'ExecutorID'>(),
    framework_id: arbId<'FrameworkID'>(),
    command: arbCommandInfo,
    resources: arbResourceList,
    name: arbText,
    data: arbBytes,
    shutdown_grace_period: arbDuration,
    labels: arbLabels,
  },
  { requiredKeys: ['executor_id'], noNullPrototype: true },
);

/** A {@link TaskInfo}. */
export const arbTaskInfo: Arbitrary<TaskInfo> = fc.record(
  {
    name: arbText,
    task_id: arbId<'TaskID'>(),
    agent_id: arbId<'AgentID'>(),
    resources: arbResourceList,
    executor: arbExecutorInfo,
    command: arbCommandInfo,
    kill_policy: arbKillPolicy,
    data: arbBytes,
    labels: arbLabels,
    max_completion_time: arbDuration,
    limits: fc.dictionary(fc.constantFrom('cpus', 'mem', 'disk', 'a.b', '__proto__'), arbScalar, {
      noNullPrototype: true,
    }),
  },
  { requiredKeys: ['name', 'task_id', 'agent_id'], noNullPrototype: true },
);

/** A generated `TaskGroup` in decoded form. */
export const arbTaskGroup: Arbitrary<TaskGroupInfo> = fc.record(
  { tasks: fc.array(arbTaskInfo, { maxLength: 2 }) },
  { requiredKeys: [], noNullPrototype: true },
);

/** Any task state. */
export const arbTaskState: Arbitrary<TaskState> = fc.constantFrom(...TASK_STATES);

/** A {@link TaskStatus}. */
export const arbTaskStatus: Arbitrary<TaskStatus> = fc.record(
  {
    task_id: arbId<'TaskID'>(),
    state: arbTaskState,
    message: arbText,
    source: fc.constantFrom(...TASK_STATUS_SOURCES),
    reason: fc.constantFrom(...TASK_STATUS_REASONS),
    data: arbBytes,
    agent_id: arbId<'AgentID'>(),
    executor_id: arbId<'ExecutorID'>(),
    timestamp: arbDouble,
    uuid: arbBytes,
    healthy: fc.boolean(),
    labels: arbLabels,
    unreachable_time: arbTime,
    limitation: fc.record({ resources: arbResourceList }, { requiredKeys: [], noNullPrototype: true }),
  },
  { requiredKeys: ['task_id', 'state'], noNullPrototype: true },
);

/** A generated `Offer` in decoded form. */
export const arbOffer: Arbitrary<Offer> = fc.record(
  {
    id: arbId<'OfferID'>(),
    framework_id: arbId<'FrameworkID'>(),
    agent_id: arbId<'AgentID'>(),
    hostname: arbText,
    url: arbUrl,
    resources: arbResourceList,
    attributes: fc.array(arbAttribute, few),
    executor_ids: fc.array(arbId<'ExecutorID'>(), few),
    unavailability: arbUnavailability,
    allocation_info: fc.record({ role: arbRole }, { requiredKeys: [], noNullPrototype: true }),
  },
  { requiredKeys: ['id', 'framework_id', 'agent_id', 'hostname'], noNullPrototype: true },
);

/** A generated `InverseOffer` in decoded form. */
export const arbInverseOffer: Arbitrary<InverseOffer> = fc.record(
  {
    id: arbId<'OfferID'>(),
    url: arbUrl,
    framework_id: arbId<'FrameworkID'>(),
    agent_id: arbId<'AgentID'>(),
    unavailability: arbUnavailability,
    resources: arbResourceList,
  },
  { requiredKeys: ['id', 'framework_id', 'unavailability'], noNullPrototype: true },
);

function withOperationId<T extends object>(body: Arbitrary<T>): Arbitrary<T> {
  return fc
    .tuple(body, fc.option(arbId<'OperationID'>(), { nil: undefined }))
    .map(([b, id]) => (id === undefined ? b : { ...b, id }));
}

/** A generated `ResourcesBody` in decoded form. */
export const arbResourcesBody = fc.record(
  { resources: arbResourceList },
  { requiredKeys: [], noNullPrototype: true },
);
/** A generated `VolumesBody` in decoded form. */
export const arbVolumesBody = fc.record(
  { volumes: arbResourceList },
  { requiredKeys: [], noNullPrototype: true },
);

/** An {@link OfferOperation} of any supported type. */
export const arbOfferOperation: Arbitrary<OfferOperation> = fc.oneof(
  withOperationId(
    fc.record(
      {
        type: fc.constant('LAUNCH' as const),
        launch: fc.record(
          { task_infos: fc.array(arbTaskInfo, { maxLength: 2 }) },
          { requiredKeys: [], noNullPrototype: true },
        ),
      },
      { noNullPrototype: true },
    ),
  ),
  withOperationId(
    fc.record(
      {
        type: fc.constant('LAUNCH_GROUP' as const),
        launch_group: fc.record(
          { executor: arbExecutorInfo, task_group: arbTaskGroup },
          { noNullPrototype: true },
        ),
      },
      { noNullPrototype: true },
    ),
  ),
  withOperationId(
    fc.record(
      {
        type: fc.constant('RESERVE' as const),
        reserve: fc.record(
          { source: arbResourceList, resources: arbResourceList },
          { requiredKeys: [], noNullPrototype: true },
        ),
      },
      { noNullPrototype: true },
    ),
  ),
  withOperationId(
    fc.record(
      { type: fc.constant('UNRESERVE' as const), unreserve: arbResourcesBody },
      { noNullPrototype: true },
    ),
  ),
  withOperationId(
    fc.record({ type: fc.constant('CREATE' as const), create: arbVolumesBody }, { noNullPrototype: true }),
  ),
  withOperationId(
    fc.record({ type: fc.constant('DESTROY' as const), destroy: arbVolumesBody }, { noNullPrototype: true }),
  ),
);

/** A generated `MasterInfo` in decoded form. */
export const arbMasterInfo: Arbitrary<MasterInfo> = fc.record(
  {
    id: arbText,
    ip: arbUint32,
    port: arbUint32,
    pid: arbText,
    hostname: arbText,
    version: arbText,
    address: arbAddress,
    capabilities: fc.array(
      fc.record(
        { type: fc.constantFrom('AGENT_UPDATE' as const, 'AGENT_DRAINING' as const, 'QUOTA_V2' as const) },
        {
          noNullPrototype: true,
        },
      ),
      few,
    ),
  },
  { requiredKeys: ['id', 'ip', 'port'], noNullPrototype: true },
);

/** A generated `AgentInfo` in decoded form. */
export const arbAgentInfo: Arbitrary<AgentInfo> = fc.record(
  {
    hostname: arbText,
    port: arbInt32,
    resources: arbResourceList,
    attributes: fc.array(arbAttribute, few),
    id: arbId<'AgentID'>(),
  },
  { requiredKeys: ['hostname'], noNullPrototype: true },
);

/** A generated `OperationStatus` in decoded form. */
export const arbOperationStatus: Arbitrary<OperationStatus> = fc.record(
  {
    operation_id: arbId<'OperationID'>(),
    state: fc.constantFrom(...OPERATION_STATES),
    message: arbText,
    converted_resources: arbResourceList,
    uuid: fc.record({ value: arbBytes }, { noNullPrototype: true }),
    agent_id: arbId<'AgentID'>(),
    resource_provider_id: arbId<'ResourceProviderID'>(),
  },
  { requiredKeys: ['state'], noNullPrototype: true },
);
