/**
 * What Mesos attaches to a resource besides its name, role and value, for dynamic reservations
 * and persistent volumes (include/mesos/v1/mesos.proto `Resource.reservations`,
 * `Resource.ReservationInfo`, `Resource.DiskInfo.persistence`/`volume`; docs/reservation.md,
 * docs/persistent-volume.md). Only resources with a dynamic reservation or a volume carry one;
 * unreserved and statically reserved resources (the agent's `--resources`) carry none, so the
 * common case costs nothing.
 *
 * Two resources with different details are different resources: they are never added together
 * (Mesos's `addable`), and a volume is taken whole or not at all (Mesos's `subtractable`).
 */
import { UNRESERVED_ROLE } from './roles.js';

/** One reservation of a stack (`Resource.ReservationInfo`). */
export interface Reservation {
  /** STATIC: made by the agent's `--resources`; DYNAMIC: by a RESERVE operation. */
  readonly type: 'STATIC' | 'DYNAMIC';
  readonly role: string;
  readonly principal?: string;
  /** `Labels.labels`, as given (Mesos compares them in order). */
  readonly labels?: readonly { readonly key: string; readonly value?: string }[];
}

/** A persistent volume on a disk resource (`DiskInfo.persistence` and `DiskInfo.volume`). */
export interface PersistentVolume {
  /** `persistence.id`: unique per role on the agent. */
  readonly id: string;
  /** `persistence.principal`: who created it. */
  readonly principal?: string;
  /** `volume.container_path`: where tasks see it, relative to their sandbox. */
  readonly containerPath: string;
  /** `volume.mode`; Mesos only creates RW persistent volumes. */
  readonly mode: 'RW' | 'RO';
}

/** A resource's reservation stack and volume (see the module comment). */
export interface ResourceDetail {
  /** Canonical text of the detail: equal exactly when two details are equal. */
  readonly key: string;
  /** The reservations, oldest first; the last one's role is the resource's role. */
  readonly reservations: readonly Reservation[];
  readonly volume?: PersistentVolume;
}

/**
 * The detail for a reservation stack and volume, or undefined when there is nothing beyond the
 * role: no dynamic reservation and no volume (a static stack is just the resource's role).
 */
export function resourceDetail(
  reservations: readonly Reservation[],
  volume?: PersistentVolume,
): ResourceDetail | undefined {
  if (volume === undefined && reservations.every((r) => r.type === 'STATIC')) return undefined;
  const key = JSON.stringify([
    reservations.map((r) => [r.type, r.role, r.principal ?? null, r.labels ?? null]),
    volume === undefined ? null : [volume.id, volume.principal ?? null, volume.containerPath, volume.mode],
  ]);
  return volume === undefined ? { key, reservations } : { key, reservations, volume };
}

/** The reservation stack of a resource with role `role` and detail `detail`. */
export function reservationsOf(role: string, detail: ResourceDetail | undefined): readonly Reservation[] {
  if (detail !== undefined) return detail.reservations;
  return role === UNRESERVED_ROLE ? [] : [{ type: 'STATIC', role }];
}

/** A resource as {@link Resource} holds it, without importing it (resources.ts imports this file). */
interface Entry {
  readonly name: string;
  readonly role: string;
  readonly value: unknown;
  readonly detail?: ResourceDetail;
}

/** `r` with reservations `stack` and volume `volume` (its role follows the stack). */
function rebuilt<R extends Entry>(
  r: R,
  stack: readonly Reservation[],
  volume: PersistentVolume | undefined,
): R {
  const detail = resourceDetail(stack, volume);
  const role = stack.at(-1)?.role ?? UNRESERVED_ROLE;
  const { detail: _old, ...rest } = r;
  return (detail === undefined ? { ...rest, role } : { ...rest, role, detail }) as R;
}

/** Whether the resource's current reservation is dynamic (Mesos `isDynamicallyReserved`). */
export function isDynamicallyReserved(r: Entry): boolean {
  return r.detail?.reservations.at(-1)?.type === 'DYNAMIC';
}

/** The resource without its current reservation (Mesos `popReservation`). */
export function popReservation<R extends Entry>(r: R): R {
  return rebuilt(r, reservationsOf(r.role, r.detail).slice(0, -1), r.detail?.volume);
}

/** The resource without its persistent volume (what CREATE consumes and DESTROY gives back). */
export function stripVolume<R extends Entry>(r: R): R {
  return rebuilt(r, reservationsOf(r.role, r.detail), undefined);
}

/**
 * The resource as the agent's own `--resources` declare it: without dynamic reservations or a
 * volume (what a checkpointed resource replaces in the agent's total).
 */
export function staticForm<R extends Entry>(r: R): R {
  return rebuilt(
    r,
    reservationsOf(r.role, r.detail).filter((x) => x.type === 'STATIC'),
    undefined,
  );
}
