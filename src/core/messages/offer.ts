/**
 * Offers, inverse offers and the operations a framework performs on offers
 * (include/mesos/v1/mesos.proto `Offer`, `Offer.Operation`, `InverseOffer`).
 */
import { type Unavailability, type Url, unavailability, url } from './common.js';
import { arrayOf, type Decoder, literal, opt, req, str, struct, unionOf } from './decode-helpers.js';
import {
  type AgentID,
  agentId,
  type ExecutorID,
  executorId,
  type FrameworkID,
  frameworkId,
  type OfferID,
  type OperationID,
  offerId,
  operationId,
} from './ids.js';
import { type DomainInfo, domainInfo } from './network.js';
import {
  type AllocationInfo,
  type Attribute,
  attribute,
  type ResourceJson,
  resourceJsonList,
} from './resources-json.js';
import {
  type ExecutorInfo,
  executorInfo,
  type TaskGroupInfo,
  type TaskInfo,
  taskGroupInfo,
  taskInfo,
} from './task-info.js';

/**
 * Resources on one agent offered to one of the framework's roles (`allocation_info.role`, which
 * every resource's `allocation_info` repeats). The master also sets `url` to reach the agent,
 * and `domain` when the agent has one.
 */
export interface Offer {
  readonly id: OfferID;
  readonly framework_id: FrameworkID;
  readonly agent_id: AgentID;
  readonly hostname: string;
  readonly url?: Url;
  readonly resources?: readonly ResourceJson[];
  readonly attributes?: readonly Attribute[];
  /** Executors of this framework already running on the agent. */
  readonly executor_ids?: readonly ExecutorID[];
  readonly unavailability?: Unavailability;
  readonly allocation_info?: AllocationInfo;
  readonly domain?: DomainInfo;
}

/** Decodes an {@link Offer}. */
export const offer: Decoder<Offer> = struct({
  id: req(offerId),
  framework_id: req(frameworkId),
  agent_id: req(agentId),
  hostname: req(str),
  url: opt(url),
  resources: opt(resourceJsonList),
  attributes: opt(arrayOf(attribute)),
  executor_ids: opt(arrayOf(executorId)),
  unavailability: opt(unavailability),
  allocation_info: opt(struct({ role: opt(str) })),
  domain: opt(domainInfo),
});

/** A request to give back resources, for maintenance (`InverseOffer`). */
export interface InverseOffer {
  readonly id: OfferID;
  readonly url?: Url;
  readonly framework_id: FrameworkID;
  readonly agent_id?: AgentID;
  readonly unavailability: Unavailability;
  readonly resources?: readonly ResourceJson[];
}

/** Decodes an {@link InverseOffer}. */
export const inverseOffer: Decoder<InverseOffer> = struct({
  id: req(offerId),
  url: opt(url),
  framework_id: req(frameworkId),
  agent_id: opt(agentId),
  unavailability: req(unavailability),
  resources: opt(resourceJsonList),
});

/**
 * An operation on accepted offers (`Offer.Operation`), performed in order. Operations are a union
 * on `type`, and unlike in Mesos the body for the type is required (Mesos would read a LAUNCH
 * without `launch` as launching nothing). `id` asks for UPDATE_OPERATION_STATUS feedback.
 * Supported types: LAUNCH, LAUNCH_GROUP, RESERVE, UNRESERVE, CREATE, DESTROY. The experimental
 * GROW_VOLUME, SHRINK_VOLUME, CREATE_DISK and DESTROY_DISK are rejected as unknown, where Mesos
 * would accept the call and then drop the operation.
 */
export type OfferOperation =
  | {
      readonly type: 'LAUNCH';
      readonly id?: OperationID;
      readonly launch: { readonly task_infos?: readonly TaskInfo[] };
    }
  | {
      readonly type: 'LAUNCH_GROUP';
      readonly id?: OperationID;
      readonly launch_group: { readonly executor: ExecutorInfo; readonly task_group: TaskGroupInfo };
    }
  | {
      readonly type: 'RESERVE';
      readonly id?: OperationID;
      readonly reserve: {
        readonly source?: readonly ResourceJson[];
        readonly resources?: readonly ResourceJson[];
      };
    }
  | {
      readonly type: 'UNRESERVE';
      readonly id?: OperationID;
      readonly unreserve: { readonly resources?: readonly ResourceJson[] };
    }
  | {
      readonly type: 'CREATE';
      readonly id?: OperationID;
      readonly create: { readonly volumes?: readonly ResourceJson[] };
    }
  | {
      readonly type: 'DESTROY';
      readonly id?: OperationID;
      readonly destroy: { readonly volumes?: readonly ResourceJson[] };
    };

/** The type of an {@link OfferOperation}. */
export type OfferOperationType = OfferOperation['type'];

/** Decodes an {@link OfferOperation}. */
export const offerOperation: Decoder<OfferOperation> = unionOf<OfferOperation>('operation', {
  LAUNCH: struct({
    type: req(literal('LAUNCH')),
    id: opt(operationId),
    launch: req(struct({ task_infos: opt(arrayOf(taskInfo)) })),
  }),
  LAUNCH_GROUP: struct({
    type: req(literal('LAUNCH_GROUP')),
    id: opt(operationId),
    launch_group: req(struct({ executor: req(executorInfo), task_group: req(taskGroupInfo) })),
  }),
  RESERVE: struct({
    type: req(literal('RESERVE')),
    id: opt(operationId),
    reserve: req(struct({ source: opt(resourceJsonList), resources: opt(resourceJsonList) })),
  }),
  UNRESERVE: struct({
    type: req(literal('UNRESERVE')),
    id: opt(operationId),
    unreserve: req(struct({ resources: opt(resourceJsonList) })),
  }),
  CREATE: struct({
    type: req(literal('CREATE')),
    id: opt(operationId),
    create: req(struct({ volumes: opt(resourceJsonList) })),
  }),
  DESTROY: struct({
    type: req(literal('DESTROY')),
    id: opt(operationId),
    destroy: req(struct({ volumes: opt(resourceJsonList) })),
  }),
});
