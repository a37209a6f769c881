/**
 * fast-check arbitraries for the message vocabulary of src/core/messages. Each produces messages
 * in the form the decoders return (so `decode(parse(stringify(encode(m))))` must equal `m`):
 * optional fields are absent rather than `undefined`, doubles are never NaN or -0, capability
 * entries always have a type, `limits` use the `{value}` form, and the cross-field rules of the
 * validators hold (SUBSCRIBE ids agree, uuids that must be UUIDs have 16 bytes, executor updates
 * come from SOURCE_EXECUTOR, …). They are built without the code under test, except
 * `encodeBase64` (checked against Node's Buffer in decode-helpers.test.ts) and
 * `resourcesToJson` for one of the resource shapes.
 */
import fc, { type Arbitrary } from 'fast-check';
import type { AgentMessage, StatusUpdate } from '../../../src/core/messages/agent-protocol.js';
import type { ExecutorCall, ExecutorEvent } from '../../../src/core/messages/executor.js';
import type { FrameworkInfo } from '../../../src/core/messages/framework-info.js';
import type { ContainerID, Id } from '../../../src/core/messages/ids.js';
import type { Call } from '../../../src/core/messages/scheduler-call.js';
import type { Event } from '../../../src/core/messages/scheduler-event.js';
import type { Task } from '../../../src/core/messages/task.js';
import { TASK_STATES } from '../../../src/core/messages/task-state.js';
import type { TaskStatus } from '../../../src/core/messages/task-status.js';
import {
  arbAgentInfo,
  arbBytes,
  arbDouble,
  arbExecutorInfo,
  arbFilters,
  arbFrameworkInfo,
  arbId,
  arbInt32,
  arbInverseOffer,
  arbKillPolicy,
  arbLabels,
  arbMasterInfo,
  arbOffer,
  arbOfferOperation,
  arbOperationStatus,
  arbResourceList,
  arbRole,
  arbTaskGroup,
  arbTaskInfo,
  arbTaskState,
  arbTaskStatus,
  arbText,
  arbUuid,
  few,
} from './arb-parts.js';

// ---------------------------------------------------------------------------------------------
// Scheduler calls

const fid = arbId<'FrameworkID'>();
const offerIds = fc.array(arbId<'OfferID'>(), few);
const rolesBody = fc.record({ roles: fc.array(arbRole, few) }, { requiredKeys: [], noNullPrototype: true });
const inverseBody = fc.record(
  { inverse_offer_ids: offerIds, filters: arbFilters },
  { requiredKeys: [], noNullPrototype: true },
);

/** A SUBSCRIBE call whose `framework_id` agrees with `framework_info.id`, as validation requires. */
const arbSubscribe: Arbitrary<Call> = fc
  .record(
    { framework_info: arbFrameworkInfo, suppressed_roles: fc.array(arbRole, few) },
    { requiredKeys: ['framework_info'], noNullPrototype: true },
  )
  .chain((subscribe) =>
    fc.boolean().map((withId): Call => {
      const id = subscribe.framework_info.id;
      return withId && id !== undefined
        ? { type: 'SUBSCRIBE', framework_id: id, subscribe }
        : {
            type: 'SUBSCRIBE',
            subscribe: { ...subscribe, framework_info: withoutId(subscribe.framework_info) },
          };
    }),
  );

function withoutId(info: FrameworkInfo): FrameworkInfo {
  const { id: _, ...rest } = info;
  return rest;
}

/** A valid scheduler {@link Call} of any type. */
export const arbCall: Arbitrary<Call> = fc.oneof(
  arbSubscribe,
  fid.map((framework_id): Call => ({ type: 'TEARDOWN', framework_id })),
  fc
    .tuple(
      fid,
      fc.record(
        { offer_ids: offerIds, operations: fc.array(arbOfferOperation, few), filters: arbFilters },
        { requiredKeys: [], noNullPrototype: true },
      ),
    )
    .map(([framework_id, accept]): Call => ({ type: 'ACCEPT', framework_id, accept })),
  fc
    .tuple(
      fid,
      fc.record({ offer_ids: offerIds, filters: arbFilters }, { requiredKeys: [], noNullPrototype: true }),
    )
    .map(([framework_id, decline]): Call => ({ type: 'DECLINE', framework_id, decline })),
  fc.tuple(fid, inverseBody).map(
    ([framework_id, b]): Call => ({
      type: 'ACCEPT_INVERSE_OFFERS',
      framework_id,
      accept_inverse_offers: b,
    }),
  ),
  fc.tuple(fid, inverseBody).map(
    ([framework_id, b]): Call => ({
      type: 'DECLINE_INVERSE_OFFERS',
      framework_id,
      decline_inverse_offers: b,
    }),
  ),
  fc
    .tuple(fid, fc.option(rolesBody, { nil: undefined }))
    .map(
      ([framework_id, revive]): Call =>
        revive === undefined ? { type: 'REVIVE', framework_id } : { type: 'REVIVE', framework_id, revive },
    ),
  fc
    .tuple(fid, fc.option(rolesBody, { nil: undefined }))
    .map(
      ([framework_id, suppress]): Call =>
        suppress === undefined
          ? { type: 'SUPPRESS', framework_id }
          : { type: 'SUPPRESS', framework_id, suppress },
    ),
  fc
    .tuple(
      fid,
      fc.record(
        { task_id: arbId<'TaskID'>(), agent_id: arbId<'AgentID'>(), kill_policy: arbKillPolicy },
        { requiredKeys: ['task_id'], noNullPrototype: true },
      ),
    )
    .map(([framework_id, kill]): Call => ({ type: 'KILL', framework_id, kill })),
  fc
    .tuple(
      fid,
      fc.record(
        { executor_id: arbId<'ExecutorID'>(), agent_id: arbId<'AgentID'>() },
        { noNullPrototype: true },
      ),
    )
    .map(([framework_id, shutdown]): Call => ({ type: 'SHUTDOWN', framework_id, shutdown })),
  fc
    .tuple(
      fid,
      fc.record(
        { agent_id: arbId<'AgentID'>(), task_id: arbId<'TaskID'>(), uuid: arbUuid },
        { noNullPrototype: true },
      ),
    )
    .map(([framework_id, acknowledge]): Call => ({ type: 'ACKNOWLEDGE', framework_id, acknowledge })),
  fc
    .tuple(
      fid,
      fc.record(
        {
          agent_id: arbId<'AgentID'>(),
          resource_provider_id: arbId<'ResourceProviderID'>(),
          uuid: arbUuid,
          operation_id: arbId<'OperationID'>(),
        },
        { requiredKeys: ['agent_id', 'uuid', 'operation_id'], noNullPrototype: true },
      ),
    )
    .map(
      ([framework_id, b]): Call => ({
        type: 'ACKNOWLEDGE_OPERATION_STATUS',
        framework_id,
        acknowledge_operation_status: b,
      }),
    ),
  fc
    .tuple(
      fid,
      fc.record(
        {
          tasks: fc.array(
            fc.record(
              { task_id: arbId<'TaskID'>(), agent_id: arbId<'AgentID'>() },
              {
                requiredKeys: ['task_id'],
                noNullPrototype: true,
              },
            ),
            few,
          ),
        },
        { requiredKeys: [], noNullPrototype: true },
      ),
    )
    .map(([framework_id, reconcile]): Call => ({ type: 'RECONCILE', framework_id, reconcile })),
  fc
    .tuple(
      fid,
      fc.record(
        {
          operations: fc.array(
            fc.record(
              {
                operation_id: arbId<'OperationID'>(),
                agent_id: arbId<'AgentID'>(),
                resource_provider_id: arbId<'ResourceProviderID'>(),
              },
              { requiredKeys: ['operation_id'], noNullPrototype: true },
            ),
            few,
          ),
        },
        { requiredKeys: [], noNullPrototype: true },
      ),
    )
    .map(
      ([framework_id, b]): Call => ({ type: 'RECONCILE_OPERATIONS', framework_id, reconcile_operations: b }),
    ),
  fc
    .tuple(
      fid,
      fc.record(
        { agent_id: arbId<'AgentID'>(), executor_id: arbId<'ExecutorID'>(), data: arbBytes },
        {
          noNullPrototype: true,
        },
      ),
    )
    .map(([framework_id, message]): Call => ({ type: 'MESSAGE', framework_id, message })),
  fc
    .tuple(
      fid,
      fc.record(
        {
          requests: fc.array(
            fc.record(
              { agent_id: arbId<'AgentID'>(), resources: arbResourceList },
              {
                requiredKeys: [],
                noNullPrototype: true,
              },
            ),
            few,
          ),
        },
        { requiredKeys: [], noNullPrototype: true },
      ),
    )
    .map(([framework_id, request]): Call => ({ type: 'REQUEST', framework_id, request })),
  fc
    .tuple(fid, arbFrameworkInfo, fc.option(fc.array(arbRole, few), { nil: undefined }))
    .map(([framework_id, info, suppressed]): Call => {
      const framework_info = { ...info, id: framework_id };
      return {
        type: 'UPDATE_FRAMEWORK',
        framework_id,
        update_framework:
          suppressed === undefined ? { framework_info } : { framework_info, suppressed_roles: suppressed },
      };
    }),
);

// ---------------------------------------------------------------------------------------------
// Scheduler events

/** A scheduler {@link Event} of any type. */
export const arbEvent: Arbitrary<Event> = fc.oneof(
  fc
    .record(
      { framework_id: fid, heartbeat_interval_seconds: arbDouble, master_info: arbMasterInfo },
      { requiredKeys: ['framework_id'], noNullPrototype: true },
    )
    .map((subscribed): Event => ({ type: 'SUBSCRIBED', subscribed })),
  fc
    .record({ offers: fc.array(arbOffer, few) }, { requiredKeys: [], noNullPrototype: true })
    .map((offers): Event => ({ type: 'OFFERS', offers })),
  fc
    .record({ inverse_offers: fc.array(arbInverseOffer, few) }, { requiredKeys: [], noNullPrototype: true })
    .map((inverse_offers): Event => ({ type: 'INVERSE_OFFERS', inverse_offers })),
  arbId<'OfferID'>().map((offer_id): Event => ({ type: 'RESCIND', rescind: { offer_id } })),
  arbId<'OfferID'>().map(
    (inverse_offer_id): Event => ({
      type: 'RESCIND_INVERSE_OFFER',
      rescind_inverse_offer: { inverse_offer_id },
    }),
  ),
  arbTaskStatus.map((status): Event => ({ type: 'UPDATE', update: { status } })),
  arbOperationStatus.map(
    (status): Event => ({ type: 'UPDATE_OPERATION_STATUS', update_operation_status: { status } }),
  ),
  fc
    .record(
      { agent_id: arbId<'AgentID'>(), executor_id: arbId<'ExecutorID'>(), data: arbBytes },
      { noNullPrototype: true },
    )
    .map((message): Event => ({ type: 'MESSAGE', message })),
  fc
    .record(
      { agent_id: arbId<'AgentID'>(), executor_id: arbId<'ExecutorID'>(), status: arbInt32 },
      { requiredKeys: [], noNullPrototype: true },
    )
    .map((failure): Event => ({ type: 'FAILURE', failure })),
  arbText.map((message): Event => ({ type: 'ERROR', error: { message } })),
  fc.constant<Event>({ type: 'HEARTBEAT' }),
);

// ---------------------------------------------------------------------------------------------
// Executor API

/** A status an executor may send for its own executor `executorId` (see decodeExecutorCall). */
function arbExecutorStatus(executorId: Id<'ExecutorID'>): Arbitrary<TaskStatus> {
  return fc
    .tuple(
      arbTaskStatus,
      arbUuid,
      fc.boolean(),
      fc.constantFrom(...TASK_STATES.filter((s) => s !== 'TASK_STAGING')),
    )
    .map(([status, uuid, named, state]) => {
      const { executor_id: _, ...rest } = status;
      const base = { ...rest, state, uuid, source: 'SOURCE_EXECUTOR' as const };
      return named ? { ...base, executor_id: executorId } : base;
    });
}

const arbContainerId: Arbitrary<ContainerID> = fc
  .array(arbId<'ContainerID'>(), { minLength: 1, maxLength: 4 })
  .map(([first, ...parents]) =>
    parents.reduce<ContainerID>((child, { value }) => ({ value, parent: child }), {
      value: first?.value ?? 'c',
    }),
  );

/** A valid {@link ExecutorCall} of any type. */
export const arbExecutorCall: Arbitrary<ExecutorCall> = fc
  .tuple(arbId<'ExecutorID'>(), fid)
  .chain(([executor_id, framework_id]) =>
    fc.oneof(
      fc
        .record(
          {
            unacknowledged_tasks: fc.array(arbTaskInfo, { maxLength: 2 }),
            unacknowledged_updates: fc.array(
              arbTaskStatus.map((status) => ({ status })),
              { maxLength: 2 },
            ),
          },
          { requiredKeys: [], noNullPrototype: true },
        )
        .map((subscribe): ExecutorCall => ({ type: 'SUBSCRIBE', executor_id, framework_id, subscribe })),
      arbExecutorStatus(executor_id).map(
        (status): ExecutorCall => ({ type: 'UPDATE', executor_id, framework_id, update: { status } }),
      ),
      arbBytes.map(
        (data): ExecutorCall => ({ type: 'MESSAGE', executor_id, framework_id, message: { data } }),
      ),
      fc.constant<ExecutorCall>({ type: 'HEARTBEAT', executor_id, framework_id }),
    ),
  );

/** An {@link ExecutorEvent} of any type. */
export const arbExecutorEvent: Arbitrary<ExecutorEvent> = fc.oneof(
  fc
    .record(
      {
        executor_info: arbExecutorInfo,
        framework_info: arbFrameworkInfo,
        agent_info: arbAgentInfo,
        container_id: arbContainerId,
      },
      { requiredKeys: ['executor_info', 'framework_info', 'agent_info'], noNullPrototype: true },
    )
    .map((subscribed): ExecutorEvent => ({ type: 'SUBSCRIBED', subscribed })),
  arbTaskInfo.map((task): ExecutorEvent => ({ type: 'LAUNCH', launch: { task } })),
  arbTaskGroup.map((task_group): ExecutorEvent => ({ type: 'LAUNCH_GROUP', launch_group: { task_group } })),
  fc
    .record(
      { task_id: arbId<'TaskID'>(), kill_policy: arbKillPolicy },
      { requiredKeys: ['task_id'], noNullPrototype: true },
    )
    .map((kill): ExecutorEvent => ({ type: 'KILL', kill })),
  fc
    .record({ task_id: arbId<'TaskID'>(), uuid: arbBytes }, { noNullPrototype: true })
    .map((acknowledged): ExecutorEvent => ({ type: 'ACKNOWLEDGED', acknowledged })),
  arbBytes.map((data): ExecutorEvent => ({ type: 'MESSAGE', message: { data } })),
  arbText.map((message): ExecutorEvent => ({ type: 'ERROR', error: { message } })),
  fc.constant<ExecutorEvent>({ type: 'SHUTDOWN' }),
  fc.constant<ExecutorEvent>({ type: 'HEARTBEAT' }),
);

// ---------------------------------------------------------------------------------------------
// Master–agent protocol

const arbTask: Arbitrary<Task> = fc.record(
  {
    name: arbText,
    task_id: arbId<'TaskID'>(),
    framework_id: fid,
    executor_id: arbId<'ExecutorID'>(),
    agent_id: arbId<'AgentID'>(),
    state: arbTaskState,
    resources: arbResourceList,
    statuses: fc.array(arbTaskStatus, { maxLength: 2 }),
    status_update_state: arbTaskState,
    status_update_uuid: arbBytes,
    labels: arbLabels,
    kill_policy: arbKillPolicy,
    user: arbText,
  },
  { requiredKeys: ['name', 'task_id', 'framework_id', 'agent_id', 'state'], noNullPrototype: true },
);

/** A status update whose `status.uuid`, if set, is its `uuid`, as the decoder insists. */
const arbStatusUpdate: Arbitrary<StatusUpdate> = fc
  .tuple(
    fc.record(
      {
        framework_id: fid,
        executor_id: arbId<'ExecutorID'>(),
        agent_id: arbId<'AgentID'>(),
        status: arbTaskStatus,
        timestamp: arbDouble,
        uuid: arbUuid,
      },
      { requiredKeys: ['framework_id', 'agent_id', 'status', 'timestamp', 'uuid'], noNullPrototype: true },
    ),
    fc.boolean(),
  )
  .map(([u, copy]) => {
    const { uuid: _, ...status } = u.status;
    return { ...u, status: copy ? { ...status, uuid: u.uuid } : status };
  });

const arbCapabilities = fc.array(
  fc.record(
    { type: fc.constantFrom('MULTI_ROLE' as const, 'HIERARCHICAL_ROLE' as const, 'AGENT_DRAINING' as const) },
    {
      noNullPrototype: true,
    },
  ),
  few,
);
const arbConnection = fc.record(
  { total_ping_timeout_seconds: arbDouble },
  { requiredKeys: [], noNullPrototype: true },
);
const arbReconcileTasks = fc.record(
  { framework_id: fid, statuses: fc.array(arbTaskStatus, { maxLength: 2 }), framework: arbFrameworkInfo },
  { requiredKeys: ['framework_id'], noNullPrototype: true },
);
const arbExecutorAddress = fc.record(
  { agent_id: arbId<'AgentID'>(), framework_id: fid, executor_id: arbId<'ExecutorID'>() },
  { noNullPrototype: true },
);

/** An {@link AgentMessage} of any type. */
export const arbAgentMessage: Arbitrary<AgentMessage> = fc.oneof(
  fc
    .record(
      {
        agent: arbAgentInfo,
        checkpointed_resources: arbResourceList,
        version: arbText,
        agent_capabilities: arbCapabilities,
      },
      { requiredKeys: ['agent'], noNullPrototype: true },
    )
    .map((m): AgentMessage => ({ type: 'REGISTER_AGENT', ...m })),
  fc
    .record(
      {
        agent: arbAgentInfo,
        checkpointed_resources: arbResourceList,
        executor_infos: fc.array(arbExecutorInfo, { maxLength: 2 }),
        tasks: fc.array(arbTask, { maxLength: 2 }),
        frameworks: fc.array(arbFrameworkInfo, { maxLength: 2 }),
        version: arbText,
        agent_capabilities: arbCapabilities,
      },
      { requiredKeys: ['agent'], noNullPrototype: true },
    )
    .map((m): AgentMessage => ({ type: 'REREGISTER_AGENT', ...m })),
  fc
    .record(
      { agent_id: arbId<'AgentID'>(), connection: arbConnection },
      { requiredKeys: ['agent_id'], noNullPrototype: true },
    )
    .map((m): AgentMessage => ({ type: 'AGENT_REGISTERED', ...m })),
  fc
    .record(
      {
        agent_id: arbId<'AgentID'>(),
        reconciliations: fc.array(arbReconcileTasks, { maxLength: 2 }),
        connection: arbConnection,
      },
      { requiredKeys: ['agent_id'], noNullPrototype: true },
    )
    .map((m): AgentMessage => ({ type: 'AGENT_REREGISTERED', ...m })),
  arbId<'AgentID'>().map((agent_id): AgentMessage => ({ type: 'UNREGISTER_AGENT', agent_id })),
  fc.boolean().map((connected): AgentMessage => ({ type: 'PING_AGENT', connected })),
  fc.constant<AgentMessage>({ type: 'PONG_AGENT' }),
  fc
    .record(
      { framework: arbFrameworkInfo, task: arbTaskInfo, launch_executor: fc.boolean() },
      { requiredKeys: ['framework', 'task'], noNullPrototype: true },
    )
    .map((m): AgentMessage => ({ type: 'RUN_TASK', ...m })),
  fc
    .record(
      {
        framework: arbFrameworkInfo,
        executor: arbExecutorInfo,
        task_group: arbTaskGroup,
        launch_executor: fc.boolean(),
      },
      { requiredKeys: ['framework', 'executor', 'task_group'], noNullPrototype: true },
    )
    .map((m): AgentMessage => ({ type: 'RUN_TASK_GROUP', ...m })),
  fc
    .record(
      { framework_id: fid, task_id: arbId<'TaskID'>(), kill_policy: arbKillPolicy },
      { requiredKeys: ['framework_id', 'task_id'], noNullPrototype: true },
    )
    .map((m): AgentMessage => ({ type: 'KILL_TASK', ...m })),
  fc
    .tuple(arbStatusUpdate, fc.option(arbTaskState, { nil: undefined }))
    .map(
      ([update, latest]): AgentMessage =>
        latest === undefined
          ? { type: 'STATUS_UPDATE', update }
          : { type: 'STATUS_UPDATE', update, latest_state: latest },
    ),
  fc
    .record(
      { agent_id: arbId<'AgentID'>(), framework_id: fid, task_id: arbId<'TaskID'>(), uuid: arbUuid },
      {
        noNullPrototype: true,
      },
    )
    .map((m): AgentMessage => ({ type: 'STATUS_UPDATE_ACKNOWLEDGEMENT', ...m })),
  arbReconcileTasks.map((m): AgentMessage => ({ type: 'RECONCILE_TASKS', ...m })),
  fid.map((framework_id): AgentMessage => ({ type: 'SHUTDOWN_FRAMEWORK', framework_id })),
  fc
    .record({ executor_id: arbId<'ExecutorID'>(), framework_id: fid }, { noNullPrototype: true })
    .map((m): AgentMessage => ({ type: 'SHUTDOWN_EXECUTOR', ...m })),
  fc
    .tuple(arbExecutorAddress, arbInt32)
    .map(([a, status]): AgentMessage => ({ type: 'EXITED_EXECUTOR', ...a, status })),
  fc
    .record(
      { framework_id: fid, framework_info: arbFrameworkInfo },
      { requiredKeys: ['framework_id'], noNullPrototype: true },
    )
    .map((m): AgentMessage => ({ type: 'UPDATE_FRAMEWORK', ...m })),
  fc
    .tuple(arbExecutorAddress, arbBytes)
    .map(([a, data]): AgentMessage => ({ type: 'FRAMEWORK_TO_EXECUTOR', ...a, data })),
  fc
    .tuple(arbExecutorAddress, arbBytes)
    .map(([a, data]): AgentMessage => ({ type: 'EXECUTOR_TO_FRAMEWORK', ...a, data })),
  fc
    .record({ message: arbText }, { requiredKeys: [], noNullPrototype: true })
    .map((m): AgentMessage => ({ type: 'SHUTDOWN_AGENT', ...m })),
);
