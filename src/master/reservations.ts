/**
 * Dynamic reservations and persistent volumes (docs/reservation.md, docs/persistent-volume.md;
 * src/master/master.cpp `_accept` and `_apply`, src/master/validation.cpp `operation::validate`,
 * src/common/resources_utils.cpp `getResourceConversions`, src/master/http.cpp `_operation`).
 *
 * Each RESERVE, UNRESERVE, CREATE or DESTROY is validated with Mesos's messages, then turned into
 * a conversion (the resources it consumes, and what they become, of the same quantities):
 * - RESERVE pushes a dynamic reservation: `cpus:1` becomes `cpus(eng):1` reserved by a principal
 *   (or refines one: `cpus(eng)` becomes `cpus(eng/web)`);
 * - UNRESERVE pops it again;
 * - CREATE makes a persistent volume of reserved disk; DESTROY gives the disk back.
 * The master applies it at once to its own accounting (the agent's total, and the allocator's,
 * which offers reserved resources only to their role's frameworks), writes the agent's new
 * reservations and volumes to the registry, and once that is durable tells the agent to
 * checkpoint them (Mesos's CheckpointResourcesMessage) and the framework how it went
 * (operation-statuses.ts). A framework's operations come from its accepted offers (accept.ts);
 * the operator API's RESERVE_RESOURCES and UNRESERVE_RESOURCES take unallocated resources
 * ({@link operatorReservation}).
 *
 * Differences from Mesos: no ACLs are checked (Agora has no authorization yet); RESERVE with a
 * `source` (reservation updates) is refused for operators too; the agent capability checks for
 * HIERARCHICAL_ROLE and RESERVATION_REFINEMENT are not made (Agora's agents handle both);
 * shared volumes, mount/block disks and resource providers are not modelled.
 */
import { assertNever } from '../core/assert-never.js';
import type { AgentMessage } from '../core/messages/agent-protocol.js';
import type { OfferOperation } from '../core/messages/offer.js';
import {
  type ResourceJson,
  resourceFromJson,
  resourcesFromList,
  resourcesToJson,
} from '../core/messages/resources-json.js';
import { isDynamicallyReserved, popReservation, staticForm, stripVolume } from '../core/resource-detail.js';
import { formatResource, formatResources } from '../core/resource-text.js';
import { type Resource, Resources } from '../core/resources.js';
import type { AgentRecord } from './agent-registry.js';
import type { MasterContext } from './context.js';
import { rescindEvent } from './events.js';
import type { FrameworkRecord } from './framework-registry.js';
import { discardOffer } from './offer-lifecycle.js';
import { sendOperationError, sendOperationFinished } from './operation-statuses.js';

/** The operations on reservations and volumes. */
export type ReservationOperation = Extract<
  OfferOperation,
  { readonly type: 'RESERVE' | 'UNRESERVE' | 'CREATE' | 'DESTROY' }
>;

/** Whether `operation` is a RESERVE, UNRESERVE, CREATE or DESTROY. */
export function isReservationOperation(operation: OfferOperation): operation is ReservationOperation {
  const t = operation.type;
  return t === 'RESERVE' || t === 'UNRESERVE' || t === 'CREATE' || t === 'DESTROY';
}

/** What an operation consumes and what that becomes (Mesos `ResourceConversion`). */
export interface Conversion {
  readonly consumed: Resources;
  readonly converted: Resources;
}

/** A framework accepting offers allocated to `role`; undefined for the operator API. */
export type Requester = { readonly framework: FrameworkRecord; readonly role: string } | undefined;

/** Mesos's refusal filter when the operator API rescinds offers (`Filters()`' default 5 s). */
const OPERATOR_RESCIND_REFUSE_SECONDS = 5;

/** The resources an operation names. */
function operationResources(operation: ReservationOperation): readonly ResourceJson[] {
  switch (operation.type) {
    case 'RESERVE':
      return operation.reserve.resources ?? [];
    case 'UNRESERVE':
      return operation.unreserve.resources ?? [];
    case 'CREATE':
      return operation.create.volumes ?? [];
    case 'DESTROY':
      return operation.destroy.volumes ?? [];
    default:
      return assertNever(operation, 'reservation operation');
  }
}

/** The agent as Mesos prints a `Slave` in messages: `<id> at <pid> (<hostname>)`. */
function agentText(agent: AgentRecord): string {
  return `${agent.id} at ${agent.address} (${agent.info.hostname})`;
}

/** An agent's dynamic reservations and persistent volumes (what it checkpoints). */
export function checkpointedOf(total: Resources): Resources {
  return total.filter((r) => r.detail !== undefined);
}

/**
 * Validates `operation` on `agent` for `requester` (Mesos `operation::validate`, in its order
 * and with its messages, followed by "; on agent …") and returns its conversion, or the problem.
 */
export function validateOperation(
  ctx: MasterContext,
  agent: AgentRecord,
  operation: ReservationOperation,
  requester: Requester,
): Conversion | string {
  const problem = (message: string) => `${message}; on agent ${agentText(agent)}`;
  const list = operationResources(operation);
  const entries: Resource[] = [];
  for (let i = 0; i < list.length; i++) {
    const decoded = resourceFromJson(list[i] as ResourceJson, `resources[${i}]`);
    if (!decoded.ok) return problem(`Invalid resources: ${decoded.error.path}: ${decoded.error.message}`);
    entries.push(decoded.value);
  }
  if (entries.length === 0) return problem('Operation contains no resources');
  switch (operation.type) {
    case 'RESERVE': {
      if ((operation.reserve.source ?? []).length > 0) {
        return problem('Reservation updates are not yet implemented for the scheduler API.');
      }
      const why = reserveProblem(list, entries, requester);
      if (why !== undefined) return problem(why);
      return conversion(entries.map(popReservation), entries);
    }
    case 'UNRESERVE': {
      for (const r of entries) {
        if (!isDynamicallyReserved(r))
          return problem(`Resource ${formatResource(r)} is not dynamically reserved`);
        if (r.detail?.volume !== undefined) {
          return problem(
            `A dynamically reserved persistent volume ${formatResource(r)} cannot be unreserved directly. ` +
              'Please destroy the persistent volume first then unreserve the resource',
          );
        }
      }
      return conversion(entries, entries.map(popReservation));
    }
    case 'CREATE': {
      const why = volumeProblem(entries) ?? createProblem(agent, entries, requester, list);
      if (why !== undefined) return problem(why);
      return conversion(entries.map(stripVolume), entries);
    }
    case 'DESTROY': {
      const why = volumeProblem(entries) ?? destroyProblem(ctx, agent, entries);
      if (why !== undefined) return problem(why);
      return conversion(entries, entries.map(stripVolume));
    }
    default:
      return assertNever(operation, 'reservation operation');
  }
}

function conversion(consumed: readonly Resource[], converted: readonly Resource[]): Conversion {
  return { consumed: Resources.of(consumed), converted: Resources.of(converted) };
}

/** Mesos's checks of a RESERVE's resources, after `resource::validate`. */
function reserveProblem(
  list: readonly ResourceJson[],
  entries: readonly Resource[],
  requester: Requester,
): string | undefined {
  const principal = requester?.framework.info.principal;
  for (let i = 0; i < entries.length; i++) {
    const r = entries[i] as Resource;
    const text = formatResource(r);
    if (!isDynamicallyReserved(r)) return `Resource ${text} is not dynamically reserved`;
    if (principal !== undefined) {
      const reserver = r.detail?.reservations.at(-1)?.principal;
      if (reserver === undefined) {
        return (
          `A reserve operation was attempted by principal '${principal}', but there is a ` +
          'reserved resource in the request with no principal set'
        );
      }
      if (reserver !== principal) {
        return (
          `A reserve operation was attempted by authenticated principal '${principal}', which ` +
          `does not match a reserved resource in the request with principal '${reserver}'`
        );
      }
    }
    const allocated = list[i]?.allocation_info?.role;
    if (requester === undefined) {
      if (allocated !== undefined) {
        return (
          'A reserve operation was attempted with an allocated resource, but the operator API ' +
          'only allows reservations to be made to unallocated resources'
        );
      }
      continue;
    }
    // Mesos injects the offer's allocation role into resources that have none.
    const role = allocated ?? requester.role;
    const roles = requester.framework.roles;
    if (role !== r.role) {
      return (
        `A reserve operation was attempted for a resource with role '${r.role}', but the ` +
        `resource was allocated to role '${role}'`
      );
    }
    if (!roles.includes(role)) {
      return (
        `A reserve operation was attempted for a resource allocated to role '${role}', but the ` +
        `framework only has roles '${roles.join(', ')}'`
      );
    }
  }
  if (requester !== undefined) {
    const roles = new Set(list.map((r) => r.allocation_info?.role ?? requester.role));
    if (roles.size > 1) {
      return `Invalid reservation resources: Expected resources to be allocated to a single role, but found ${roles.size} roles`;
    }
  }
  return undefined;
}

/** Mesos `validatePersistentVolume`, prefixed as its callers do. */
function volumeProblem(entries: readonly Resource[]): string | undefined {
  for (const r of entries) {
    const volume = r.detail?.volume;
    if (volume === undefined)
      return `Not a persistent volume: Resource ${formatResource(r)} does not have DiskInfo`;
    if (volume.mode === 'RO') return 'Not a persistent volume: Read-only persistent volume not supported';
  }
  return undefined;
}

/** Mesos's checks of a CREATE's volumes after `validatePersistentVolume`. */
function createProblem(
  agent: AgentRecord,
  volumes: readonly Resource[],
  requester: Requester,
  list: readonly ResourceJson[],
): string | undefined {
  // Persistence ids are unique per role on the agent.
  const seen = new Set<string>();
  for (const r of [...checkpointedOf(agent.total).entries, ...volumes]) {
    const id = r.detail?.volume?.id;
    if (id === undefined) continue;
    const key = JSON.stringify([r.role, id]);
    if (seen.has(key)) return `Persistence ID '${id}' is not unique`;
    seen.add(key);
  }
  const principal = requester?.framework.info.principal;
  if (principal !== undefined) {
    for (const r of volumes) {
      const creator = r.detail?.volume?.principal;
      if (creator === undefined) {
        return (
          `Create volume operation attempted by principal '${principal}', but there is a volume ` +
          "in the operation with no principal set in 'disk.persistence'"
        );
      }
      if (creator !== principal) {
        return (
          `Create volume operation attempted by authenticated principal '${principal}', which ` +
          `does not match a volume in the operation with principal '${creator}' set in 'disk.persistence'`
        );
      }
    }
  }
  if (requester !== undefined) {
    const roles = new Set(list.map((r) => r.allocation_info?.role ?? requester.role));
    if (roles.size > 1) {
      return `Invalid volume resources: Expected resources to be allocated to a single role, but found ${roles.size} roles`;
    }
  }
  return undefined;
}

/** Mesos's checks of a DESTROY: the volumes exist on the agent and no task or executor uses them. */
function destroyProblem(
  ctx: MasterContext,
  agent: AgentRecord,
  volumes: readonly Resource[],
): string | undefined {
  const checkpointed = checkpointedOf(agent.total);
  for (const r of volumes)
    if (!checkpointed.contains(Resources.of([r]))) return 'Persistent volumes not found';
  let used = Resources.EMPTY;
  for (const tasks of ctx.tasks.onAgentByFramework(agent.id).values()) {
    for (const t of tasks) used = used.add(t.resources);
  }
  for (const executors of agent.executors.values())
    for (const e of executors.values()) used = used.add(e.resources);
  for (const r of volumes) {
    const key = r.detail?.key;
    if (used.entries.some((u) => u.name === r.name && u.detail?.key === key))
      return 'Persistent volumes in use';
  }
  return undefined;
}

/**
 * Applies a framework's operation to `remaining`, the resources left of its accepted offers on
 * `agent` (allocated to `role`), as Mesos's `_accept` does: an invalid operation is dropped
 * (OPERATION_ERROR when it has an id) and `next` gets `remaining` unchanged; a valid one is
 * applied to the master's and the allocator's accounting at once, and `next` gets the converted
 * resources once the registry holds the agent's new reservations (the agent and the framework
 * are told just before).
 */
export function applyOfferOperation(
  ctx: MasterContext,
  framework: FrameworkRecord,
  agent: AgentRecord,
  role: string,
  operation: ReservationOperation,
  remaining: Resources,
  next: (remaining: Resources) => void,
): void {
  const drop = (why: string) => {
    ctx.trace('operation-dropped', { framework: framework.id, type: operation.type, why });
    sendOperationError(ctx, framework, operation.id, why);
    next(remaining);
  };
  const checked = validateOperation(ctx, agent, operation, { framework, role });
  if (typeof checked === 'string') {
    drop(checked);
    return;
  }
  const { consumed, converted } = checked;
  if (!remaining.contains(consumed)) {
    drop(`${formatResources(remaining)} does not contain ${formatResources(consumed)}`);
    return;
  }
  if (operation.type === 'DESTROY') rescindOffersHolding(ctx, agent, consumed, undefined);
  ctx.allocator.updateAllocation(framework.id, agent.id, role, consumed, converted);
  agent.total = agent.total.subtract(consumed).add(converted);
  const left = remaining.subtract(consumed).add(converted);
  ctx.trace('operation-applied', { framework: framework.id, agent: agent.id, type: operation.type });
  recordAgentResources(ctx, agent, () => {
    if (ctx.frameworks.get(framework.id) === framework) {
      const json = resourcesToJson(converted, { allocationRole: role });
      sendOperationFinished(ctx, framework, operation.id, agent.id, json);
    }
    next(left);
  });
}

/**
 * Writes the agent's reservations and volumes to the registry; once durable, tells the agent to
 * checkpoint them (if it is still registered) and runs `acted`.
 */
function recordAgentResources(ctx: MasterContext, agent: AgentRecord, acted: () => void): void {
  const resources = resourcesToJson(checkpointedOf(agent.total));
  ctx.registrar.apply({ kind: 'set-agent-resources', id: agent.id, resources }, () => {
    if (ctx.agents.get(agent.id) === agent) ctx.sendAgent(agent, checkpointMessage(resources));
    acted();
  });
}

function checkpointMessage(resources: readonly ResourceJson[]): AgentMessage {
  return { type: 'CHECKPOINT_RESOURCES', resources };
}

/**
 * Rescinds outstanding offers on the agent that hold any of `wanted` (Mesos rescinds offers of
 * volumes being destroyed, and the operator API rescinds offers until what it needs is free),
 * with a refusal filter when given. With `stopWhen`, it stops once that holds.
 */
function rescindOffersHolding(
  ctx: MasterContext,
  agent: AgentRecord,
  wanted: Resources,
  refuseSeconds: number | undefined,
  stopWhen?: () => boolean,
): void {
  for (const offer of ctx.offers.onAgent(agent.id)) {
    if (!offer.resources.entries.some((r) => overlaps(wanted, r))) continue;
    const framework = ctx.frameworks.get(offer.frameworkId);
    if (framework !== undefined) ctx.sendEvent(framework, rescindEvent(offer.offerId));
    discardOffer(ctx, offer, refuseSeconds);
    ctx.counters.rescinded(1);
    ctx.trace('offer-rescinded', {
      offer: offer.id,
      framework: offer.frameworkId,
      agent: agent.id,
      why: 'its resources are needed by an operation',
    });
    if (stopWhen?.() === true) return;
  }
}

/** Whether `r` shares anything with `wanted` (same name, role and detail). */
function overlaps(wanted: Resources, r: Resource): boolean {
  return wanted.entries.some(
    (w) => w.name === r.name && w.role === r.role && w.detail?.key === r.detail?.key,
  );
}

/**
 * The operator API's RESERVE_RESOURCES and UNRESERVE_RESOURCES (Mesos `Master::Http::_reserve`,
 * `_unreserve` and `_operation`): reserves or unreserves unallocated resources of an agent.
 * `done` gets undefined once the registry holds the result (Mesos answers 202 Accepted), else
 * Mesos's text with the status it answers: 400 for a request that is not valid (unknown agent,
 * invalid resources), 409 when the resources are not available on the agent even after
 * rescinding the outstanding offers that hold them.
 */
export function operatorReservation(
  ctx: MasterContext,
  kind: 'RESERVE' | 'UNRESERVE',
  agentId: string,
  resources: readonly ResourceJson[],
  done: (problem: string | undefined, status?: 400 | 409) => void,
): void {
  const agent = ctx.agents.get(agentId);
  if (agent === undefined) {
    done('No agent found with specified ID', 400);
    return;
  }
  const operation: ReservationOperation =
    kind === 'RESERVE'
      ? { type: 'RESERVE', reserve: { resources } }
      : { type: 'UNRESERVE', unreserve: { resources } };
  const checked = validateOperation(ctx, agent, operation, undefined);
  if (typeof checked === 'string') {
    done(checked, 400);
    return;
  }
  const { consumed, converted } = checked;
  const available = () => ctx.allocator.agent(agent.id)?.available ?? Resources.EMPTY;
  if (!available().contains(consumed)) {
    rescindOffersHolding(ctx, agent, consumed, OPERATOR_RESCIND_REFUSE_SECONDS, () =>
      available().contains(consumed),
    );
  }
  const problem = ctx.allocator.updateAvailable(agent.id, consumed, converted);
  if (problem !== undefined) {
    done(problem, 409);
    return;
  }
  agent.total = agent.total.subtract(consumed).add(converted);
  ctx.trace('operation-applied', { operator: true, agent: agent.id, type: kind });
  ctx.allocation.trigger([agent.id]);
  recordAgentResources(ctx, agent, () => done(undefined));
}

/**
 * The total of an agent that (re)registers: its declared resources with its reservations and
 * volumes applied (Mesos `applyCheckpointedResources`). The registry's record of them wins over
 * the agent's report when it has one (the agent may have missed a CHECKPOINT_RESOURCES); else
 * the agent's report is taken. Undefined `checkpointed` means none. Returns the problem when
 * they do not fit the declared resources.
 */
export function totalWithReservations(
  ctx: MasterContext,
  declared: Resources,
  agentId: string | undefined,
  reported: readonly ResourceJson[] | undefined,
): Resources | string {
  const recorded = agentId === undefined ? undefined : ctx.registrar.agentResources(agentId);
  const list = recorded ?? reported ?? [];
  if (list.length === 0) return declared;
  const checkpointed = resourcesFromList(list, 'checkpointed_resources');
  if (!checkpointed.ok) return `${checkpointed.error.path}: ${checkpointed.error.message}`;
  let total = declared;
  for (const r of checkpointed.value.entries) {
    const stripped = Resources.of([staticForm(r)]);
    if (!total.contains(stripped)) {
      return (
        `Checkpointed resources ${formatResource(r)} are incompatible with agent resources ` +
        formatResources(total)
      );
    }
    total = total.subtract(stripped).add(Resources.of([r]));
  }
  return total;
}

/**
 * After an agent (re)registered: records its reservations in the registry when the registry has
 * none for it (an older registry, or a new master), and tells the agent to checkpoint the
 * master's view when its report differs (Mesos `___reregisterSlave` does the same).
 */
export function syncAgentResources(
  ctx: MasterContext,
  agent: AgentRecord,
  reported: readonly ResourceJson[] | undefined,
): void {
  const mine = checkpointedOf(agent.total);
  if (ctx.registrar.agentResources(agent.id) === undefined && !mine.isEmpty()) {
    ctx.registrar.apply({ kind: 'set-agent-resources', id: agent.id, resources: resourcesToJson(mine) });
  }
  const theirs = resourcesFromList(reported ?? [], 'checkpointed_resources');
  if (theirs.ok && theirs.value.equals(mine)) return;
  ctx.sendAgent(agent, checkpointMessage(resourcesToJson(mine)));
}
