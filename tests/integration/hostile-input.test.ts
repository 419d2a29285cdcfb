import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { errorStatus } from '../../controller/errors.js';
import type { RouteEntry } from '../../controller/http/route-table.js';
import { changedTables, dbDigest, type DbDigest } from '../helpers/db-digest.js';
import {
  bodyAttacks,
  edgeValues,
  json,
  paramAttacks,
  queryAttacks,
  schemaOf,
  withValueAt,
  wrongTypes,
  type Hostile,
} from '../helpers/hostile-requests.js';
import { hostileString, injectionStrings, unicodeStrings } from '../helpers/hostile-values.js';
import {
  apiRoutes,
  createOffice,
  fillPath,
  requestExamples,
  routeKey,
  sessionEnding,
  type RoleName,
} from '../helpers/route-fixtures.js';
import { stringFields } from '../helpers/schema-fields.js';
import { startTelephony } from '../helpers/telephony.js';
import { login } from '../helpers/test-app.js';

/**
 * Property: whatever arrives at any route (a random body, a huge or 10,000-deep one, malformed JSON, the wrong
 * content type, the wrong type in any field, injection strings and awkward unicode in any string), an authorised
 * caller never gets a 5xx; every refusal is the error envelope with a known `code` whose status is the one the
 * error table gives it; and a refusal changes nothing in the database (tests/helpers/db-digest.ts says which audit
 * rows are left out, and why). The routes, their fields and the caller's role come from the registered route table.
 */

const t = await startTelephony();
await t.start();
const office = await createOffice(t.app, t.db);
const examples = requestExamples(office);
afterAll(async () => t.close());

/** The role that calls the route: an admin when the route lets one, else the first role it names. */
const callerOf = (route: RouteEntry): RoleName | undefined => {
  if (!route.access) return undefined;
  const allowed = route.access.roles;
  return allowed.length === 0 || allowed.includes('admin') ? 'admin' : (allowed[0] as RoleName);
};

const remoteAddress = '198.51.100.77'; // not the fixtures' address: the log-in throttle must not slow their log-ins

let known: DbDigest | undefined;

async function send(route: RouteEntry, hostile: Hostile): Promise<string | undefined> {
  const key = routeKey(route);
  const role = callerOf(route);
  let headers: Record<string, string> = role ? { ...office.clients[role].headers } : {};
  if (role && sessionEnding.has(key)) {
    headers = await login(t.app, office.users[role].username, office.users[role].password);
  }
  let url = await fillPath(office, route.url, route.method === 'DELETE');
  if (hostile.param) {
    const segments = route.url.split('/');
    const filled = url.split('/');
    filled[segments.indexOf(`:${hostile.param[0]}`)] = hostile.param[1];
    url = filled.join('/');
  }
  const search = hostile.search ?? new URLSearchParams(examples[key]?.().query ?? {}).toString();
  if (hostile.payload !== undefined && hostile.contentType) headers['content-type'] = hostile.contentType;
  Object.assign(headers, hostile.headers);
  // The digest a refusal left is still the database's (nothing else writes between requests), unless set-up
  // wrote (a fresh resource to delete, a log-in, a note).
  const wrote = route.method === 'DELETE' || sessionEnding.has(key) || route.url.includes(':noteId');
  const before = (!wrote && known) || (await dbDigest(t.db));
  known = undefined;
  const request: InjectOptions = {
    method: route.method as 'GET',
    url: search ? `${url}?${search}` : url,
    headers,
    remoteAddress,
    ...(hostile.payload === undefined ? {} : { payload: hostile.payload }),
  };
  const response = await t.app.server.inject(request);
  return problemWith(key, response, hostile, before);
}

/**
 * Refusals that record what happened, by design: the tables each may change, and why. Nothing else may change on a
 * 4xx.
 */
const refusalsThatRecord: Record<string, { code: string; tables: string[]; why: string }> = {
  'POST /api/calls': {
    code: 'extension-unavailable',
    tables: ['call_logs'],
    why: "the call was started (the clicking user's devices were originated) and ended unavailable: its log says so",
  },
};

async function problemWith(
  key: string,
  response: LightMyRequestResponse,
  hostile: Hostile,
  before: DbDigest,
): Promise<string | undefined> {
  const status = response.statusCode;
  const head = `${hostile.what}: ${status}`;
  if (status >= 500) return `${head} ${response.body.slice(0, 200)}`;
  if (hostile.expect && !hostile.expect.includes(status)) {
    return `${head}, expected ${hostile.expect.join('|')} ${response.body.slice(0, 200)}`;
  }
  if (status < 400) return undefined;
  let code: unknown;
  try {
    code = (response.json() as { error?: { code?: unknown } }).error?.code;
  } catch {
    return `${head} with a body that is not JSON: ${response.body.slice(0, 100)}`;
  }
  if (typeof code !== 'string' || !(code in errorStatus))
    return `${head} with no known code: ${response.body}`;
  if (errorStatus[code as keyof typeof errorStatus] !== status)
    return `${head} but ${code} is not that status`;
  const after = await dbDigest(t.db);
  known = after;
  const recorded = refusalsThatRecord[key];
  const changed = changedTables(before, after).filter(
    (table) => recorded?.code !== code || !recorded.tables.includes(table),
  );
  return changed.length ? `${head} ${code}, yet changed ${changed.join(', ')}` : undefined;
}

const failuresOf = async (route: RouteEntry, hostiles: Hostile[]) => {
  const failures: string[] = [];
  for (const hostile of hostiles) {
    const problem = await send(route, hostile);
    if (problem) failures.push(problem);
  }
  return failures;
};

/** fast-check over one arbitrary: the failures it finds (shrunk). */
async function property<T>(
  route: RouteEntry,
  arbitrary: fc.Arbitrary<T>,
  toHostile: (value: T) => Hostile,
  numRuns: number,
) {
  const outcome = await fc.check(
    fc.asyncProperty(arbitrary, async (value) => (await send(route, toHostile(value))) === undefined),
    { numRuns },
  );
  if (!outcome.failed) return [];
  const hostile = toHostile(outcome.counterexample![0]);
  return [
    `${(await send(route, hostile)) ?? 'passed when run again'} (from ${fc.stringify(outcome.counterexample)})`,
  ];
}

const routes = apiRoutes(t.app);

describe('hostile input, on every route of the route table', () => {
  it('covers the routes of every feature, the public ones too', () => {
    expect(routes.map(routeKey)).toEqual(
      expect.arrayContaining([
        'POST /api/auth/login',
        'POST /api/users',
        'POST /api/parking/park',
        'GET /api/calls',
      ]),
    );
  });

  it('has the hostile strings the brief names', () => {
    expect(injectionStrings).toEqual(
      expect.arrayContaining([
        "'; drop table users; --",
        '${process.exit(1)}',
        '../../../../etc/passwd',
        '%00',
      ]),
    );
    expect(unicodeStrings.some((s) => /[\ud800-\udbff](?![\udc00-\udfff])/.test(s))).toBe(true);
  });

  it('lists only refusals that really record (each answers its code and changes only its tables)', async () => {
    const call = await office.clients.admin.post('/api/calls', { to: '+14155550100' });
    expect(call.json().error.code).toBe(refusalsThatRecord['POST /api/calls']!.code);
    const log = await t.db
      .selectFrom('call_logs')
      .select(['disposition', 'to_number'])
      .orderBy('started_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(log).toEqual({ disposition: 'unavailable', to_number: '+14155550100' });
    expect(Object.keys(refusalsThatRecord).every((key) => routes.some((r) => routeKey(r) === key))).toBe(
      true,
    );
  });

  it('refuses every hostile credential on every authenticated route: 401 unauthorized, nothing changed', async () => {
    const user = office.users.admin;
    const fresh = await t.app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: user.username, password: user.password },
    });
    const { token, refreshToken } = fresh.json<{ token: string; refreshToken: string }>();
    const [head, payload] = token.split('.') as [string, string, string];
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    const credentials = [
      `Bearer ${refreshToken}`,
      `Bearer ${unsigned}`,
      `Bearer ${head}.${payload}.${'A'.repeat(43)}`,
      `Bearer ${token}${token}`,
      `Bearer ${'a'.repeat(6000)}`,
      `Bearer ${token.slice(0, -1)}`,
      'Bearer',
      'Bearer  ',
      `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`,
      "Bearer ' or 1=1 --",
      'Bearer %00',
      'Bearer a.b.c',
    ];
    const failures: string[] = [];
    for (const [i, route] of routes.filter((r) => r.access).entries()) {
      const authorization = credentials[i % credentials.length]!;
      const url = await fillPath(office, route.url);
      const before = await dbDigest(t.db);
      const response = await t.app.server.inject({
        method: route.method as 'GET',
        url,
        headers: { authorization },
      });
      const changed = changedTables(before, await dbDigest(t.db));
      const code = response.statusCode === 401 ? response.json().error.code : undefined;
      if (code !== 'unauthorized' || changed.length) {
        failures.push(
          `${routeKey(route)} with ${authorization.slice(0, 40)}: ${response.statusCode} ${changed.join(', ')}`,
        );
      }
    }
    expect(failures).toEqual([]);
  });

  describe.each(routes.map((route) => [routeKey(route), route] as const))('%s', (_key, route) => {
    it('no body, query or path parameter makes it fail or changes anything when refused', async () => {
      const example = examples[routeKey(route)]?.() ?? {};
      const failures = await failuresOf(route, [
        ...bodyAttacks(route, example),
        ...wrongTypes(route, example),
        ...edgeValues(route, example),
        ...queryAttacks(route, example),
        ...paramAttacks(route),
      ]);
      // Random whole bodies.
      failures.push(
        ...(await property(
          route,
          fc.jsonValue({ maxDepth: 3 }),
          (value) => ({ what: 'a random body', payload: JSON.stringify(value), contentType: json }),
          4,
        )),
      );
      // Hostile text in every string field of the body, the query and the path.
      for (const field of stringFields(schemaOf(route, 'body'))) {
        failures.push(
          ...(await property(
            route,
            hostileString,
            (text) => ({
              what: `body.${field.path.join('.')} = ${JSON.stringify(text)}`,
              payload: JSON.stringify(withValueAt(example.body, field.path, text)),
              contentType: json,
            }),
            4,
          )),
        );
      }
      for (const field of stringFields(schemaOf(route, 'querystring'))) {
        const key = String(field.path[0]);
        failures.push(
          ...(await property(
            route,
            hostileString.filter((s) => !/[\ud800-\udfff]/.test(s)),
            (text) => {
              const query = new URLSearchParams(example.query ?? {});
              query.set(key, text);
              return { what: `query ${key} = ${JSON.stringify(text)}`, search: query.toString() };
            },
            4,
          )),
        );
      }
      expect(failures).toEqual([]);
    }, 60_000);
  });
});
