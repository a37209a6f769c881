import { fc, testProp } from '@fast-check/ava';
import { formatResources, parseResources, type ResourceParseOptions } from '../../src/core/resource-text.js';
import { type Resource, Resources } from '../../src/core/resources.js';
import { arbResources, arbResourceText, arbRole, SAMPLE_ROLES } from './arbitraries.js';
import { assertCanonical, assertSameResources } from './helpers.js';

const CUSTOM: ResourceParseOptions = { allowCustomNames: true };
const OPTS = { roles: SAMPLE_ROLES, customSets: true } as const;

testProp('parse(format(r)) equals r', [arbResources(OPTS)], (t, r) => {
  const back = parseResources(formatResources(r), CUSTOM);
  t.true(back.ok, back.ok ? '' : back.error.message);
  if (back.ok) assertSameResources(t, back.value, r);
});

testProp('format is canonical: format(parse(format(r))) === format(r)', [arbResources(OPTS)], (t, r) => {
  const text = formatResources(r);
  const back = parseResources(text, CUSTOM);
  t.true(back.ok);
  if (back.ok) t.is(formatResources(back.value), text);
});

testProp(
  'the round trip holds for generated roles too',
  [fc.uniqueArray(arbRole(), { maxLength: 3 }).chain((roles) => arbResources({ roles, customSets: true }))],
  (t, r) => {
    const back = parseResources(formatResources(r), CUSTOM);
    t.true(back.ok, back.ok ? '' : back.error.message);
    if (back.ok) assertSameResources(t, back.value, r);
  },
);

testProp(
  'the round trip holds for every safe scalar amount',
  [fc.maxSafeInteger(), fc.maxSafeInteger(), fc.integer({ min: 0, max: 9_007_199_254 })],
  (t, cpus, mem, gpus) => {
    const scalar = (name: string, milli: number): Resource => ({
      name,
      role: '*',
      value: { kind: 'scalar', milli },
    });
    const r = Resources.of([
      scalar('cpus', Math.abs(cpus)),
      scalar('mem', Math.abs(mem)),
      scalar('gpus', gpus * 1000),
    ]);
    const text = formatResources(r);
    const back = parseResources(text);
    t.true(back.ok, back.ok ? '' : back.error.message);
    if (back.ok) {
      t.is(formatResources(back.value), text);
      t.is(back.value.scalarMilli('cpus'), Math.abs(cpus));
      t.is(back.value.scalarMilli('mem'), Math.abs(mem));
    }
  },
  { numRuns: 1000 },
);

testProp(
  'non-canonical spellings parse to what they mean',
  [arbResourceText(OPTS)],
  (t, { text, resources }) => {
    const parsed = parseResources(text, CUSTOM);
    t.true(parsed.ok, parsed.ok ? '' : `${JSON.stringify(text)}: ${parsed.error.message}`);
    if (!parsed.ok) return;
    assertCanonical(t, parsed.value);
    assertSameResources(t, parsed.value, resources);
  },
  { numRuns: 300 },
);

testProp(
  'the order of the tokens does not matter',
  [
    arbResources(OPTS).chain((r) => {
      const tokens = formatResources(r).split(';');
      return fc.tuple(
        fc.constant(r),
        fc.shuffledSubarray(tokens, { minLength: tokens.length, maxLength: tokens.length }),
      );
    }),
  ],
  (t, [r, shuffled]) => {
    const parsed = parseResources(shuffled.join(';'), CUSTOM);
    t.true(parsed.ok);
    if (parsed.ok) assertSameResources(t, parsed.value, r);
  },
);

// Text over the characters that matter to the grammar, to reach the error paths at random.
const GRAMMAR = [
  'cpus',
  'gpus',
  'mem',
  'ports',
  'foo',
  ':',
  ';',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  '-',
  '.',
  'e',
  '1',
  '0',
  '9',
  ' ',
  '*',
  '/',
  'a',
  'NaN',
];
const arbGrammarText = fc
  .array(fc.constantFrom(...GRAMMAR), { maxLength: 14 })
  .map((parts) => parts.join(''));

for (const [label, options] of [
  ['strict', {}],
  ['custom names', CUSTOM],
] as const) {
  testProp(
    `parse never throws and reports a position inside the text (${label})`,
    [fc.oneof(arbGrammarText, fc.string())],
    (t, text) => {
      const r = parseResources(text, options);
      if (r.ok) {
        assertCanonical(t, r.value);
        const again = parseResources(formatResources(r.value), options);
        t.true(again.ok);
        if (again.ok) assertSameResources(t, again.value, r.value);
      } else {
        t.true(
          Number.isInteger(r.error.position) && r.error.position >= 0 && r.error.position <= text.length,
        );
        t.regex(r.error.message, new RegExp(` at ${r.error.position}( \\(.*\\))?$`, 'u'));
      }
    },
    { numRuns: 1000 },
  );
}
