import type { RouteEntry } from '../../controller/http/route-table.js';
import {
  deepArrayJson,
  deepObjectJson,
  edgeNumbers,
  longStrings,
  unknownIds,
  wrongValues,
} from './hostile-values.js';
import type { RequestExample } from './route-fixtures.js';
import { schemaFields } from './schema-fields.js';
import type { z } from 'zod';

/**
 * Hostile requests for one route of the route table, built from its schemas and a valid example request: bodies
 * that are not JSON or not what they claim, too large or too deep; the wrong type in every body field; odd query
 * strings; path parameters that try to escape.
 */

export interface Hostile {
  /** What the request is, for the failure message. */
  what: string;
  payload?: string | Buffer;
  /** The content-type header; none when undefined (or when there is no payload). */
  contentType?: string;
  /** Replaces the example's query string. */
  search?: string;
  /** Replaces one path parameter (already encoded). */
  param?: [name: string, encoded: string];
  /** Headers beyond the caller's token and the content type. */
  headers?: Record<string, string>;
  /** The statuses this request must get, when it is clear which. */
  expect?: number[];
}

export type Part = 'params' | 'querystring' | 'body';
export const schemaOf = (route: RouteEntry, part: Part) =>
  (route.schema as Record<Part, z.ZodType | undefined> | undefined)?.[part];

export const json = 'application/json';

export function withValueAt(body: unknown, path: (string | number)[], value: unknown): unknown {
  const root = structuredClone(body ?? {}) as Record<string | number, unknown>;
  let node = root;
  for (const [i, key] of path.entries()) {
    if (i === path.length - 1) node[key] = value;
    else {
      const existing = node[key];
      node[key] =
        typeof existing === 'object' && existing !== null
          ? existing
          : typeof path[i + 1] === 'number'
            ? []
            : {};
      node = node[key] as Record<string | number, unknown>;
    }
  }
  return root;
}

/** Bodies no route can take: not JSON, not what it says it is, too large, too deep. */
export function bodyAttacks(route: RouteEntry, example: RequestExample): Hostile[] {
  const hasBody = Boolean(schemaOf(route, 'body'));
  const refused = hasBody ? { expect: [400] } : {};
  const text = JSON.stringify(example.body ?? {});
  const malformed = [
    '{',
    '{"a":',
    '[1,]',
    "{'a':1}",
    'NaN',
    '{"a":1}}',
    text.slice(0, Math.max(1, text.length - 1)),
  ];
  const mediaRefused = hasBody ? { expect: [415] } : {};
  const all: Hostile[] = [
    ...malformed.map((payload) => ({
      what: `malformed JSON ${payload.slice(0, 40)}`,
      payload,
      contentType: json,
      ...refused,
    })),
    { what: 'invalid UTF-8', payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), contentType: json },
    { what: 'a BOM before the JSON', payload: `\ufeff${text}`, contentType: json },
    { what: 'a JSON string', payload: '"just a string"', contentType: json },
    { what: 'a JSON number', payload: '123', contentType: json },
    { what: 'JSON null', payload: 'null', contentType: json },
    { what: 'an empty body', payload: '', contentType: json },
    {
      what: 'a __proto__ key',
      payload: '{"__proto__":{"role":"admin","isAdmin":true}}',
      contentType: json,
      ...refused,
    },
    {
      what: 'a constructor.prototype key',
      payload: '{"constructor":{"prototype":{"role":"admin"}}}',
      contentType: json,
      ...refused,
    },
    {
      what: 'duplicate keys',
      payload: text.replace(/^\{/, '{"role":"admin",').replace(/,\}$/, '}'),
      contentType: json,
    },
    {
      what: 'a 2 MB string',
      payload: JSON.stringify({ x: 'a'.repeat(2 * 1024 * 1024) }),
      contentType: json,
      ...refused,
    },
    {
      what: 'a 100,000-element array',
      payload: JSON.stringify(new Array(100_000).fill(0)),
      contentType: json,
      ...refused,
    },
    { what: 'arrays 10,000 deep', payload: deepArrayJson(10_000), contentType: json, ...refused },
    { what: 'objects 10,000 deep', payload: deepObjectJson(10_000), contentType: json, ...refused },
    { what: 'text/plain', payload: text, contentType: 'text/plain', ...mediaRefused },
    {
      what: 'a form',
      payload: 'username=admin&password=x',
      contentType: 'application/x-www-form-urlencoded',
      ...mediaRefused,
    },
    {
      what: 'multipart',
      payload: '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n',
      contentType: 'multipart/form-data; boundary=b',
      ...mediaRefused,
    },
    { what: 'no content type', payload: text },
    {
      what: 'a content-length shorter than the body',
      payload: text,
      contentType: json,
      headers: { 'content-length': '2' },
    },
    {
      what: 'a content-length longer than the body',
      payload: text,
      contentType: json,
      headers: { 'content-length': '99999' },
    },
    { what: 'a made-up content type', payload: text, contentType: 'application/x-evil', ...mediaRefused },
    { what: 'json with a strange charset', payload: text, contentType: 'application/json; charset=utf-7' },
  ];
  // A route without a body schema gets a few (its handler must ignore the body), one with a body all of them.
  const few = [
    'malformed JSON {',
    'a __proto__ key',
    'a 2 MB string',
    'arrays 10,000 deep',
    'text/plain',
    'no content type',
  ];
  return hasBody ? all : all.filter((hostile) => few.includes(hostile.what));
}

/** Every field of the body schema given a value of the wrong type, or a 10,000-deep array. */
export function wrongTypes(route: RouteEntry, example: RequestExample): Hostile[] {
  return schemaFields(schemaOf(route, 'body')).flatMap((field) =>
    wrongValues(field.types).map((value) => ({
      what: `body.${field.path.join('.')} = ${JSON.stringify(value)}`,
      payload: JSON.stringify(withValueAt(example.body, field.path, value)),
      contentType: json,
    })),
  );
}

/**
 * Every number field of the body at the edges (past int4, int8, fractions), every string field very long or the id
 * of nothing.
 */
export function edgeValues(route: RouteEntry, example: RequestExample): Hostile[] {
  return schemaFields(schemaOf(route, 'body')).flatMap((field) => {
    const numeric = field.types.some((type) => type === 'number' || type === 'int');
    const values = [
      ...(numeric ? edgeNumbers : []),
      ...(field.types.includes('string') ? [...longStrings, ...unknownIds] : []),
    ];
    // Numbers JSON can write but not JSON.stringify: past a double (Infinity once parsed), a negative zero.
    const raw = numeric ? ['1e999', '-1e999', '-0', '1E+400'] : [];
    return [
      ...values.map((value) => ({
        what: `body.${field.path.join('.')} = ${JSON.stringify(value).slice(0, 30)}`,
        payload: JSON.stringify(withValueAt(example.body, field.path, value)),
        contentType: json,
      })),
      ...raw.map((text) => ({
        what: `body.${field.path.join('.')} = ${text}`,
        payload: JSON.stringify(withValueAt(example.body, field.path, '<raw>')).replace('"<raw>"', text),
        contentType: json,
      })),
    ];
  });
}

/** Query strings no route expects: huge, repeated keys, unknown keys, bad %-escapes. */
export function queryAttacks(route: RouteEntry, example: RequestExample): Hostile[] {
  const query = new URLSearchParams(example.query ?? {});
  const schema = schemaOf(route, 'querystring');
  const keys = schemaFields(schema)
    .filter((f) => f.path.length === 1)
    .map((f) => String(f.path[0]));
  const always: Hostile[] = [
    { what: 'a 20 KB query', search: `q=${'a'.repeat(20_000)}` },
    { what: 'an unknown key', search: `${query.toString()}&__proto__=1&constructor=x` },
  ];
  if (!schema) return always;
  return [
    ...always,
    { what: 'a bad %-escape', search: 'q=%E0%A4%A' },
    ...keys.map((key) => ({ what: `repeated ${key}`, search: `${key}=1&${key}=2&${key}[]=3` })),
    ...keys.map((key) => ({ what: `huge number ${key}`, search: `${key}=1e400` })),
    ...keys.map((key) => ({ what: `negative ${key}`, search: `${key}=-99999999999999999999` })),
    ...keys.map((key) => ({ what: `past int4 ${key}`, search: `${key}=2147483648` })),
    ...keys.map((key) => ({ what: `a fraction ${key}`, search: `${key}=0.5` })),
    ...keys.map((key) => ({ what: `a long ${key}`, search: `${key}=${'a'.repeat(4000)}` })),
  ];
}

/** Path parameters that try to escape: dots, slashes, NUL, huge, unicode. */
export function paramAttacks(route: RouteEntry): Hostile[] {
  const names = route.url
    .split('/')
    .filter((s) => s.startsWith(':'))
    .map((s) => s.slice(1));
  const values = [
    '..',
    '%2e%2e%2f%2e%2e%2fetc',
    '..%2F..%2Fusers',
    '%00',
    'a'.repeat(5000),
    '%F0%9F%92%A9',
    '%E2%80%AE',
    "'%3B%20drop%20table%20users",
  ];
  return names.flatMap((name) =>
    values.map((v) => ({ what: `:${name} = ${v.slice(0, 30)}`, param: [name, v] as [string, string] })),
  );
}
