/** The roles a framework subscribes to (Mesos `protobuf::framework::getRoles`). */
import type { FrameworkInfo } from '../core/messages/framework-info.js';

/** `roles` for a MULTI_ROLE framework, else `[role]` (default `*`). */
export function frameworkRoles(info: FrameworkInfo): string[] {
  if (info.capabilities?.some((c) => c.type === 'MULTI_ROLE') === true) return [...(info.roles ?? [])];
  return [info.role ?? '*'];
}

/** Whether the framework has the PARTITION_AWARE capability. */
export function isPartitionAware(info: FrameworkInfo): boolean {
  return info.capabilities?.some((c) => c.type === 'PARTITION_AWARE') === true;
}
