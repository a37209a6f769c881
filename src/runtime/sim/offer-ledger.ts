/**
 * Two invariants on what the master offers and launches, read from its messages:
 * - **own-roles**: a framework is offered only resources allocated to one of the roles it is
 *   subscribed to (Mesos offers a MULTI_ROLE framework per role, never another's);
 * - **task-within-offer**: the tasks (and new executors) an ACCEPT launches use only resources
 *   of the offers it names, on their agent: the master validates each task against what is
 *   left of them (Mesos `_accept`), and a RUN_TASK beyond it would over-commit the agent.
 */

import type { Offer } from '../../core/messages/offer.js';
import { type ResourceJson, resourcesFromList } from '../../core/messages/resources-json.js';
import type { TaskInfo } from '../../core/messages/task-info.js';
import { Resources } from '../../core/resources.js';
import type { Wire } from '../../core/wire.js';

/** Resources named by a message the master made (it validated them); unparsable → empty. */
function parse(list: readonly ResourceJson[] | undefined): Resources {
  const r = resourcesFromList(list ?? [], 'resources');
  return r.ok ? r.value : Resources.EMPTY;
}

/** The role an offer's resources are allocated to. */
function offerRole(offer: Offer): string | undefined {
  return (
    offer.allocation_info?.role ??
    offer.resources?.find((r) => r.allocation_info !== undefined)?.allocation_info?.role
  );
}

/** What the master may still launch in the ACCEPT it is handling. */
interface AcceptPool {
  readonly agentId: string;
  left: Resources;
}

/** Tracks outstanding offers from the master's OFFERS events and checks launches against them. */
export class OfferLedger {
  /** Offer id → its agent and resources, from the OFFERS events the master sent. */
  readonly #offers = new Map<string, { readonly agentId: string; readonly resources: Resources }>();
  #pruneAt = 1024;
  #pool: AcceptPool | undefined;
  /** Offers checked against the recipient's roles. */
  offersChecked = 0;
  /** Tasks checked against their offers. */
  launchesChecked = 0;

  /**
   * The master sent `msg`. Returns a violation (invariant and detail) if it offers a framework
   * a role it is not subscribed to, or launches beyond the offers of the ACCEPT it handles.
   * `rolesOf` gives a registered framework's roles; `outstanding` whether an offer still is.
   */
  masterSent(
    msg: Wire,
    rolesOf: (frameworkId: string) => readonly string[] | undefined,
    outstanding: (offerId: string) => boolean,
  ): { readonly invariant: string; readonly detail: string } | undefined {
    if (msg.channel === 'scheduler-event') {
      const { event } = msg;
      if (event.type === 'RESCIND') this.#offers.delete(event.rescind.offer_id.value);
      if (event.type !== 'OFFERS') return undefined;
      for (const offer of event.offers.offers ?? []) {
        this.offersChecked++;
        this.#offers.set(offer.id.value, {
          agentId: offer.agent_id.value,
          resources: parse(offer.resources),
        });
        const role = offerRole(offer);
        const roles = rolesOf(offer.framework_id.value);
        if (role === undefined || roles === undefined || !roles.includes(role)) {
          return {
            invariant: 'own-roles',
            detail: `offer ${offer.id.value} to ${offer.framework_id.value} is for role ${role ?? '(none)'}, not one of its roles [${(roles ?? []).join(', ')}]`,
          };
        }
      }
      if (this.#offers.size >= this.#pruneAt) this.#prune(outstanding);
      return undefined;
    }
    if (msg.channel !== 'agent') return undefined;
    const m = msg.message;
    if (m.type === 'RUN_TASK')
      return this.#launch([m.task], m.launch_executor === true ? m.task.executor?.resources : undefined);
    if (m.type === 'RUN_TASK_GROUP')
      return this.#launch(
        m.task_group.tasks ?? [],
        m.launch_executor === true ? m.executor.resources : undefined,
      );
    return undefined;
  }

  /** An ACCEPT naming `offerIds` reaches the master; its launches are checked until {@link eventDone}. */
  accepting(offerIds: readonly string[], outstanding: (offerId: string) => boolean): void {
    let left = Resources.EMPTY;
    let agentId: string | undefined;
    for (const id of offerIds) {
      const offer = this.#offers.get(id);
      // The master refuses an ACCEPT naming an offer it does not hold: nothing may launch.
      if (offer !== undefined && outstanding(id)) {
        left = left.add(offer.resources);
        agentId ??= offer.agentId;
      }
      this.#offers.delete(id);
    }
    this.#pool = { agentId: agentId ?? '', left };
  }

  /** A DECLINE names `offerIds`: they are no longer outstanding. */
  declined(offerIds: readonly string[]): void {
    for (const id of offerIds) this.#offers.delete(id);
  }

  /** The event that delivered an ACCEPT is over: launches after it have no offer. */
  eventDone(): void {
    this.#pool = undefined;
  }

  #launch(
    tasks: readonly TaskInfo[],
    executor: readonly ResourceJson[] | undefined,
  ): { readonly invariant: string; readonly detail: string } | undefined {
    const pool = this.#pool;
    const first = tasks[0];
    const names = tasks.map((t) => t.task_id.value).join(', ');
    if (pool === undefined || first === undefined) {
      return { invariant: 'task-within-offer', detail: `RUN_TASK of ${names} without an ACCEPT of an offer` };
    }
    let need = parse(executor);
    for (const t of tasks) {
      this.launchesChecked++;
      need = need.add(parse(t.resources));
      if (t.agent_id.value !== pool.agentId) {
        return {
          invariant: 'task-within-offer',
          detail: `task ${t.task_id.value} launched on ${t.agent_id.value}, its offers were on ${pool.agentId}`,
        };
      }
    }
    if (!pool.left.contains(need)) {
      return {
        invariant: 'task-within-offer',
        detail: `tasks ${names} use more than is left of their offers`,
      };
    }
    pool.left = pool.left.subtract(need);
    return undefined;
  }

  /** Forgets offers the master no longer holds (taken back without a RESCIND, or by a dead master). */
  #prune(outstanding: (offerId: string) => boolean): void {
    for (const id of this.#offers.keys()) if (!outstanding(id)) this.#offers.delete(id);
    this.#pruneAt = Math.max(1024, 2 * this.#offers.size);
  }
}
