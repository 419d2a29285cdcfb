import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  apiRoutes,
  createOffice,
  fillPath,
  requestExamples,
  routeKey,
  type Office,
  type RequestExample,
} from '../helpers/route-fixtures.js';
import { withValueAt } from '../helpers/hostile-requests.js';
import { stringFields } from '../helpers/schema-fields.js';
import { startTelephony, type Telephony } from '../helpers/telephony.js';

/**
 * Property: no string an admin sends, in any field of any route, makes the API fail (5xx). Strings with a NUL (which
 * PostgreSQL's text cannot hold) or an unpaired surrogate are 400 validation-failed. The routes and their string
 * fields come from the registered routes' zod schemas, so a new route or field is fuzzed without being listed.
 */

let t: Telephony;
let office: Office;
let examples: Record<string, () => RequestExample>;

beforeAll(async () => {
  t = await startTelephony();
  await t.start();
  office = await createOffice(t.app, t.db);
  examples = requestExamples(office);
});
afterAll(async () => t?.close());

type Part = 'params' | 'querystring' | 'body';
const parts: Part[] = ['params', 'querystring', 'body'];
const routes = () => apiRoutes(t.app);
const schemaOf = (route: ReturnType<typeof routes>[number], part: Part) =>
  (route.schema as Record<Part, z.ZodType | undefined> | undefined)?.[part];

const special = ['\u0000', '\u0001', '\u0008', '\u001b', '\u001f', '\u007f', '\u0085', '\u00a0', '\u200b'];
const awkward = ['\u2028', '\u2029', '\ufeff', '\ufffe', '\uffff', '\ud800', '\udbff', '\udc00', '\udfff'];
const unit = fc.oneof(
  fc.constantFrom(...special, ...awkward, '\t', '\n', '\r', ' ', '%', "'", '"', '\\', '_', '💩'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
/** Any text, heavy on control characters and surrogate halves. */
const anyText = fc.string({ unit, maxLength: 40 });
/** Text with at least one NUL. */
const withNul = fc.tuple(anyText, anyText).map(([a, b]) => `${a}\u0000${b}`);

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The 400 the API must answer, if any. In JSON a NUL or an unpaired surrogate arrives as such: validation-failed.
 * In a URL an unpaired surrogate can only be sent as bytes that are not UTF-8: a path with them is
 * malformed-request, a query value keeps them undecoded (so it holds no NUL any more and may pass).
 */
function refusal(part: Part, text: string): string | undefined {
  const nul = text.includes('\u0000');
  const lone = loneSurrogate.test(text);
  if (part === 'body') return nul || lone ? 'validation-failed' : undefined;
  if (lone) return part === 'params' ? 'malformed-request' : undefined;
  return nul ? 'validation-failed' : undefined;
}

/** Percent-encoding that also carries unpaired surrogates (as their WTF-8 bytes), which encodeURIComponent refuses. */
const percentEncode = (text: string) =>
  [...text]
    .map((ch) => {
      const cp = ch.codePointAt(0)!;
      if (cp < 0xd800 || cp > 0xdfff) return encodeURIComponent(ch);
      return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    })
    .join('');

async function send(
  route: ReturnType<typeof routes>[number],
  part: Part,
  path: (string | number)[],
  text: string,
) {
  const example = examples[routeKey(route)]?.() ?? {};
  let url = await fillPath(office, route.url);
  const query: Record<string, string> = { ...example.query };
  let body = example.body;
  if (part === 'params') {
    const segments = route.url.split('/');
    const filled = url.split('/');
    filled[segments.indexOf(`:${path[0]}`)] = percentEncode(text);
    url = filled.join('/');
  } else if (part === 'querystring') query[String(path[0])] = text;
  else body = withValueAt(body, path, text);
  const search = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${percentEncode(v)}`)
    .join('&');
  return t.app.server.inject({
    method: route.method as 'GET',
    url: search ? `${url}?${search}` : url,
    headers: { ...office.clients.admin.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
}

describe('every route takes any text without failing', () => {
  it('knows a valid request for every route with a body or a query', () => {
    const missing = routes()
      .filter(
        (route) => (schemaOf(route, 'body') || schemaOf(route, 'querystring')) && !examples[routeKey(route)],
      )
      .map(routeKey);
    expect(missing, 'add these to requestExamples in tests/helpers/route-fixtures.ts').toEqual([]);
  });

  it('finds the free-text fields of the routes from their schemas', () => {
    const fields = routes().flatMap((route) =>
      parts.flatMap((part) =>
        stringFields(schemaOf(route, part))
          .filter((f) => f.freeText)
          .map((f) => `${routeKey(route)} ${part}.${f.path.join('.')}`),
      ),
    );
    expect(fields).toEqual(
      expect.arrayContaining([
        'POST /api/teams body.name',
        'GET /api/contacts querystring.q',
        'PATCH /api/contacts/:id body.description',
        'POST /api/contacts body.phoneNumbers.0',
        'POST /api/call-logs/:id/notes body.body',
      ]),
    );
  });

  it('every string of every route: never a 5xx; a NUL or an unpaired surrogate is 400 validation-failed', async () => {
    const failures: string[] = [];
    for (const route of routes()) {
      for (const part of parts) {
        for (const field of stringFields(schemaOf(route, part))) {
          const name = `${routeKey(route)} ${part}.${field.path.join('.')}`;
          const texts = field.freeText ? fc.oneof(anyText, withNul) : withNul;
          const outcome = await fc.check(
            fc.asyncProperty(texts, async (text) => {
              const response = await send(route, part, field.path, text);
              if (response.statusCode >= 500) return false;
              const code = refusal(part, text);
              if (!code) return true;
              return response.statusCode === 400 && response.json().error.code === code;
            }),
            { numRuns: field.freeText ? 40 : 10 },
          );
          if (outcome.failed) failures.push(`${name}: ${fc.stringify(outcome.counterexample)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 240_000);
});
