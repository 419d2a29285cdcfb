import { afterAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../../controller/http/route-table.js';
import {
  apiRoutes,
  createOffice,
  fillPath,
  pathKinds,
  requestExamples,
  routeKey,
  scopedByData,
  sessionEnding,
  type Office,
  type TeamSide,
} from '../helpers/route-fixtures.js';
import { startTelephony } from '../helpers/telephony.js';
import { login } from '../helpers/test-app.js';

/**
 * The access matrix's other dimension: own team or another. Each team has its agent's resources (the agent, their
 * contact, call log, voicemail, recording; the team itself: route-fixtures' fillPath with a side), so for every
 * route of the route table with such a path parameter, a supervisor (and an agent) of either team gets an answer
 * for their own team's and 403 or 404 for the other's; the lists they read hold none of the other team's ids. A
 * new route, or a new kind of path parameter, is in it without being listed (the kind must be classified below).
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

type Caller = 'supervisor' | 'otherSupervisor' | 'agent' | 'otherAgent';

async function call(route: RouteEntry, caller: Caller, side: TeamSide) {
  const key = routeKey(route);
  const example = examples[key]?.() ?? {};
  const url = await fillPath(office, route.url, route.method === 'DELETE', side);
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
    .filter((route) => allows(route, role) && pathKinds(route.url).some((kind) => kind in teamScoped))
    .map((route) => [routeKey(route), route] as const);

/** The caller of `role` in each team. */
const callerOf = (role: 'supervisor' | 'agent', side: TeamSide): Caller =>
  side === 'A' ? role : role === 'supervisor' ? 'otherSupervisor' : 'otherAgent';
const otherSide = (side: TeamSide): TeamSide => (side === 'A' ? 'B' : 'A');

/**
 * The caller of `role` in team `side` is refused the other team's resource first (so a wrong answer cannot have
 * spent their own), then answered for their own.
 */
async function expectScoped(key: string, route: RouteEntry, role: 'supervisor' | 'agent', side: TeamSide) {
  const caller = callerOf(role, side);
  const theirs = await call(route, caller, otherSide(side));
  if (officeWide[key]?.[role])
    expect(theirs.statusCode, `office-wide: ${officeWide[key][role]}`).toBeLessThan(300);
  else if (fixtureMissing[key]) expect(theirs.statusCode, theirs.body).toBe(403);
  else expect([403, 404], theirs.body).toContain(theirs.statusCode);
  const ours = await call(route, caller, side);
  const readOnly = role === 'supervisor' ? scopedByData[key]?.supervisor : undefined;
  if (readOnly) expect(ours.statusCode, `scoped by data: ${readOnly}`).toBe(403);
  else if (fixtureMissing[key]) expect(ours.statusCode, fixtureMissing[key]).toBe(404);
  else expect(ours.statusCode, ours.body).toBeLessThan(300);
}

describe('own team and another team', () => {
  it('knows, for every kind of path parameter in the route table, whether it belongs to a team', () => {
    const kinds = new Set(routes.flatMap((route) => pathKinds(route.url)));
    const unclassified = [...kinds].filter((kind) => !(kind in teamScoped) && !(kind in notTeamScoped));
    expect(unclassified, 'add them to teamScoped or notTeamScoped with the reason').toEqual([]);
    expect(teamRoutes('supervisor').length).toBeGreaterThan(10);
  });

  describe.each(teamRoutes('supervisor'))('%s, as a supervisor', (key, route) => {
    it.each(['A', 'B'] as const)(
      "team %s's supervisor: the other team's is 403 or 404, their own team's answered",
      async (side) => expectScoped(key, route, 'supervisor', side),
    );
  });

  describe.each(teamRoutes('agent'))('%s, as an agent', (key, route) => {
    it.each(['A', 'B'] as const)(
      "team %s's agent: the other team's is 403 or 404, their own (the resources are theirs) answered",
      async (side) => expectScoped(key, route, 'agent', side),
    );
  });

  const lists = routes.filter((route) => route.method === 'GET' && pathKinds(route.url).length === 0);
  /** A team's ids that the other team's lists must not hold. */
  const idsOf = (side: TeamSide) => {
    const own = side === 'A' ? office : office.teamBOwn;
    const [team, agent, supervisor] =
      side === 'A'
        ? [office.teamA, office.users.agent, office.users.supervisor]
        : [office.teamB, office.users.otherAgent, office.users.otherSupervisor];
    return {
      team: team.id,
      agent: agent.id,
      supervisor: supervisor.id,
      contact: own.contactId,
      callLog: own.callLogId,
      voicemail: own.voicemailId,
      recording: own.recordingId,
    };
  };
  const listCases = lists.flatMap((route) =>
    (['supervisor', 'agent'] as const)
      .filter((role) => allows(route, role) && !officeWide[routeKey(route)]?.[role])
      .flatMap((role) => (['A', 'B'] as const).map((side) => [routeKey(route), role, side, route] as const)),
  );
  it.each(listCases)(
    "%s shows the %s of team %s none of the other team's ids",
    async (_key, role, side, route) => {
      const response = await call(route, callerOf(role, side), side);
      expect(response.statusCode, response.body).toBeLessThan(500);
      const leaked = Object.entries(idsOf(otherSide(side))).filter(([, id]) => response.body.includes(id));
      expect(leaked.map(([name]) => name)).toEqual([]);
    },
  );

  it.each(['A', 'B'] as const)(
    "shows team %s's supervisor their team's ids in those lists (so the check above can fail)",
    async (side) => {
      const ids = idsOf(side);
      const client = office.clients[callerOf('supervisor', side)];
      const seen = async (url: string, id: string) => (await client.get(url)).body.includes(id);
      expect(await seen('/api/users', ids.agent)).toBe(true);
      expect(await seen('/api/contacts', ids.contact)).toBe(true);
      expect(await seen('/api/call-logs', ids.callLog)).toBe(true);
      expect(await seen('/api/voicemail', ids.voicemail)).toBe(true);
      expect(await seen('/api/teams', ids.team)).toBe(true);
    },
  );

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
