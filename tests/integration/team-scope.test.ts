import { afterAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../../controller/http/route-table.js';
import {
  apiRoutes,
  createOffice,
  fillPath,
  requestExamples,
  routeKey,
  scopedByData,
  sessionEnding,
  type Office,
} from '../helpers/route-fixtures.js';
import { startTelephony } from '../helpers/telephony.js';
import { login } from '../helpers/test-app.js';

/**
 * The access matrix's other dimension: own team or another. Every fixture the path parameters name is team A's
 * (team A's agent, their contact, call log, voicemail, recording; team A itself), so for every route of the route
 * table with such a parameter, team A's supervisor (and agent) get an answer and team B's supervisor (and agent)
 * get 403 or 404; the lists a supervisor or an agent of team B reads hold none of team A's ids. A new route, or a
 * new kind of path parameter, is in it without being listed (the kind must be classified below).
 */

const t = await startTelephony();
// The office before the ARI connection: its users are in the presence directory the connection loads.
const office: Office = await createOffice(t.app, t.db);
await t.start();
const examples = requestExamples(office);
afterAll(async () => t.close());

/** Path parameter kinds (named as fillPath names them) whose resource belongs to a team, and how. */
const teamScoped: Record<string, string> = {
  users: "a user is in a team: a supervisor reads their team's users (users.access.ts)",
  teams: 'the team itself: a non-admin sees only their own (teams.access.ts)',
  contacts: "a contact is its team's (contacts.access.ts)",
  'call-logs': "a call log is its team members' (call-logs.access.ts)",
  notes: 'a note is on a contact or a call log of the team',
  voicemail: "a message is in a team member's mailbox",
  recordings: "a recording is of a team member's call",
};
/** Kinds that belong to no team, and why. */
const notTeamScoped: Record<string, string> = {
  devices: 'every role reads devices (README "Who sees what"); only admins write them',
  trunks: 'admins only',
  'inbound-routes': 'admins only',
  calls: 'a live call; the fixture names none (404 to everyone)',
  pages: 'a live page; the fixture names none',
  supervision: 'a live supervision session; the fixture names none',
  groups: 'paging groups are the office’s',
  zones: 'paging zones are the office’s',
};
const presenceForSupervisors =
  'supervisors see everyone’s presence (presence.access.ts: they watch the floor)';
/** Routes with a team's resource that a role still reads office-wide, with the reason. */
const officeWide: Record<string, Partial<Record<'supervisor' | 'agent', string>>> = {
  'GET /api/presence': { supervisor: presenceForSupervisors },
  'GET /api/presence/:userId': { supervisor: presenceForSupervisors },
};
/** Routes where team A's own answer is a 404 after the access check, because of the fixture; team B's must be 403. */
const fixtureMissing: Record<string, string> = {
  'GET /api/voicemail/:id/audio': 'the fixture message has no audio file',
  'GET /api/recordings/:id/audio': 'the fixture recording has no audio file',
};

const kindsOf = (url: string) => {
  const segments = url.split('/');
  return segments.flatMap((segment, i) =>
    !segment.startsWith(':')
      ? []
      : [segment === ':userId' ? 'users' : segment === ':noteId' ? 'notes' : segments[i - 1]!],
  );
};

type Caller = 'supervisor' | 'otherSupervisor' | 'agent' | 'otherAgent';
const roleOf = (caller: Caller) => (caller.toLowerCase().includes('supervisor') ? 'supervisor' : 'agent');

async function call(route: RouteEntry, caller: Caller) {
  const key = routeKey(route);
  const example = examples[key]?.() ?? {};
  const url = await fillPath(office, route.url, route.method === 'DELETE');
  const query = new URLSearchParams(example.query ?? {}).toString();
  const user = office.users[caller];
  const headers = sessionEnding.has(key)
    ? await login(t.app, user.username, user.password)
    : office.clients[caller].headers;
  return t.app.server.inject({
    method: route.method as 'GET',
    url: query ? `${url}?${query}` : url,
    headers,
    ...(example.body === undefined ? {} : { payload: example.body as object }),
  });
}

const routes = apiRoutes(t.app).filter((route) => route.access);
const allows = (route: RouteEntry, role: 'supervisor' | 'agent') =>
  route.access!.roles.length === 0 || route.access!.roles.includes(role);
const teamRoutes = (role: 'supervisor' | 'agent') =>
  routes
    .filter((route) => allows(route, role) && kindsOf(route.url).some((kind) => kind in teamScoped))
    .map((route) => [routeKey(route), route] as const);

/** Team B's caller is refused first (the resource is still there for team A's), then team A's is answered. */
async function expectScoped(key: string, route: RouteEntry, own: Caller, other: Caller) {
  const role = roleOf(own);
  const theirs = await call(route, other);
  if (officeWide[key]?.[role])
    expect(theirs.statusCode, `office-wide: ${officeWide[key][role]}`).toBeLessThan(300);
  else if (fixtureMissing[key]) expect(theirs.statusCode, theirs.body).toBe(403);
  else expect([403, 404], theirs.body).toContain(theirs.statusCode);
  const ours = await call(route, own);
  const readOnly = role === 'supervisor' ? scopedByData[key]?.supervisor : undefined;
  if (readOnly) expect(ours.statusCode, `scoped by data: ${readOnly}`).toBe(403);
  else if (fixtureMissing[key]) expect(ours.statusCode, fixtureMissing[key]).toBe(404);
  else expect(ours.statusCode, ours.body).toBeLessThan(300);
}

describe('own team and another team', () => {
  it('knows, for every kind of path parameter in the route table, whether it belongs to a team', () => {
    const kinds = new Set(routes.flatMap((route) => kindsOf(route.url)));
    const unclassified = [...kinds].filter((kind) => !(kind in teamScoped) && !(kind in notTeamScoped));
    expect(unclassified, 'add them to teamScoped or notTeamScoped with the reason').toEqual([]);
    expect(teamRoutes('supervisor').length).toBeGreaterThan(10);
  });

  describe.each(teamRoutes('supervisor'))('%s, as a supervisor', (key, route) => {
    it("is refused (403 or 404) to team B's supervisor, answered to team A's", async () => {
      await expectScoped(key, route, 'supervisor', 'otherSupervisor');
    });
  });

  describe.each(teamRoutes('agent'))('%s, as an agent', (key, route) => {
    it("is refused (403 or 404) to team B's agent, answered to team A's agent (whose the resources are)", async () => {
      await expectScoped(key, route, 'agent', 'otherAgent');
    });
  });

  const lists = routes.filter((route) => route.method === 'GET' && kindsOf(route.url).length === 0);
  const teamAIds = () => ({
    team: office.teamA.id,
    agent: office.users.agent.id,
    supervisor: office.users.supervisor.id,
    contact: office.contactId,
    callLog: office.callLogId,
    voicemail: office.voicemailId,
    recording: office.recordingId,
  });
  const listCases = lists.flatMap((route) =>
    (['otherSupervisor', 'otherAgent'] as const)
      .filter((caller) => allows(route, roleOf(caller)) && !officeWide[routeKey(route)]?.[roleOf(caller)])
      .map((caller) => [routeKey(route), caller, route] as const),
  );
  it.each(listCases)("%s shows %s none of team A's ids", async (_key, caller, route) => {
    const response = await call(route, caller);
    expect(response.statusCode, response.body).toBeLessThan(500);
    const leaked = Object.entries(teamAIds()).filter(([, id]) => response.body.includes(id));
    expect(leaked.map(([name]) => name)).toEqual([]);
  });

  it("shows team A's supervisor team A's ids in those lists (so the check above can fail)", async () => {
    const seen = async (url: string, id: string) =>
      (await office.clients.supervisor.get(url)).body.includes(id);
    expect(await seen('/api/users', office.users.agent.id)).toBe(true);
    expect(await seen('/api/contacts', office.contactId)).toBe(true);
    expect(await seen('/api/call-logs', office.callLogId)).toBe(true);
    expect(await seen('/api/voicemail', office.voicemailId)).toBe(true);
    expect(await seen('/api/teams', office.teamA.id)).toBe(true);
  });

  it("lets team A's supervisor, not team B's, supervise team A's agent", async () => {
    const body = {
      targetExtension: office.users.agent.extension,
      supervisorExtension: office.users.otherSupervisor.extension,
      mode: 'monitor',
    };
    const other = await office.clients.otherSupervisor.post('/api/supervision', body);
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('supervision-forbidden');
    const own = await office.clients.supervisor.post('/api/supervision', {
      ...body,
      supervisorExtension: office.users.supervisor.extension,
    });
    expect(own.json().error?.code).not.toBe('supervision-forbidden');
  });
});
