/**
 * Where processes and containers are on the network, as Mesos describes them
 * (include/mesos/v1/mesos.proto `DomainInfo`, `NetworkInfo`, `ContainerStatus`) and as its
 * master packs an IPv4 address into `MasterInfo.ip`.
 */
import { arrayOf, type Decoder, enumOf, int32, opt, req, str, struct } from './decode-helpers.js';
import { type ContainerID, containerId } from './ids.js';

/** A fault domain (`DomainInfo`): the region and zone a master or agent is in. */
export interface DomainInfo {
  readonly fault_domain?: {
    readonly region: { readonly name: string };
    readonly zone: { readonly name: string };
  };
}

/** Decodes a {@link DomainInfo}. */
export const domainInfo: Decoder<DomainInfo> = struct({
  fault_domain: opt(
    struct({ region: req(struct({ name: req(str) })), zone: req(struct({ name: req(str) })) }),
  ),
});

/** `NetworkInfo.Protocol`. */
export const IP_PROTOCOLS = ['IPv4', 'IPv6'] as const;

/** One address of a container (`NetworkInfo.IPAddress`); `protocol` defaults to IPv4. */
export interface IpAddress {
  readonly protocol?: (typeof IP_PROTOCOLS)[number];
  readonly ip_address?: string;
}

/** A container's network (`NetworkInfo`), as a status reports it. */
export interface NetworkInfo {
  readonly ip_addresses?: readonly IpAddress[];
  readonly name?: string;
}

/** Decodes a {@link NetworkInfo} (its `groups`, `labels` and `port_mappings` are not read). */
export const networkInfo: Decoder<NetworkInfo> = struct({
  ip_addresses: opt(
    arrayOf(struct({ protocol: opt(enumOf(IP_PROTOCOLS, 'IP protocol')), ip_address: opt(str) })),
  ),
  name: opt(str),
});

/**
 * The container a task runs in (`ContainerStatus`), which the agent adds to the updates an
 * executor sends: its id and its addresses (the agent's own, Mesos's default when the container
 * has no network of its own). Not read: `cgroup_info`, `executor_pid`.
 */
export interface ContainerStatus {
  readonly container_id?: ContainerID;
  readonly network_infos?: readonly NetworkInfo[];
  readonly executor_pid?: number;
}

/** Decodes a {@link ContainerStatus}. */
export const containerStatus: Decoder<ContainerStatus> = struct({
  container_id: opt(containerId),
  network_infos: opt(arrayOf(networkInfo)),
  executor_pid: opt(int32),
});

/** The four numbers of a dotted IPv4 address, or undefined if `text` is not one. */
export function ipv4Octets(text: string): readonly [number, number, number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (m === null) return undefined;
  const octets = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  return octets.every((o) => o <= 255) ? octets : undefined;
}

/**
 * `MasterInfo.ip` as Mesos fills it: the `s_addr` of the address (its four bytes in network
 * order) read as a native uint32, on the little-endian machines Mesos runs on — so 127.0.0.1 is
 * 16777343 (0x0100007F), the number Mesos's own clients undo (MESOS-1201). 0 when `text` is no
 * IPv4 address (the simulated world has no addresses).
 */
export function packedIpv4(text: string | undefined): number {
  const o = text === undefined ? undefined : ipv4Octets(text);
  if (o === undefined) return 0;
  return (o[0] + o[1] * 2 ** 8 + o[2] * 2 ** 16 + o[3] * 2 ** 24) >>> 0;
}
