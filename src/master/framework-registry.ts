/**
 * The frameworks the master knows (Mesos `Master::frameworks`): registered ones, by id and by
 * the address of their connection, and a bounded archive of removed ones, whose ids may never
 * subscribe again (Mesos `frameworks.completed`, "Framework has been removed").
 */
import type { FrameworkCapability, FrameworkInfo } from '../core/messages/framework-info.js';
import type { FrameworkID } from '../core/messages/ids.js';
import type { Address, TimerId } from '../core/process.js';
import { UNRESERVED_ROLE } from '../core/roles.js';
import { BoundedMap } from './bounded.js';
import type { TaskRecord } from './task-book.js';

/** A registered framework (Mesos `Framework`). */
export interface FrameworkRecord {
  readonly id: string;
  readonly frameworkId: FrameworkID;
  /** Its FrameworkInfo, `id` included. */
  info: FrameworkInfo;
  /** Its subscribed roles (`roles` for MULTI_ROLE frameworks, else `[role ?? "*"]`). */
  roles: readonly string[];
  /** Roles the allocator tracks it in (its roles, plus old roles it still holds resources in). */
  allocatorRoles: ReadonlySet<string>;
  /** Roles it asked not to be offered. */
  suppressedRoles: Set<string>;
  /** The address of its connection (the last one while disconnected). */
  address: Address | undefined;
  connected: boolean;
  /** Offered to by the allocator (connected and not deactivated). */
  active: boolean;
  /** Known only from an agent's report: it has not subscribed to this master yet. */
  recovered: boolean;
  registeredAtMs: number | undefined;
  reregisteredAtMs: number | undefined;
  heartbeatTimer: TimerId | undefined;
  failoverTimer: TimerId | undefined;
  /** Offers made to it by this master (Agora-specific; state's `offers_made`). */
  offersMade: number;
  /** Offers it declined at this master (Agora-specific; state's `offers_declined`). */
  offersDeclined: number;
}

/** A removed framework, kept for state and to refuse its id. */
export interface CompletedFramework {
  readonly record: FrameworkRecord;
  readonly unregisteredAtMs: number;
  readonly completedTasks: readonly TaskRecord[];
}

/** Whether a framework has a capability. */
export function hasCapability(info: FrameworkInfo, capability: FrameworkCapability): boolean {
  return info.capabilities?.some((c) => c.type === capability) ?? false;
}

/** Whether the framework opted in to PARTITION_AWARE (TASK_UNREACHABLE, TASK_GONE… instead of TASK_LOST). */
export function isPartitionAware(framework: FrameworkRecord): boolean {
  return hasCapability(framework.info, 'PARTITION_AWARE');
}

/** The roles of a FrameworkInfo (Mesos `protobuf::framework::getRoles`). */
export function rolesOf(info: FrameworkInfo): string[] {
  if (hasCapability(info, 'MULTI_ROLE')) return [...(info.roles ?? [])];
  return [info.role ?? UNRESERVED_ROLE];
}

/** Registered and removed frameworks. */
export class FrameworkRegistry {
  readonly #registered = new Map<string, FrameworkRecord>();
  readonly #byAddress = new Map<Address, string>();
  readonly #completed: BoundedMap<string, CompletedFramework>;

  constructor(maxCompleted: number) {
    this.#completed = new BoundedMap(maxCompleted);
  }

  get(id: string): FrameworkRecord | undefined {
    return this.#registered.get(id);
  }

  add(framework: FrameworkRecord): void {
    this.#registered.set(framework.id, framework);
    if (framework.connected && framework.address !== undefined) this.connect(framework, framework.address);
  }

  /** The framework currently connected from `address`, if any. */
  connectedAt(address: Address): FrameworkRecord | undefined {
    const id = this.#byAddress.get(address);
    return id === undefined ? undefined : this.#registered.get(id);
  }

  /** Marks the framework connected from `address`. */
  connect(framework: FrameworkRecord, address: Address): void {
    if (framework.address !== undefined && this.#byAddress.get(framework.address) === framework.id) {
      this.#byAddress.delete(framework.address);
    }
    framework.address = address;
    framework.connected = true;
    this.#byAddress.set(address, framework.id);
  }

  /** Marks the framework disconnected (its last address is kept). */
  disconnect(framework: FrameworkRecord): void {
    framework.connected = false;
    if (framework.address !== undefined && this.#byAddress.get(framework.address) === framework.id) {
      this.#byAddress.delete(framework.address);
    }
  }

  /** Moves a framework to the completed archive. */
  complete(framework: FrameworkRecord, completed: CompletedFramework): void {
    this.disconnect(framework);
    this.#registered.delete(framework.id);
    this.#completed.set(framework.id, completed);
  }

  isCompleted(id: string): boolean {
    return this.#completed.has(id);
  }

  /** Registered frameworks, in registration order. */
  all(): IterableIterator<FrameworkRecord> {
    return this.#registered.values();
  }

  /** Completed frameworks, oldest first. */
  completed(): IterableIterator<CompletedFramework> {
    return this.#completed.values();
  }

  get size(): number {
    return this.#registered.size;
  }
}
