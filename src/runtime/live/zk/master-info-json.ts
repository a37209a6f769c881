/**
 * The MasterInfo a contending master stores in its `json.info_<seq>` znode: Mesos's
 * `MasterInfo` rendered as JSON by its protobuf-to-JSON mapping (field names as in
 * mesos.proto), so a tool that finds a Mesos leader in ZooKeeper reads Agora's the same way:
 * `id`, `ip` (the IPv4 address as a uint32 in network byte order, read as a little-endian
 * number, MESOS-1201), `port`, `pid` (`master@ip:port`), `hostname`, `version` and `address`
 * (`hostname`, `ip` as text, `port`).
 */
import { isIPv4 } from 'node:net';
import { type MasterInfo, masterInfo } from '../../../core/messages/cluster-info.js';
import { formatDecodeError } from '../../../core/messages/decode-helpers.js';

/** The Mesos release whose API Agora speaks (what `version` says). */
export const MESOS_API_VERSION = '1.11.0';

/** Mesos's `MasterInfo.ip`: the address's four bytes in network order, read as a little-endian uint32. */
export function networkOrderIp(ip: string): number {
  if (!isIPv4(ip)) return 0;
  const [a = 0, b = 0, c = 0, d = 0] = ip.split('.').map(Number);
  return (((d << 24) >>> 0) + (c << 16) + (b << 8) + a) >>> 0;
}

/** The MasterInfo of a master with `id` serving on `ip:port`. */
export function contenderInfo(id: string, ip: string, port: number, hostname = ip): MasterInfo {
  return {
    id,
    ip: networkOrderIp(ip),
    port,
    pid: `master@${ip}:${port}`,
    hostname,
    version: MESOS_API_VERSION,
    address: { hostname, ip, port },
  };
}

/** Reads a znode's MasterInfo JSON; a string says why it cannot. */
export function readMasterInfo(data: Buffer | undefined): MasterInfo | string {
  if (data === undefined || data.length === 0) return 'the znode is empty';
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch (e) {
    return `not JSON: ${(e as Error).message}`;
  }
  const decoded = masterInfo(json, '');
  return decoded.ok ? decoded.value : formatDecodeError(decoded.error);
}

/** `host:port` of the master a MasterInfo describes (its address, else hostname, else ip). */
export function masterHostPort(info: MasterInfo): string {
  const host = info.address?.hostname ?? info.hostname ?? info.address?.ip ?? '127.0.0.1';
  return `${host.includes(':') ? `[${host}]` : host}:${info.port}`;
}
