/**
 * Agent attributes in Mesos's text syntax (`--attributes`), e.g. `rack:r1;gpu_model:V100;level:3`:
 * `name:value` pairs separated by `;`. As Mesos's `Attributes::parse` does, a value's type is
 * read from its form: `[1-10,20-30]` is RANGES, `{a,b}` is SET, a number is SCALAR, anything else
 * is TEXT. Attributes are labels the master forwards into offers (AgentInfo.attributes); they
 * are not resources and nothing allocates them. Placement constraints read them
 * (src/workload/constraints.ts).
 */
import type { Attribute } from '../core/messages/resources-json.js';
import { err, ok, type Result } from '../core/result.js';

/** Characters of attribute text accepted (a typo guard). */
export const MAX_ATTRIBUTES_TEXT = 10_000;

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/u;
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/u;
const RANGE = /^\s*(\d+)\s*-\s*(\d+)\s*$/u;

/** Parses attribute text; the error names the entry and what is wrong with it. */
export function parseAttributes(text: string): Result<Attribute[], string> {
  if (text.length > MAX_ATTRIBUTES_TEXT) {
    return err(`is ${text.length} characters long, more than the limit of ${MAX_ATTRIBUTES_TEXT}`);
  }
  const out: Attribute[] = [];
  const seen = new Set<string>();
  for (const entry of text.split(';')) {
    if (entry.trim() === '') continue;
    const colon = entry.indexOf(':');
    if (colon < 0) return err(`"${entry}" is not name:value (expected e.g. "rack:r1;gpu_model:V100")`);
    const name = entry.slice(0, colon).trim();
    const value = entry.slice(colon + 1).trim();
    if (!NAME.test(name)) return err(`invalid attribute name "${name}" in "${entry}"`);
    if (value === '') return err(`attribute "${name}" has an empty value`);
    if (seen.has(name)) return err(`attribute "${name}" is given twice`);
    seen.add(name);
    const parsed = parseValue(name, value);
    if (typeof parsed === 'string') return err(parsed);
    out.push(parsed);
  }
  return ok(out);
}

function parseValue(name: string, value: string): Attribute | string {
  if (value.startsWith('[')) {
    if (!value.endsWith(']')) return `attribute "${name}": unterminated range "${value}"`;
    const range = [];
    for (const part of value.slice(1, -1).split(',')) {
      const m = RANGE.exec(part);
      if (m === null) return `attribute "${name}": "${part}" is not a range like 1-10`;
      const begin = Number(m[1]);
      const end = Number(m[2]);
      if (end < begin) return `attribute "${name}": range "${part}" goes backwards`;
      range.push({ begin, end });
    }
    return { name, type: 'RANGES', ranges: { range } };
  }
  if (value.startsWith('{')) {
    if (!value.endsWith('}')) return `attribute "${name}": unterminated set "${value}"`;
    const item = value
      .slice(1, -1)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    return { name, type: 'SET', set: { item } };
  }
  if (NUMBER.test(value)) return { name, type: 'SCALAR', scalar: { value: Number(value) } };
  return { name, type: 'TEXT', text: { value } };
}

/**
 * An attribute's value as text, in Mesos's format, which is what Marathon compares constraints
 * against: TEXT as is, a scalar as its number, ranges as `[1-10,20-30]`, a set as `{a,b}`.
 */
export function attributeText(a: Attribute): string {
  switch (a.type) {
    case 'TEXT':
      return a.text?.value ?? '';
    case 'SCALAR':
      return String(a.scalar?.value ?? 0);
    case 'RANGES':
      return `[${(a.ranges?.range ?? []).map((r) => `${r.begin}-${r.end}`).join(',')}]`;
    case 'SET':
      return `{${(a.set?.item ?? []).join(',')}}`;
  }
}
