/**
 * Resources and attributes as Mesos writes them in JSON (include/mesos/v1/mesos.proto `Value`,
 * `Resource`, `Attribute`), and the conversion between a list of such resources and our
 * {@link Resources} bag:
 *
 *     {"name": "cpus",  "type": "SCALAR", "scalar": {"value": 2}, "role": "*"}
 *     {"name": "ports", "type": "RANGES", "ranges": {"range": [{"begin": 31000, "end": 32000}]}}
 *     {"name": "bugs",  "type": "SET",    "set": {"item": ["a", "b"]}}
 *
 * Decoding a message only checks the protobuf structure: a LAUNCH whose task asks for `-1` cpus
 * is a well-formed call that the master answers with TASK_ERROR, not with HTTP 400. The semantic
 * checks (Mesos `Resources::validate`, plus our model's rules) happen in {@link resourcesFromJson}
 * and {@link resourcesFromList}, which the master runs when it validates an operation.
 *
 * Dynamic reservations (`reservation`, `reservations`) and persistent volumes (`disk.persistence`
 * with `disk.volume`) are modelled (core/resource-detail.ts). Not modelled, and so ignored like
 * unknown fields: `disk.source` (mount/block disks), `revocable`, `shared` and `provider_id`.
 * Agora offers none of these.
 */

import { formatMilli, fromMilli, toMilli } from '../fixed-point.js';
import { coalesce, type Range } from '../ranges.js';
import {
  type PersistentVolume,
  type Reservation,
  reservationsOf,
  resourceDetail,
} from '../resource-detail.js';
import { RESOURCE_NAME_PATTERN } from '../resource-text.js';
import { type Resource, Resources, type ResourceValue } from '../resources.js';
import { err, ok, type Result } from '../result.js';
import { roleProblem, UNRESERVED_ROLE } from '../roles.js';
import { labels as decodeLabels, type Labels } from './common.js';
import {
  arrayOf,
  type Decoded,
  type DecodeError,
  type Decoder,
  double,
  enumOf,
  failure,
  fieldPath,
  indexPath,
  isAbsent,
  opt,
  optEnum,
  req,
  str,
  struct,
  uint64,
} from './decode-helpers.js';
import { DECODE_LIMITS } from './limits.js';

/** A scalar value (`Value.Scalar`); Mesos keeps three decimal digits. */
export interface ValueScalar {
  readonly value: number;
}

/** An inclusive range of integers (`Value.Range`). */
export interface ValueRange {
  readonly begin: number;
  readonly end: number;
}

/** A list of ranges (`Value.Ranges`). */
export interface ValueRanges {
  readonly range?: readonly ValueRange[];
}

/** A set of strings (`Value.Set`). */
export interface ValueSet {
  readonly item?: readonly string[];
}

/** Free text (`Value.Text`); attributes only. */
export interface ValueText {
  readonly value: string;
}

/** The kinds of resource value (`Value.Type` without TEXT, which only attributes may use). */
export const RESOURCE_VALUE_TYPES = ['SCALAR', 'RANGES', 'SET'] as const;
/** The kind of a resource's value. */
export type ResourceValueType = (typeof RESOURCE_VALUE_TYPES)[number];

/** Every `Value.Type`, as attributes use them. */
export const ATTRIBUTE_VALUE_TYPES = ['SCALAR', 'RANGES', 'SET', 'TEXT'] as const;
/** The kind of an attribute's value. */
export type AttributeValueType = (typeof ATTRIBUTE_VALUE_TYPES)[number];

/** The role a resource is allocated to (`Resource.AllocationInfo`), set on offered resources. */
export interface AllocationInfo {
  readonly role?: string;
}

/** Kinds of reservation (`Resource.ReservationInfo.Type`, without UNKNOWN). */
export const RESERVATION_TYPES = ['STATIC', 'DYNAMIC'] as const;

/** One reservation (`Resource.ReservationInfo`); `reservations` stacks refinements of it. */
export interface ReservationInfo {
  readonly type?: (typeof RESERVATION_TYPES)[number];
  readonly role?: string;
  readonly principal?: string;
  readonly labels?: Labels;
}

/** Volume access modes (`Volume.Mode`). */
export const VOLUME_MODES = ['RW', 'RO'] as const;

/** A disk resource's extra information (`Resource.DiskInfo`): a persistent volume, here. */
export interface DiskInfo {
  readonly persistence?: { readonly id: string; readonly principal?: string };
  readonly volume?: {
    readonly container_path: string;
    readonly mode?: (typeof VOLUME_MODES)[number];
    readonly host_path?: string;
  };
  /** A mount or block disk (`DiskInfo.Source`); decoded so that its presence can be refused. */
  readonly source?: { readonly type?: string };
}

/**
 * A resource as Mesos writes it (`Resource`). Reservations come in two formats: the old one sets
 * `role` (default `*`) and, for dynamic reservations, `reservation`; frameworks with the
 * RESERVATION_REFINEMENT capability get `reservations` instead, a stack whose last entry is the
 * current reservation (empty = unreserved).
 */
export interface ResourceJson {
  readonly name: string;
  readonly type: ResourceValueType;
  readonly scalar?: ValueScalar;
  readonly ranges?: ValueRanges;
  readonly set?: ValueSet;
  readonly role?: string;
  readonly allocation_info?: AllocationInfo;
  readonly reservation?: ReservationInfo;
  readonly reservations?: readonly ReservationInfo[];
  readonly disk?: DiskInfo;
}

/** A machine attribute (`Attribute`), e.g. `{"name":"os","type":"TEXT","text":{"value":"ubuntu"}}`. */
export interface Attribute {
  readonly name: string;
  readonly type: AttributeValueType;
  readonly scalar?: ValueScalar;
  readonly ranges?: ValueRanges;
  readonly set?: ValueSet;
  readonly text?: ValueText;
}

/** Decodes a {@link ValueScalar}. */
export const valueScalar: Decoder<ValueScalar> = struct({ value: req(double) });
/** Decodes {@link ValueRanges}. */
export const valueRanges: Decoder<ValueRanges> = struct({
  range: opt(arrayOf(struct({ begin: req(uint64), end: req(uint64) }))),
});
/** Decodes a {@link ValueSet}. */
export const valueSet: Decoder<ValueSet> = struct({ item: opt(arrayOf(str)) });

const reservationInfo: Decoder<ReservationInfo> = struct({
  type: optEnum(RESERVATION_TYPES, 'reservation type'),
  role: opt(str),
  principal: opt(str),
  labels: opt(decodeLabels),
});

/** Decodes the structure of a {@link ResourceJson} (see the module comment for what is not checked). */
export const resourceJson: Decoder<ResourceJson> = struct({
  name: req(str),
  type: req(enumOf(RESOURCE_VALUE_TYPES, 'resource value type')),
  scalar: opt(valueScalar),
  ranges: opt(valueRanges),
  set: opt(valueSet),
  role: opt(str),
  allocation_info: opt(struct({ role: opt(str) })),
  reservation: opt(reservationInfo),
  reservations: opt(arrayOf(reservationInfo)),
  disk: opt(
    struct({
      persistence: opt(struct({ id: req(str), principal: opt(str) })),
      volume: opt(
        struct({
          container_path: req(str),
          mode: optEnum(VOLUME_MODES, 'volume mode'),
          host_path: opt(str),
        }),
      ),
      source: opt(struct({ type: opt(str) })),
    }),
  ),
});

/** Decodes a list of {@link ResourceJson} (structure only). */
export const resourceJsonList: Decoder<readonly ResourceJson[]> = arrayOf(resourceJson);

/** Decodes an {@link Attribute}. */
export const attribute: Decoder<Attribute> = struct({
  name: req(str),
  type: req(enumOf(ATTRIBUTE_VALUE_TYPES, 'attribute value type')),
  scalar: opt(valueScalar),
  ranges: opt(valueRanges),
  set: opt(valueSet),
  text: opt(struct({ value: req(str) })),
});

// ---------------------------------------------------------------------------------------------
// Conversion to and from our resource model

/** Options of {@link resourcesToJson}. */
export interface ResourcesToJsonOptions {
  /** Sets `allocation_info.role` on every resource, as the master does for offered resources. */
  readonly allocationRole?: string;
}

/**
 * Writes `r` as Mesos JSON resources, in `r`'s canonical order. Reservations use the
 * pre-refinement format (`role`, `*` for unreserved), which every framework understands; scalars
 * are written from their milli-units (`1500` → `1.5`).
 */
export function resourcesToJson(r: Resources, options: ResourcesToJsonOptions = {}): ResourceJson[] {
  const allocation = options.allocationRole;
  return r.entries.map((e) => {
    const json: ResourceJson = { name: e.name, ...valueToJson(e.value), role: e.role, ...detailToJson(e) };
    return allocation === undefined ? json : { ...json, allocation_info: { role: allocation } };
  });
}

/**
 * The reservation and volume fields of a resource with a detail, in both of Mesos's formats:
 * `reservation` (the pre-refinement format, beside `role`) and the `reservations` stack (for
 * frameworks with RESERVATION_REFINEMENT), and `disk` for a volume. Nothing for the others.
 */
function detailToJson(e: Resource): Pick<ResourceJson, 'reservation' | 'reservations' | 'disk'> {
  const detail = e.detail;
  if (detail === undefined) return {};
  const stack = detail.reservations.map(reservationToJson);
  const top = detail.reservations.at(-1);
  const volume = detail.volume;
  return {
    ...(top?.type === 'DYNAMIC'
      ? {
          reservation: {
            ...(top.principal === undefined ? {} : { principal: top.principal }),
            ...(top.labels === undefined ? {} : { labels: { labels: top.labels } }),
          },
        }
      : {}),
    ...(stack.length === 0 ? {} : { reservations: stack }),
    ...(volume === undefined
      ? {}
      : {
          disk: {
            persistence: {
              id: volume.id,
              ...(volume.principal === undefined ? {} : { principal: volume.principal }),
            },
            volume: { container_path: volume.containerPath, mode: volume.mode },
          },
        }),
  };
}

function reservationToJson(r: Reservation): ReservationInfo {
  return {
    type: r.type,
    role: r.role,
    ...(r.principal === undefined ? {} : { principal: r.principal }),
    ...(r.labels === undefined ? {} : { labels: { labels: r.labels } }),
  };
}

function valueToJson(v: ResourceValue): Pick<ResourceJson, 'type' | 'scalar' | 'ranges' | 'set'> {
  switch (v.kind) {
    case 'scalar':
      return { type: 'SCALAR', scalar: { value: fromMilli(v.milli) } };
    case 'ranges':
      return { type: 'RANGES', ranges: { range: v.ranges.map(([begin, end]) => ({ begin, end })) } };
    case 'set':
      return { type: 'SET', set: { item: [...v.items] } };
  }
}

/**
 * Decodes and validates a JSON list of resources into a {@link Resources} bag; see
 * {@link resourcesFromList} for the rules. `path` is where the list sits, for error paths.
 */
export function resourcesFromJson(json: unknown, path: string): Result<Resources, DecodeError> {
  if (!Array.isArray(json)) return failure(path, 'expected array');
  if (json.length > DECODE_LIMITS.maxArrayLength) {
    return failure(path, `more than ${DECODE_LIMITS.maxArrayLength} items`);
  }
  const entries: Resource[] = [];
  for (let i = 0; i < json.length; i++) {
    const raw: unknown = json[i];
    if (isAbsent(raw)) continue;
    const at = indexPath(path, i);
    const decoded = resourceJson(raw, at);
    if (!decoded.ok) return decoded;
    const entry = resourceFromJson(decoded.value, at);
    if (!entry.ok) return entry;
    entries.push(entry.value);
  }
  return ok(Resources.of(entries));
}

/**
 * Validates already-decoded Mesos resources (e.g. a `TaskInfo.resources`) and adds them up into a
 * {@link Resources} bag. Rules, after Mesos `Resources::validate` (src/common/resources.cpp) and
 * the master's `validateGpus`, plus those of our model:
 * - the name is non-empty and well-formed; `cpus`, `gpus`, `mem`, `disk` are SCALAR and `ports`
 *   RANGES, as in the text syntax;
 * - exactly the value field matching `type` is set;
 * - scalars are finite and non-negative, rounded to thousandths as Mesos does; `gpus` are whole;
 * - ranges have `begin <= end` (they are then coalesced);
 * - the role is the last of `reservations` when that is non-empty (each refining the one before:
 *   `eng` then `eng/web`), otherwise `role`, otherwise `*`; it must be a valid role, and nobody
 *   may reserve for `*`;
 * - `allocation_info` is allocation bookkeeping, not part of the resource, and is ignored.
 */
export function resourcesFromList(
  list: readonly ResourceJson[],
  path: string,
): Result<Resources, DecodeError> {
  const entries: Resource[] = [];
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    if (r === undefined) continue;
    const entry = resourceFromJson(r, indexPath(path, i));
    if (!entry.ok) return entry;
    entries.push(entry.value);
  }
  return ok(Resources.of(entries));
}

const EXPECTED_TYPE: Readonly<Record<string, ResourceValueType>> = {
  cpus: 'SCALAR',
  gpus: 'SCALAR',
  mem: 'SCALAR',
  disk: 'SCALAR',
  ports: 'RANGES',
};
const VALUE_FIELD = { SCALAR: 'scalar', RANGES: 'ranges', SET: 'set' } as const;

/** Converts one decoded resource to our model (see {@link resourcesFromList}). */
export function resourceFromJson(r: ResourceJson, path: string): Decoded<Resource> {
  if (!RESOURCE_NAME_PATTERN.test(r.name)) {
    return failure(
      fieldPath(path, 'name'),
      'expected a resource name (a letter or "_", then letters, digits, "_.-/")',
    );
  }
  const expected = Object.hasOwn(EXPECTED_TYPE, r.name) ? EXPECTED_TYPE[r.name] : undefined;
  if (expected !== undefined && r.type !== expected) {
    return failure(fieldPath(path, 'type'), `"${r.name}" must be ${expected}`);
  }
  for (const type of RESOURCE_VALUE_TYPES) {
    const field = VALUE_FIELD[type];
    const present = r[field] !== undefined;
    if (type === r.type && !present)
      return failure(fieldPath(path, field), `is required for a ${type} resource`);
    if (type !== r.type && present)
      return failure(fieldPath(path, field), `must not be set on a ${r.type} resource`);
  }
  const value = resourceValue(r, path);
  if (!value.ok) return value;
  const role = resourceRole(r, path);
  if (!role.ok) return role;
  const stack = reservationStack(r, role.value);
  const volume = persistentVolume(r, path);
  if (!volume.ok) return volume;
  const detail = resourceDetail(stack, volume.value);
  return ok(
    detail === undefined
      ? { name: r.name, role: role.value, value: value.value }
      : { name: r.name, role: role.value, value: value.value, detail },
  );
}

/**
 * The reservation stack of a decoded resource whose current role is `role`: its `reservations`
 * (a reservation without a type is taken as DYNAMIC, the only kind a framework makes), or in the
 * pre-refinement format one reservation for `role`, DYNAMIC when `reservation` is set.
 */
function reservationStack(r: ResourceJson, role: string): readonly Reservation[] {
  const stack = r.reservations ?? [];
  if (stack.length > 0) return stack.map((info) => reservation(info, info.role as string));
  if (r.reservation !== undefined && role !== UNRESERVED_ROLE) return [reservation(r.reservation, role)];
  return reservationsOf(role, undefined);
}

function reservation(info: ReservationInfo, role: string): Reservation {
  const labels = info.labels?.labels;
  return {
    type: info.type ?? 'DYNAMIC',
    role,
    ...(info.principal === undefined ? {} : { principal: info.principal }),
    ...(labels === undefined || labels.length === 0 ? {} : { labels }),
  };
}

/**
 * The persistent volume of a decoded resource, if it has one. Mesos's `validateDiskInfo`
 * messages: a volume needs `disk` resources reserved for a role, `volume` set without
 * `host_path`; a volume without persistence and mount/block sources are not supported here.
 */
function persistentVolume(r: ResourceJson, path: string): Decoded<PersistentVolume | undefined> {
  const disk = r.disk;
  if (disk === undefined) return ok(undefined);
  const at = fieldPath(path, 'disk');
  if (r.name !== 'disk') return failure(at, 'DiskInfo may only be set on "disk" resources');
  if (disk.source !== undefined) return failure(fieldPath(at, 'source'), 'disk sources are not supported');
  const persistence = disk.persistence;
  if (persistence === undefined) {
    return failure(
      at,
      disk.volume === undefined ? 'DiskInfo is set but empty' : 'Non-persistent volume not supported',
    );
  }
  if (r.reservations === undefined && (r.role ?? UNRESERVED_ROLE) === UNRESERVED_ROLE) {
    return failure(at, 'Persistent volumes cannot be created from unreserved resources');
  }
  if (r.reservations !== undefined && r.reservations.length === 0) {
    return failure(at, 'Persistent volumes cannot be created from unreserved resources');
  }
  if (disk.volume === undefined) return failure(at, "Expecting 'volume' to be set for persistent volume");
  if (disk.volume.host_path !== undefined) {
    return failure(at, "Expecting 'host_path' to be unset for persistent volume");
  }
  const idProblem = persistenceIdProblem(persistence.id);
  if (idProblem !== undefined) {
    return failure(
      fieldPath(fieldPath(at, 'persistence'), 'id'),
      `Invalid persistence ID for persistent volume: ${idProblem}`,
    );
  }
  return ok({
    id: persistence.id,
    ...(persistence.principal === undefined ? {} : { principal: persistence.principal }),
    containerPath: disk.volume.container_path,
    mode: disk.volume.mode ?? 'RW',
  });
}

/** Mesos `common::validation::validateID`, with its messages. */
function persistenceIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'ID must not be empty';
  if (id.length > 255) return 'ID must not be greater than 255 characters';
  if (id === '.' || id === '..') return `'${id}' is disallowed`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Mesos forbids exactly these.
  if (/[/\\\x00-\x1f\x7f]/u.test(id)) return `'${id}' contains invalid characters`;
  return undefined;
}

function resourceValue(r: ResourceJson, path: string): Decoded<ResourceValue> {
  if (r.scalar !== undefined) {
    const at = fieldPath(fieldPath(path, 'scalar'), 'value');
    const amount = r.scalar.value;
    if (!Number.isFinite(amount) || amount < 0) return failure(at, 'expected a finite, non-negative number');
    const milli = toMilli(amount);
    if (!Number.isSafeInteger(milli)) return failure(at, 'is too large');
    if (r.name === 'gpus' && milli % 1000 !== 0) {
      return failure(at, `"gpus" must be a whole number, got ${formatMilli(milli)}`);
    }
    return ok({ kind: 'scalar', milli });
  }
  if (r.ranges !== undefined) {
    const list = r.ranges.range ?? [];
    const ranges: Range[] = [];
    for (let i = 0; i < list.length; i++) {
      const range = list[i];
      if (range === undefined) continue;
      if (range.begin > range.end) {
        return failure(
          indexPath(fieldPath(fieldPath(path, 'ranges'), 'range'), i),
          'begin is greater than end',
        );
      }
      ranges.push([range.begin, range.end]);
    }
    return ok({ kind: 'ranges', ranges: coalesce(ranges) });
  }
  return ok({ kind: 'set', items: [...(r.set?.item ?? [])] });
}

function resourceRole(r: ResourceJson, path: string): Decoded<string> {
  const stack = r.reservations ?? [];
  if (stack.length === 0) {
    const role = r.role ?? UNRESERVED_ROLE;
    const problem = roleProblem(role);
    return problem === undefined ? ok(role) : failure(fieldPath(path, 'role'), problem);
  }
  let previous: string | undefined;
  for (let i = 0; i < stack.length; i++) {
    const at = indexPath(fieldPath(path, 'reservations'), i);
    const role = stack[i]?.role;
    if (role === undefined) return failure(fieldPath(at, 'role'), 'is required');
    const problem = role === UNRESERVED_ROLE ? 'cannot reserve for "*"' : roleProblem(role);
    if (problem !== undefined) return failure(fieldPath(at, 'role'), problem);
    if (previous !== undefined && !role.startsWith(`${previous}/`)) {
      return failure(fieldPath(at, 'role'), `must refine the reservation before it ("${previous}/…")`);
    }
    previous = role;
  }
  const current = previous ?? UNRESERVED_ROLE; // never `*`: the stack is not empty
  // Serializers that write default values emit `role: "*"` next to `reservations`; accept that,
  // but not a role contradicting the reservations.
  if (r.role !== undefined && r.role !== UNRESERVED_ROLE && r.role !== current) {
    return err({
      path: fieldPath(path, 'role'),
      message: `disagrees with the last reservation ("${current}")`,
    });
  }
  return ok(current);
}
