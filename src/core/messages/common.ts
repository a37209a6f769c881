/**
 * Small messages shared by the scheduler, executor and agent vocabularies
 * (include/mesos/v1/mesos.proto): labels, durations and times, kill policies, addresses, URLs,
 * offer filters and unavailability windows.
 */
import { arrayOf, type Decoder, double, int32, int64, opt, req, str, struct } from './decode-helpers.js';

/** A free-form key/value pair (`Label`); Mesos never interprets labels. */
export interface Label {
  readonly key: string;
  readonly value?: string;
}

/** A collection of labels (`Labels`). */
export interface Labels {
  readonly labels?: readonly Label[];
}

/** Decodes {@link Labels}. */
export const labels: Decoder<Labels> = struct({
  labels: opt(arrayOf(struct({ key: req(str), value: opt(str) }))),
});

/** A generic key/value pair (`Parameter`), e.g. a URL query parameter. */
export interface Parameter {
  readonly key: string;
  readonly value: string;
}

/** Decodes a {@link Parameter}. */
export const parameter: Decoder<Parameter> = struct({ key: req(str), value: req(str) });

/** A duration (`DurationInfo`) in nanoseconds. */
export interface DurationInfo {
  readonly nanoseconds: number;
}

/** A point in time (`TimeInfo`), in nanoseconds since the epoch. */
export interface TimeInfo {
  readonly nanoseconds: number;
}

/** Decodes a {@link DurationInfo}. */
export const durationInfo: Decoder<DurationInfo> = struct({ nanoseconds: req(int64) });
/** Decodes a {@link TimeInfo}. */
export const timeInfo: Decoder<TimeInfo> = struct({ nanoseconds: req(int64) });

/** How long to wait between a graceful and a forcible kill (`KillPolicy`). */
export interface KillPolicy {
  readonly grace_period?: DurationInfo;
}

/** Decodes a {@link KillPolicy}. */
export const killPolicy: Decoder<KillPolicy> = struct({ grace_period: opt(durationInfo) });

/** A network address (`Address`): a hostname and/or an IP, and a port. */
export interface Address {
  readonly hostname?: string;
  readonly ip?: string;
  readonly port: number;
}

/** Decodes an {@link Address}. */
export const address: Decoder<Address> = struct({ hostname: opt(str), ip: opt(str), port: req(int32) });

/** A URL (`URL`), e.g. the agent's in an offer: `{scheme: "http", address, path: "/slave(1)"}`. */
export interface Url {
  readonly scheme: string;
  readonly address: Address;
  readonly path?: string;
  readonly query?: readonly Parameter[];
  readonly fragment?: string;
}

/** Decodes a {@link Url}. */
export const url: Decoder<Url> = struct({
  scheme: req(str),
  address: req(address),
  path: opt(str),
  query: opt(arrayOf(parameter)),
  fragment: opt(str),
});

/**
 * Offer filters sent with ACCEPT and DECLINE (`Filters`). When absent, or when
 * `refuse_seconds` is absent or negative, Mesos refuses the unused resources for the default
 * 5 seconds; values over 31536000 (365 days) are capped to it (include/mesos/v1/mesos.proto
 * `Filters`, src/master/master.cpp `accept`). Applying that is the master's job.
 */
export interface Filters {
  readonly refuse_seconds?: number;
}

/** Decodes {@link Filters}. */
export const filters: Decoder<Filters> = struct({ refuse_seconds: opt(double) });

/** A planned unavailability window (`Unavailability`); no `duration` means forever. */
export interface Unavailability {
  readonly start: TimeInfo;
  readonly duration?: DurationInfo;
}

/** Decodes an {@link Unavailability}. */
export const unavailability: Decoder<Unavailability> = struct({
  start: req(timeInfo),
  duration: opt(durationInfo),
});
