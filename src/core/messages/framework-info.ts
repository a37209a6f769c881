/** A framework's description (include/mesos/v1/mesos.proto `FrameworkInfo`). */
import { type Capability, capabilitiesOf } from './capabilities.js';
import { type Labels, labels } from './common.js';
import { arrayOf, bool, type Decoder, double, opt, req, str, struct } from './decode-helpers.js';
import { type FrameworkID, frameworkInfoId } from './ids.js';

/** Framework capabilities (`FrameworkInfo.Capability.Type`, without UNKNOWN). */
export const FRAMEWORK_CAPABILITIES = [
  'REVOCABLE_RESOURCES',
  'TASK_KILLING_STATE',
  'GPU_RESOURCES',
  'SHARED_RESOURCES',
  'PARTITION_AWARE',
  'MULTI_ROLE',
  'RESERVATION_REFINEMENT',
  'REGION_AWARE',
] as const;

/** A framework capability. */
export type FrameworkCapability = (typeof FRAMEWORK_CAPABILITIES)[number];

/**
 * Describes a framework. Defaults applied by Mesos when a field is absent: `failover_timeout` 0
 * (the framework is removed as soon as it disconnects), `checkpoint` false, `role` `*`.
 * `roles` requires the MULTI_ROLE capability and replaces the deprecated `role`.
 * Not modelled (ignored when received): `offer_filters`.
 */
export interface FrameworkInfo {
  readonly user: string;
  readonly name: string;
  /** Unset on first subscription; the master assigns it. Set it to resubscribe. */
  readonly id?: FrameworkID;
  readonly failover_timeout?: number;
  readonly checkpoint?: boolean;
  /** Deprecated in favour of `roles`. */
  readonly role?: string;
  readonly roles?: readonly string[];
  readonly hostname?: string;
  readonly principal?: string;
  readonly webui_url?: string;
  readonly capabilities?: readonly Capability<FrameworkCapability>[];
  readonly labels?: Labels;
}

/** Decodes a {@link FrameworkInfo}. */
export const frameworkInfo: Decoder<FrameworkInfo> = struct({
  user: req(str),
  name: req(str),
  id: opt(frameworkInfoId),
  failover_timeout: opt(double),
  checkpoint: opt(bool),
  role: opt(str),
  roles: opt(arrayOf(str)),
  hostname: opt(str),
  principal: opt(str),
  webui_url: opt(str),
  capabilities: opt(capabilitiesOf(FRAMEWORK_CAPABILITIES, 'framework capability')),
  labels: opt(labels),
});
