/** Descriptions of a master and of an agent (include/mesos/v1/mesos.proto `MasterInfo`, `AgentInfo`). */
import { type Capability, capabilitiesOf } from './capabilities.js';
import { type Address, address } from './common.js';
import { arrayOf, type Decoder, int32, opt, req, str, struct, uint32 } from './decode-helpers.js';
import { type AgentID, agentId } from './ids.js';
import { type DomainInfo, domainInfo } from './network.js';
import { type Attribute, attribute, type ResourceJson, resourceJsonList } from './resources-json.js';

/** Master capabilities (`MasterInfo.Capability.Type`, without UNKNOWN). */
export const MASTER_CAPABILITIES = ['AGENT_UPDATE', 'AGENT_DRAINING', 'QUOTA_V2'] as const;

/**
 * Describes a master, as sent in SUBSCRIBED. `ip` (a packed IPv4 address in network order, see
 * network.ts `packedIpv4`) and `port` are required by the proto although deprecated in favour of
 * `address`; `domain` is set when the master was given one.
 */
export interface MasterInfo {
  readonly id: string;
  readonly ip: number;
  readonly port: number;
  readonly pid?: string;
  readonly hostname?: string;
  readonly version?: string;
  readonly address?: Address;
  readonly domain?: DomainInfo;
  readonly capabilities?: readonly Capability<(typeof MASTER_CAPABILITIES)[number]>[];
}

/** Decodes a {@link MasterInfo}. */
export const masterInfo: Decoder<MasterInfo> = struct({
  id: req(str),
  ip: req(uint32),
  port: req(uint32),
  pid: opt(str),
  hostname: opt(str),
  version: opt(str),
  address: opt(address),
  domain: opt(domainInfo),
  capabilities: opt(capabilitiesOf(MASTER_CAPABILITIES, 'master capability')),
});

/** Agent capabilities (`AgentInfo.Capability.Type`, without UNKNOWN). */
export const AGENT_CAPABILITIES = [
  'MULTI_ROLE',
  'HIERARCHICAL_ROLE',
  'RESERVATION_REFINEMENT',
  'RESOURCE_PROVIDER',
  'RESIZE_VOLUME',
  'AGENT_OPERATION_FEEDBACK',
  'AGENT_DRAINING',
  'TASK_RESOURCE_LIMITS',
] as const;

/** An agent capability. */
export type AgentCapability = (typeof AGENT_CAPABILITIES)[number];

/** Decodes a list of agent capabilities. */
export const agentCapabilities: Decoder<readonly Capability<AgentCapability>[]> = capabilitiesOf(
  AGENT_CAPABILITIES,
  'agent capability',
);

/**
 * Describes an agent. `id` is set once the master has registered it; `port` defaults to 5051;
 * `resources` are the agent's configured totals; `domain` is set when the agent was given one.
 */
export interface AgentInfo {
  readonly hostname: string;
  readonly port?: number;
  readonly resources?: readonly ResourceJson[];
  readonly attributes?: readonly Attribute[];
  readonly id?: AgentID;
  readonly domain?: DomainInfo;
}

/** Decodes an {@link AgentInfo}. */
export const agentInfo: Decoder<AgentInfo> = struct({
  hostname: req(str),
  port: opt(int32),
  resources: opt(resourceJsonList),
  attributes: opt(arrayOf(attribute)),
  id: opt(agentId),
  domain: opt(domainInfo),
});
