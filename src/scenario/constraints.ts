/**
 * Placement constraints as Marathon writes them (`constraints: [["hostname", "UNIQUE"],
 * ["rack", "CLUSTER", "r1"], ["gpu_model", "IN", "{V100M16,V100M32}"]]`): a field (`hostname`
 * or an agent attribute's name), an operator and, for most operators, a value. This module reads
 * and checks them; src/workload/constraints.ts decides whether an offer satisfies them.
 *
 * Operators (Marathon's docs/constraints.md; IS and IN as Marathon 1.5 added them):
 * - `UNIQUE` (no value): no two live tasks of the same scope (see below) share the field's value.
 * - `CLUSTER` (optional value): with a value, only agents whose field equals it; without, every
 *   task of the scope goes where the scope's live tasks already are (anywhere, while none lives).
 * - `LIKE` / `UNLIKE` (a regular expression): the field's whole value matches / does not match.
 * - `IS` (a value): the field equals it (numbers compared as numbers, so `1` is `1.0`).
 * - `IN` (a set `{a,b}` or a list `a,b`): the field's value is one of them.
 * - `MAX_PER` (a whole number): at most that many live tasks of the scope per value of the field.
 *
 * As in Marathon, an agent without the attribute satisfies only `UNLIKE`. Values are compared as
 * Mesos formats them (`[1-10]` for ranges, `{a,b}` for sets). `GROUP_BY` is not reproduced: it
 * needs the set of every value the cluster has, which Marathon itself learns only from offers.
 *
 * The scope of a constraint, Marathon's "app", is a job for scenario jobs, the task's `group`
 * for trace tasks (a Google job, an Alibaba stage), and the framework for trace tasks with none.
 */
import type { Issues } from './issues.js';
import { describe, joinIndex } from './issues.js';

/** The operators reproduced, in documentation order. */
export const CONSTRAINT_OPERATORS = ['UNIQUE', 'CLUSTER', 'LIKE', 'UNLIKE', 'IS', 'IN', 'MAX_PER'] as const;

/** A constraint operator. */
export type ConstraintOperator = (typeof CONSTRAINT_OPERATORS)[number];

/** A checked constraint, with what evaluating it needs worked out once. */
export interface PlacementConstraint {
  /** `hostname`, or the name of an agent attribute. */
  readonly field: string;
  readonly operator: ConstraintOperator;
  /** The value as written, if any. */
  readonly value: string | undefined;
  /** LIKE / UNLIKE: the expression, anchored to match the whole value (as Java's `matches`). */
  readonly pattern?: RegExp;
  /** IN: the accepted values. */
  readonly values?: ReadonlySet<string>;
  /** MAX_PER: the most live tasks per value. */
  readonly max?: number;
}

/** Most constraints on one task or framework (a typo guard). */
export const MAX_CONSTRAINTS = 32;

/** The field that means the agent's hostname rather than an attribute. */
export const HOSTNAME_FIELD = 'hostname';

const NEEDS_VALUE: ReadonlySet<ConstraintOperator> = new Set(['LIKE', 'UNLIKE', 'IS', 'IN', 'MAX_PER']);

/** Reads a list of constraints at `path`; records problems in `issues`. */
export function readConstraints(
  issues: Issues,
  path: string,
  value: unknown,
): PlacementConstraint[] | undefined {
  if (!Array.isArray(value)) {
    issues.add(path, `expected a list of constraints like [["hostname", "UNIQUE"]], got ${describe(value)}`);
    return undefined;
  }
  if (value.length > MAX_CONSTRAINTS) {
    issues.add(path, `has ${value.length} constraints, more than the limit of ${MAX_CONSTRAINTS}`);
    return undefined;
  }
  const before = issues.count;
  const out: PlacementConstraint[] = [];
  value.forEach((item, i) => {
    const c = readConstraint(issues, joinIndex(path, i), item);
    if (c !== undefined) out.push(c);
  });
  return issues.count === before ? out : undefined;
}

function readConstraint(issues: Issues, path: string, item: unknown): PlacementConstraint | undefined {
  if (
    !Array.isArray(item) ||
    item.length < 2 ||
    item.length > 3 ||
    !item.every((x) => typeof x === 'string')
  ) {
    issues.add(
      path,
      `expected [field, operator] or [field, operator, value] (strings), got ${describe(item)}`,
    );
    return undefined;
  }
  const [field, op, value] = item as string[];
  const problem = constraintProblem(field as string, op as string, value);
  if (typeof problem === 'string') {
    issues.add(path, problem);
    return undefined;
  }
  return problem;
}

/** The checked constraint, or what is wrong with it. */
export function constraintProblem(
  field: string,
  op: string,
  value: string | undefined,
): PlacementConstraint | string {
  if (field === '' || field.length > 128) return `invalid field ${describe(field)}`;
  if (!(CONSTRAINT_OPERATORS as readonly string[]).includes(op)) {
    return `unknown operator ${describe(op)} (expected one of ${CONSTRAINT_OPERATORS.join(', ')})`;
  }
  const operator = op as ConstraintOperator;
  if (operator === 'UNIQUE' && value !== undefined) return 'UNIQUE takes no value';
  if (NEEDS_VALUE.has(operator) && (value === undefined || value === '')) return `${operator} needs a value`;
  const base = { field, operator, value };
  switch (operator) {
    case 'LIKE':
    case 'UNLIKE':
      try {
        return { ...base, pattern: new RegExp(`^(?:${value})$`, 'u') };
      } catch (e) {
        return `${operator}: invalid regular expression ${describe(value)} (${(e as Error).message})`;
      }
    case 'IN': {
      const text = (value as string).trim();
      const body = text.startsWith('{') && text.endsWith('}') ? text.slice(1, -1) : text;
      const values = body
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (values.length === 0) return 'IN needs at least one value, as {a,b}';
      return { ...base, values: new Set(values) };
    }
    case 'MAX_PER': {
      const max = Number(value);
      if (!(Number.isInteger(max) && max >= 1))
        return `MAX_PER needs a whole number >= 1, got ${describe(value)}`;
      return { ...base, max };
    }
    case 'UNIQUE':
    case 'CLUSTER':
    case 'IS':
      return base;
  }
}

/** A constraint as written: `["hostname","UNIQUE"]`. */
export function constraintJson(c: PlacementConstraint): string[] {
  return c.value === undefined ? [c.field, c.operator] : [c.field, c.operator, c.value];
}
