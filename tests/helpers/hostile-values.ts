import fc from 'fast-check';

/** Hostile values for the input tests: injection strings, awkward unicode, huge and deeply nested payloads. */

export const injectionStrings = [
  "'; drop table users; --",
  "' or '1'='1",
  '" or ""="',
  '1; select pg_sleep(0)',
  "admin'--",
  '%',
  '_',
  '\\',
  '${process.exit(1)}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%00',
  '%2e%2e%2f',
  'a\u0000b',
  '\u0000',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '0x1F',
  ' ',
  '',
  '\r\nX-Injected: 1',
  'Stasis:park-701',
  '2024-02-30',
  '0000-01-01',
  '+275760-09-13T00:00:00.000Z',
  'infinity',
  '-infinity',
  'now',
  'epoch',
  '00000000-0000-0000-0000-000000000000',
  'PJSIP/1001',
  '*222',
];

export const unicodeStrings = [
  '\u202eevil\u202c',
  'مرحبا بالعالم',
  'שלום',
  '💩🎉👩‍👩‍👧‍👦',
  '\ud83d\ude00',
  '\ud800',
  '\udfff',
  'a\udc00b',
  '\ufeff',
  '\uffff',
  '\u2028\u2029',
  'Z̷̡̛̖a̵l̸g̶o̷',
  'ｆｕｌｌｗｉｄｔｈ',
  '\u0007\u001b[31m',
];

/** Long enough to pass a body limit of 64 KiB but not a B-tree index entry (about 2.7 kB). */
export const longStrings = ['a'.repeat(10_000), 'é'.repeat(3000), '💩'.repeat(1000)];

/** Ids of nothing: the nil UUID and a random-looking one (a reference the service must look up and refuse). */
export const unknownIds = ['00000000-0000-0000-0000-000000000000', '6f1c2b9e-3d4a-4e8f-9b7c-2a1d0e5f4c3b'];

/** Numbers at the edges: past int4 and int8, past 2^53, fractions, negatives. */
export const edgeNumbers = [2147483648, -2147483649, 2 ** 53 + 2, 1e308, -1e308, 0.5, -1, 0];

export const hostileString = fc.oneof(
  fc.constantFrom(...injectionStrings, ...unicodeStrings, ...longStrings),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

/** `[[[…]]]` (and `{"a":{"a":…}}`) `depth` levels deep, as JSON text (never built as an object: no recursion). */
export const deepArrayJson = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
export const deepObjectJson = (depth: number) => '{"a":'.repeat(depth) + 'null' + '}'.repeat(depth);

/**
 * Values of the wrong JSON type for a field whose zod types are `types`: a scalar, null and a container, each the
 * first of its kind the field does not take.
 */
export function wrongValues(types: string[]): unknown[] {
  const takes = (...kinds: string[]) => kinds.some((kind) => types.includes(kind));
  const scalars: unknown[] = [
    ...(takes('string', 'enum', 'literal', 'templateLiteral') ? [] : ['not-what-you-want']),
    ...(takes('number', 'int', 'bigint') ? [] : [1e308]),
    ...(takes('boolean') ? [] : [true]),
  ];
  const containers: unknown[] = [
    ...(takes('array', 'tuple') ? [] : [[null, 1, 'x']]),
    ...(takes('object', 'record') ? [] : [{ a: { b: [1] } }]),
  ];
  return [scalars[0], takes('null') ? undefined : null, containers[0]].filter((v) => v !== undefined);
}
