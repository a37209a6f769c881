/**
 * The fields Mesos's master always sets on each scheduler event it sends, written from Mesos's
 * protos and the code that fills them (include/mesos/v1/scheduler/scheduler.proto `Event`,
 * include/mesos/v1/mesos.proto `MasterInfo`, `Offer`, `URL`, `Address`, `TaskStatus`,
 * `ContainerStatus`; src/master/master.cpp `Master::offer`, `_subscribe`, `failoverFramework`,
 * `removeExecutor`, `removeSlave`; src/common/protobuf_utils.cpp `createMasterInfo`,
 * `createStatusUpdate`; src/slave/slave.cpp `_statusUpdate`), and a checker that lists the ones
 * an event lacks. A field set only in some cases carries that case (`when`); a field Mesos
 * always sets that Agora leaves out on purpose is listed in {@link AGORA_EXEMPTIONS} with why.
 *
 * Paths are JSON paths of the event as the v1 API sends it; `[]` means "every element of this
 * array, which must not be empty".
 */

/** What the run that produced the events knows about the cluster (fields set "when set"). */
export interface EventContext {
  /** The master was given a fault domain (`--domain`). */
  readonly masterHasDomain: boolean;
  /** Every agent has attributes / a fault domain. */
  readonly agentsHaveAttributes: boolean;
  readonly agentsHaveDomain: boolean;
}

/** One field Mesos sets. */
export interface FieldRule {
  readonly path: string;
  /** Only when this holds of the event (and the context); always otherwise. */
  readonly when?: (event: Json, context: EventContext) => boolean;
  /** Where Mesos sets it. */
  readonly source: string;
}

type Json = Record<string, unknown>;

const statusSource = (e: Json): unknown => get(e, 'update.status.source');
const fromExecutor = (e: Json) => statusSource(e) === 'SOURCE_EXECUTOR';
const fromMaster = (e: Json) => statusSource(e) === 'SOURCE_MASTER';
const notFromMaster = (e: Json) => !fromMaster(e);

/** Per event type, the fields Mesos's master sets. */
export const MESOS_EVENT_FIELDS: Readonly<Record<string, readonly FieldRule[]>> = {
  SUBSCRIBED: [
    { path: 'subscribed.framework_id.value', source: 'scheduler.proto Subscribed.framework_id (required)' },
    {
      path: 'subscribed.heartbeat_interval_seconds',
      source: 'master.cpp: HTTP frameworks are told DEFAULT_HEARTBEAT_INTERVAL',
    },
    { path: 'subscribed.master_info.id', source: 'MasterInfo.id (required)' },
    { path: 'subscribed.master_info.ip', source: 'MasterInfo.ip (required; createMasterInfo packs s_addr)' },
    { path: 'subscribed.master_info.port', source: 'MasterInfo.port (required)' },
    { path: 'subscribed.master_info.pid', source: 'createMasterInfo: set_pid' },
    { path: 'subscribed.master_info.hostname', source: 'createMasterInfo: hostname of the IP' },
    { path: 'subscribed.master_info.version', source: 'Master::initialize: MESOS_VERSION' },
    { path: 'subscribed.master_info.address.hostname', source: 'createMasterInfo: address.hostname' },
    { path: 'subscribed.master_info.address.ip', source: 'createMasterInfo: address.ip' },
    { path: 'subscribed.master_info.address.port', source: 'createMasterInfo: address.port' },
    {
      path: 'subscribed.master_info.domain.fault_domain.region.name',
      when: (_e, c) => c.masterHasDomain,
      source: 'Master::initialize: --domain',
    },
  ],
  OFFERS: [
    { path: 'offers.offers[].id.value', source: 'Offer.id (required)' },
    { path: 'offers.offers[].framework_id.value', source: 'Offer.framework_id (required)' },
    { path: 'offers.offers[].agent_id.value', source: 'Offer.agent_id (required)' },
    { path: 'offers.offers[].hostname', source: 'Offer.hostname (required)' },
    { path: 'offers.offers[].url.scheme', source: 'Master::offer: url.scheme "http"' },
    { path: 'offers.offers[].url.address.hostname', source: 'Master::offer: the agent hostname' },
    { path: 'offers.offers[].url.address.ip', source: "Master::offer: the agent pid's IP" },
    { path: 'offers.offers[].url.address.port', source: "Master::offer: the agent pid's port" },
    { path: 'offers.offers[].url.path', source: 'Master::offer: "/" + pid.id' },
    { path: 'offers.offers[].resources[].name', source: 'Master::offer: the offered resources' },
    { path: 'offers.offers[].resources[].type', source: 'Resource.type (required)' },
    {
      path: 'offers.offers[].resources[].allocation_info.role',
      source: 'allocator: allocation_info on each',
    },
    { path: 'offers.offers[].allocation_info.role', source: 'Master::offer: allocation_info.role' },
    {
      path: 'offers.offers[].attributes[].name',
      when: (_e, c) => c.agentsHaveAttributes,
      source: "Master::offer: the agent's attributes",
    },
    {
      path: 'offers.offers[].domain.fault_domain.zone.name',
      when: (_e, c) => c.agentsHaveDomain,
      source: "Master::offer: the agent's domain, when it has one",
    },
  ],
  RESCIND: [{ path: 'rescind.offer_id.value', source: 'Rescind.offer_id (required)' }],
  UPDATE: [
    { path: 'update.status.task_id.value', source: 'TaskStatus.task_id (required)' },
    { path: 'update.status.state', source: 'TaskStatus.state (required)' },
    { path: 'update.status.source', source: 'createStatusUpdate / the agent: set on every status' },
    { path: 'update.status.timestamp', source: 'createStatusUpdate: the time it was made' },
    {
      path: 'update.status.agent_id.value',
      when: notFromMaster,
      source: 'the agent sets its id on every status it sends',
    },
    {
      path: 'update.status.uuid',
      when: notFromMaster,
      source: 'createStatusUpdate: a uuid on every update needing acknowledgement',
    },
    {
      path: 'update.status.executor_id.value',
      when: fromExecutor,
      source: 'the executor library: its executor id',
    },
    {
      path: 'update.status.container_status.container_id.value',
      when: fromExecutor,
      source: "slave.cpp _statusUpdate: the container's status",
    },
    {
      path: 'update.status.container_status.network_infos[].ip_addresses[].ip_address',
      when: fromExecutor,
      source: "slave.cpp _statusUpdate: the agent's IP when the container has no network",
    },
    {
      path: 'update.status.reason',
      when: (e) => statusSource(e) !== 'SOURCE_EXECUTOR',
      source: 'master- and agent-made statuses always say why (createStatusUpdate reason)',
    },
    {
      path: 'update.status.message',
      when: fromMaster,
      source: 'master-made statuses always carry a message',
    },
  ],
  UPDATE_OPERATION_STATUS: [
    {
      path: 'update_operation_status.status.operation_id.value',
      source: 'sent only for operations with an id',
    },
    { path: 'update_operation_status.status.state', source: 'OperationStatus.state (required)' },
  ],
  MESSAGE: [
    { path: 'message.agent_id.value', source: 'Message.agent_id (required)' },
    { path: 'message.executor_id.value', source: 'Message.executor_id (required)' },
    { path: 'message.data', source: 'Message.data (required)' },
  ],
  FAILURE: [
    { path: 'failure.agent_id.value', source: 'removeSlave / removeExecutor: the agent' },
    {
      path: 'failure.status',
      when: (e) => get(e, 'failure.executor_id') !== undefined,
      source: "removeExecutor / exitedExecutor: the executor's wait status",
    },
  ],
  ERROR: [{ path: 'error.message', source: 'Error.message (required)' }],
  INVERSE_OFFERS: [
    { path: 'inverse_offers.inverse_offers[].id.value', source: 'InverseOffer.id (required)' },
    { path: 'inverse_offers.inverse_offers[].framework_id.value', source: 'InverseOffer.framework_id' },
    { path: 'inverse_offers.inverse_offers[].unavailability.start.nanoseconds', source: 'InverseOffer' },
  ],
  RESCIND_INVERSE_OFFER: [
    { path: 'rescind_inverse_offer.inverse_offer_id.value', source: 'RescindInverseOffer (required)' },
  ],
  HEARTBEAT: [],
};

/**
 * Fields Mesos always sets that Agora leaves out on purpose, with why. The checker does not ask
 * for them; the conformance test prints them.
 */
export const AGORA_EXEMPTIONS: Readonly<Record<string, string>> = {
  'subscribed.master_info.capabilities':
    "Mesos 1.11 announces AGENT_UPDATE, AGENT_DRAINING and QUOTA_V2; Agora's master implements none of them, and a client that saw them would use them",
  'update.status.container_status.executor_pid':
    "Mesos's containerizer reports the executor's pid; Agora's agent logic is sans-IO and does not learn it",
};

/** The value at a dotted path (no `[]`), or undefined. */
function get(json: unknown, path: string): unknown {
  let at: unknown = json;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Json)[key];
  }
  return at;
}

/** The concrete paths of `path` in `json` that are missing (an empty or absent `[]` array counts). */
function missingAt(json: unknown, path: string, prefix: string): string[] {
  const i = path.indexOf('[]');
  if (i < 0) {
    const value = get(json, path);
    return value === undefined || value === null || value === '' ? [prefix + path] : [];
  }
  const arrayPath = path.slice(0, i);
  const rest = path.slice(i + 3);
  const array = get(json, arrayPath);
  if (!Array.isArray(array) || array.length === 0) return [`${prefix}${arrayPath}[]`];
  return array.flatMap((element, n) => missingAt(element, rest, `${prefix}${arrayPath}[${n}].`));
}

/**
 * The fields Mesos would have set on `event` that it lacks, as concrete paths
 * (`offers.offers[0].url.address.ip`); an event type Mesos does not send is reported too.
 */
export function missingFields(event: Json, context: EventContext): string[] {
  const type = event.type;
  const rules = typeof type === 'string' ? MESOS_EVENT_FIELDS[type] : undefined;
  if (rules === undefined) return [`type: ${String(type)} is not an event Mesos sends`];
  return rules
    .filter((rule) => rule.when === undefined || rule.when(event, context))
    .flatMap((rule) => missingAt(event, rule.path, ''));
}
