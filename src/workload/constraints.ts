/**
 * Deciding whether an offer satisfies Marathon placement constraints (src/scenario/constraints.ts
 * says what each operator means), given where the constraint's scope already runs tasks.
 *
 * A {@link Placements} keeps, per scope (a job, a trace group, a framework), how many live tasks
 * run at each value of each constrained field; the framework adds a task when it launches it and
 * removes it when it hears the task end, as Marathon counts an app's running instances. Tasks
 * placed earlier on the same offer count, so two tasks of a UNIQUE job never share one offer.
 */
import type { Offer } from '../core/messages/offer.js';
import { attributeText } from '../scenario/attributes.js';
import { HOSTNAME_FIELD, type PlacementConstraint } from '../scenario/constraints.js';

/** Where an offer is: its agent, hostname and attributes (an `Offer` is one). */
export type OfferPlace = Pick<Offer, 'agent_id' | 'hostname' | 'attributes'>;

/** The values an offer's agent has for constraint fields: hostname and attributes, as text. */
export class OfferFields {
  #offer: OfferPlace | undefined;
  #attributes: Map<string, string> | undefined;

  /** Reads `offer` (its attributes are indexed on first use). */
  reset(offer: OfferPlace): void {
    this.#offer = offer;
    this.#attributes = undefined;
  }

  /** The value of `field` on the offer's agent, or undefined if the agent has no such attribute. */
  value(field: string): string | undefined {
    const offer = this.#offer;
    if (offer === undefined) return undefined;
    if (field === HOSTNAME_FIELD) return offer.hostname;
    if (this.#attributes === undefined) {
      this.#attributes = new Map((offer.attributes ?? []).map((a) => [a.name, attributeText(a)]));
    }
    return this.#attributes.get(field);
  }
}

/** Live tasks per scope, per field, per value. */
export class Placements {
  readonly #scopes = new Map<string, Map<string, Map<string, number>>>();

  /** Live tasks of `scope` whose agent has `value` for `field`. */
  count(scope: string, field: string, value: string): number {
    return this.#scopes.get(scope)?.get(field)?.get(value) ?? 0;
  }

  /** A value of `field` at which `scope` has live tasks, if any (for CLUSTER without a value). */
  anyValue(scope: string, field: string): string | undefined {
    const byValue = this.#scopes.get(scope)?.get(field);
    if (byValue === undefined) return undefined;
    for (const [value, n] of byValue) if (n > 0) return value;
    return undefined;
  }

  /** Counts a task of `scope` launched where the constrained fields have `values`. */
  add(scope: string, values: readonly (readonly [string, string])[]): void {
    let byField = this.#scopes.get(scope);
    if (byField === undefined) {
      byField = new Map();
      this.#scopes.set(scope, byField);
    }
    for (const [field, value] of values) {
      let byValue = byField.get(field);
      if (byValue === undefined) {
        byValue = new Map();
        byField.set(field, byValue);
      }
      byValue.set(value, (byValue.get(value) ?? 0) + 1);
    }
  }

  /** Forgets a task counted with {@link add}; empty scopes are dropped, so memory follows live tasks. */
  remove(scope: string, values: readonly (readonly [string, string])[]): void {
    const byField = this.#scopes.get(scope);
    if (byField === undefined) return;
    for (const [field, value] of values) {
      const byValue = byField.get(field);
      const n = byValue?.get(value) ?? 0;
      if (byValue === undefined || n === 0) continue;
      if (n === 1) byValue.delete(value);
      else byValue.set(value, n - 1);
      if (byValue.size === 0) byField.delete(field);
    }
    if (byField.size === 0) this.#scopes.delete(scope);
  }
}

/** Whether an agent with `fields` satisfies every constraint for a task of `scope`. */
export function satisfies(
  constraints: readonly PlacementConstraint[],
  fields: OfferFields,
  placements: Placements,
  scope: string,
): boolean {
  for (const c of constraints) {
    const value = fields.value(c.field);
    // Marathon: an agent without the attribute satisfies UNLIKE only.
    if (value === undefined) {
      if (c.operator === 'UNLIKE') continue;
      return false;
    }
    if (!satisfiesOne(c, value, placements, scope)) return false;
  }
  return true;
}

function satisfiesOne(c: PlacementConstraint, value: string, placements: Placements, scope: string): boolean {
  switch (c.operator) {
    case 'UNIQUE':
      return placements.count(scope, c.field, value) === 0;
    case 'CLUSTER': {
      if (c.value !== undefined && c.value !== '') return value === c.value;
      const there = placements.anyValue(scope, c.field);
      return there === undefined || there === value;
    }
    case 'LIKE':
      return (c.pattern as RegExp).test(value);
    case 'UNLIKE':
      return !(c.pattern as RegExp).test(value);
    case 'IS':
      return (
        value === c.value || (isNumeric(value) && isNumeric(c.value) && Number(value) === Number(c.value))
      );
    case 'IN':
      return (c.values as ReadonlySet<string>).has(value);
    case 'MAX_PER':
      return placements.count(scope, c.field, value) < (c.max as number);
  }
}

function isNumeric(s: string | undefined): boolean {
  return s !== undefined && s.trim() !== '' && Number.isFinite(Number(s));
}

/** The (field, value) pairs a task placed on an agent with `fields` is counted under. */
export function placedValues(
  constraints: readonly PlacementConstraint[],
  fields: OfferFields,
): (readonly [string, string])[] {
  const out: (readonly [string, string])[] = [];
  for (const c of constraints) {
    if (c.operator !== 'UNIQUE' && c.operator !== 'CLUSTER' && c.operator !== 'MAX_PER') continue;
    const value = fields.value(c.field);
    if (value !== undefined && !out.some(([f]) => f === c.field)) out.push([c.field, value]);
  }
  return out;
}

/** A placement counted for a live task: its scope and the values it is counted under. */
export interface Placed {
  readonly scope: string;
  readonly values: readonly (readonly [string, string])[];
}

/**
 * One framework's constraint bookkeeping: the fields of the offer being filled and the live
 * tasks' placements. The offer loop calls {@link reset} per offer, {@link admits} before placing
 * a constrained task, {@link place} when it does, and {@link release} when the task ends.
 */
export class ConstraintState {
  readonly #fields = new OfferFields();
  readonly #placements = new Placements();

  /** Starts on a new offer. */
  reset(offer: OfferPlace): void {
    this.#fields.reset(offer);
  }

  /** Whether a task of `scope` with `constraints` may go on the current offer. */
  admits(constraints: readonly PlacementConstraint[], scope: string): boolean {
    return constraints.length === 0 || satisfies(constraints, this.#fields, this.#placements, scope);
  }

  /** Counts a task placed on the current offer; keep the result to {@link release} it. */
  place(constraints: readonly PlacementConstraint[], scope: string): Placed | undefined {
    if (constraints.length === 0) return undefined;
    const values = placedValues(constraints, this.#fields);
    if (values.length === 0) return undefined;
    this.#placements.add(scope, values);
    return { scope, values };
  }

  /** Forgets a task that ended. */
  release(placed: Placed | undefined): void {
    if (placed !== undefined) this.#placements.remove(placed.scope, placed.values);
  }
}
