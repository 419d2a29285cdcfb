import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTableOf, type RouteEntry } from '../../controller/http/route-table.js';
import {
  createOffice,
  fillPath,
  newContact,
  requestExamples,
  roles,
  routeKey,
  scopedByData,
  sessionEnding,
  type RoleName,
} from '../helpers/route-fixtures.js';
import { startTelephony } from '../helpers/telephony.js';
import { login } from '../helpers/test-app.js';

/**
 * The role x route matrix, generated from the routes the app registers (calls and parking included), so a new
 * route is in it without being listed: no token is 401, a role the route's access hook does not name is 403, and a
 * role it names is neither, unless the route is listed below as scoped by data (with the reason).
 */

const t = await startTelephony();
await t.start();
const office = await createOffice(t.app, t.db);
const examples = requestExamples(office);
afterAll(async () => t.close());

/** /api routes that take no token, and why. */
const publicRoutes: Record<string, string> = {
  'POST /api/auth/login': 'exchanges a username and password for tokens',
  'POST /api/auth/refresh': 'exchanges a refresh token (the credential) for the next pair',
  'GET /api/events':
    'a WebSocket: its handshake checks a ticket or bearer token itself and closes 4401 (events.test.ts)',
};
const isPublic = (route: RouteEntry) => routeKey(route) in publicRoutes || route.url.startsWith('/api/docs');

const api = routeTableOf(t.app.server).filter((route) => route.url.startsWith('/api/'));
const callable = api.filter((route) => !route.websocket && !isPublic(route));

async function call(route: RouteEntry, role: RoleName | undefined) {
  const example = examples[routeKey(route)]?.() ?? {};
  const url = await fillPath(office, route.url, route.method === 'DELETE');
  const query = new URLSearchParams(example.query ?? {}).toString();
  let headers = role ? office.clients[role].headers : {};
  if (role && sessionEnding.has(routeKey(route))) {
    const user = office.users[role];
    headers = await login(t.app, user.username, user.password);
  }
  return t.app.server.inject({
    method: route.method as 'GET',
    url: query ? `${url}?${query}` : url,
    headers,
    ...(example.body === undefined ? {} : { payload: example.body as object }),
  });
}

describe('the route table', () => {
  it('has the routes of every feature', () => {
    const keys = api.map(routeKey);
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /api/users',
        'GET /api/contacts/lookup',
        'POST /api/parking/park',
        'GET /api/calls',
      ]),
    );
  });

  it('gives every /api route an access hook, except the public ones named with their reason', () => {
    const open = api.filter((route) => !route.access && !isPublic(route)).map(routeKey);
    expect(open, 'routes without auth.allow(...)').toEqual([]);
  });

  it('lists only real routes as scoped by data', () => {
    const keys = new Set(api.map(routeKey));
    expect(Object.keys(scopedByData).filter((key) => !keys.has(key))).toEqual([]);
  });
});

describe.each(callable.map((route) => [routeKey(route), route] as const))('%s', (_key, route) => {
  it('is 401 without a token', async () => {
    const response = await call(route, undefined);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthorized');
  });

  it.each(roles)('answers %s by its access hook', async (role) => {
    const response = await call(route, role);
    const allowed = route.access!.roles.length === 0 || route.access!.roles.includes(role);
    const scoped = scopedByData[routeKey(route)]?.[role];
    if (!allowed) {
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json().error.code).toBe('forbidden');
    } else if (scoped) {
      expect(response.statusCode, `listed as scoped by data: ${scoped}`).toBe(403);
    } else {
      expect([401, 403], response.body).not.toContain(response.statusCode);
    }
  });
});

describe('contacts by data: who reads and writes whose contacts', () => {
  type Level = 'write' | 'read' | 'none';
  type Caller = 'admin' | 'supervisor' | 'otherSupervisor' | 'agent' | 'otherAgent';
  type Kind = 'teamA' | 'teamB' | 'shared';
  const { users, clients } = office;
  const contacts: Record<Kind, { id: string; number: string; teamId: string | null; assignee?: string }> = {
    teamA: { id: '', number: '+14155551001', teamId: office.teamA.id, assignee: users.agent.id },
    teamB: { id: '', number: '+14155551002', teamId: office.teamB.id, assignee: users.otherAgent.id },
    shared: { id: '', number: '+14155551003', teamId: null },
  };
  const create = async (kind: Kind) => {
    const contact = contacts[kind];
    const id = await newContact(office, { teamId: contact.teamId, assignedTo: contact.assignee });
    await t.db
      .updateTable('contacts')
      .set({ phone_numbers: [contact.number] })
      .where('id', '=', id)
      .execute();
    return id;
  };
  beforeAll(async () => {
    for (const kind of Object.keys(contacts) as Kind[]) contacts[kind].id = await create(kind);
  });

  /** The decision (README "Who sees what"): team A's supervisor and agent, team B's, and an admin. */
  const expected: Record<Caller, Record<Kind, Level>> = {
    admin: { teamA: 'write', teamB: 'write', shared: 'write' },
    supervisor: { teamA: 'write', teamB: 'none', shared: 'read' },
    otherSupervisor: { teamA: 'none', teamB: 'write', shared: 'read' },
    agent: { teamA: 'read', teamB: 'none', shared: 'none' },
    otherAgent: { teamA: 'none', teamB: 'read', shared: 'none' },
  };
  /** Whom each caller assigns: a member of their own team. */
  const assignee: Record<Caller, string> = {
    admin: users.agent.id,
    supervisor: users.agent.id,
    otherSupervisor: users.otherAgent.id,
    agent: users.agent.id,
    otherAgent: users.otherAgent.id,
  };
  const cases = (Object.keys(expected) as Caller[]).flatMap((caller) =>
    (Object.keys(contacts) as Kind[]).map((kind) => [caller, kind, expected[caller][kind]] as const),
  );

  it.each(cases)('%s and the %s contact: %s', async (caller, kind, level) => {
    const client = clients[caller];
    const { id, number } = contacts[kind];
    const reads = level !== 'none';
    const writes = level === 'write';
    const manager = caller === 'admin' || caller.toLowerCase().includes('supervisor');
    const status = (response: { statusCode: number }) => response.statusCode;
    const listed = (await client.get('/api/contacts?limit=200'))
      .json()
      .items.map((c: { id: string }) => c.id);
    const lookup = await client.get(`/api/contacts/lookup?number=${encodeURIComponent(number)}`);
    const got = {
      list: listed.includes(id),
      lookup: [status(lookup), lookup.json().id ?? lookup.json().error.code],
      get: status(await client.get(`/api/contacts/${id}`)),
      notes: status(await client.get(`/api/contacts/${id}/notes`)),
      addNote: status(await client.post(`/api/contacts/${id}/notes`, { body: `from ${caller}` })),
      assignments: status(await client.get(`/api/contacts/${id}/assignments`)),
      update: status(await client.patch(`/api/contacts/${id}`, { description: `by ${caller}` })),
      assign: status(
        await client.put(`/api/contacts/${id}/assignments/${assignee[caller]}`, { active: false }),
      ),
      unassign: status(await client.delete(`/api/contacts/${id}/assignments/${assignee[caller]}`)),
      delete: status(await client.delete(`/api/contacts/${await create(kind)}`)),
    };
    expect(got).toEqual({
      list: reads,
      lookup: reads ? [200, id] : [404, 'no-such-contact'],
      get: reads ? 200 : 403,
      notes: reads ? 200 : 403,
      addNote: reads ? 201 : 403,
      assignments: manager && reads ? 200 : 403,
      update: writes ? 200 : 403,
      assign: writes ? 200 : 403,
      unassign: writes ? 204 : 403,
      delete: writes ? 204 : 403,
    });
    // The assignment this case changed goes back as it was (team A's agent is assigned team A's contact).
    if (writes && contacts[kind].assignee === assignee[caller]) {
      await clients.admin.put(`/api/contacts/${id}/assignments/${assignee[caller]}`, { active: true });
    }
  });
});
