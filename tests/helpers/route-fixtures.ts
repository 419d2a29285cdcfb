import { randomBytes } from 'node:crypto';
import type { App } from '../../controller/app.js';
import type { Db } from '../../controller/db/database.js';
import { insertPagingGroup, insertPagingZone } from '../../controller/db/paging.repository.js';
import { inTransaction } from '../../controller/db/transaction.js';
import { routeTableOf, type RouteEntry } from '../../controller/http/route-table.js';
import { apiClient, insertTeam, type ApiClient } from './fixtures.js';
import { insertUser, login } from './test-app.js';

/**
 * What the route-table tests (access matrix, input fuzzing) need to call every route: a small office, the id each
 * path parameter takes, and a valid request for each route that takes a body or a query.
 */

export const roles = ['agent', 'supervisor', 'admin'] as const;
export type RoleName = (typeof roles)[number];

/** `METHOD /url` of a route, the key of every table here. */
export const routeKey = (route: Pick<RouteEntry, 'method' | 'url'>) => `${route.method} ${route.url}`;

/** The /api routes of the app, as registered (the WebSocket and the docs aside). */
export const apiRoutes = (app: App): RouteEntry[] =>
  routeTableOf(app.server).filter(
    (route) => route.url.startsWith('/api/') && !route.websocket && !route.url.startsWith('/api/docs'),
  );

const unique = () => randomBytes(4).toString('hex');
let nextExtension = 4100;
let nextDid = 7000000;

export interface RequestExample {
  body?: unknown;
  query?: Record<string, string>;
}

/**
 * A request each route accepts (as far as its schema goes), for every route with a body or a query schema. A new
 * route with either must be added here: the tests fail, naming it, until it is.
 */
export const requestExamples = (office: Office): Record<string, () => RequestExample> => ({
  'POST /api/auth/login': () => ({ body: { username: `nobody-${unique()}`, password: 'not the password' } }),
  'POST /api/auth/refresh': () => ({ body: { refreshToken: 'not-a-refresh-token' } }),
  'POST /api/auth/logout': () => ({ body: {} }),
  'GET /api/users': () => ({ query: { q: 'test' } }),
  'POST /api/users': () => ({
    body: {
      username: `u-${unique()}`,
      displayName: 'New Person',
      extension: String(nextExtension++),
      role: 'agent',
      password: 'a long enough password',
    },
  }),
  'PATCH /api/users/:id': () => ({ body: { displayName: 'Changed Name' } }),
  'GET /api/teams': () => ({ query: {} }),
  'POST /api/teams': () => ({ body: { name: `Team ${unique()}` } }),
  'PATCH /api/teams/:id': () => ({ body: { name: office.teamA.name } }),
  'GET /api/devices': () => ({ query: {} }),
  'POST /api/devices': () => ({ body: { id: `desk-${unique()}`, name: 'Desk phone' } }),
  'PATCH /api/devices/:id': () => ({ body: { location: 'Second floor' } }),
  'GET /api/contacts': () => ({ query: { q: 'contact' } }),
  'GET /api/contacts/lookup': () => ({ query: { number: office.contactNumber } }),
  'POST /api/contacts': () => ({ body: { name: `Contact ${unique()}` } }),
  'PATCH /api/contacts/:id': () => ({ body: { description: 'changed' } }),
  'GET /api/contacts/:id/notes': () => ({ query: {} }),
  'POST /api/contacts/:id/notes': () => ({ body: { body: 'a note' } }),
  'GET /api/contacts/:id/assignments': () => ({ query: {} }),
  'PUT /api/contacts/:id/assignments/:userId': () => ({ body: { active: true } }),
  'GET /api/call-logs': () => ({ query: {} }),
  'GET /api/call-logs/:id/notes': () => ({ query: {} }),
  'POST /api/call-logs/:id/notes': () => ({ body: { body: 'a note' } }),
  'PATCH /api/call-logs/:id/notes/:noteId': () => ({ body: { body: 'an edited note' } }),
  'PATCH /api/contacts/:id/notes/:noteId': () => ({ body: { body: 'an edited note' } }),
  'GET /api/inbound-routes': () => ({ query: {} }),
  'POST /api/inbound-routes': () => ({
    body: { did: `+1555${String(nextDid++)}`, teamId: office.teamA.id, fallback: { kind: 'hangup' } },
  }),
  'PATCH /api/inbound-routes/:id': () => ({ body: { assignedRingSeconds: 20 } }),
  'GET /api/audit': () => ({ query: { actor: 'someone' } }),
  'POST /api/calls': () => ({ body: { to: '9999' } }),
  'POST /api/calls/:id/handoff': () => ({ body: { device: 'desk-1' } }),
  'POST /api/parking/park': () => ({ body: { channelId: 'no-such-channel' } }),
  'POST /api/parking/retrieve': () => ({ body: { slot: '799', extension: office.users.agent.extension } }),
  'POST /api/paging/groups': () => ({
    body: { number: nextPagingNumber(), name: `Group ${unique()}`, members: [office.users.agent.extension] },
  }),
  'PATCH /api/paging/groups/:id': () => ({ body: { name: 'Renamed group' } }),
  'POST /api/paging/zones': () => ({
    body: { number: nextPagingNumber(), name: `Zone ${unique()}`, groupIds: [office.pagingGroupId] },
  }),
  'PATCH /api/paging/zones/:id': () => ({ body: { name: 'Renamed zone' } }),
  'PUT /api/users/:id/dnd': () => ({ body: { enabled: false } }),
  'PUT /api/users/:id/presence-status': () => ({ body: { status: 'at lunch' } }),
  'PUT /api/users/:id/forwarding': () => ({ body: { always: null, noAnswerSeconds: 20 } }),
  'PUT /api/users/:id/ring-settings': () => ({
    body: { strategy: 'sequential', targets: [{ kind: 'desk', delaySeconds: 0, timeoutSeconds: 15 }] },
  }),
  'PUT /api/users/:id/speed-dials': () => ({ body: { speedDials: [{ slot: 1, number: '+4930123456' }] } }),
  'POST /api/paging/pages': () => ({
    body: { groupId: office.pagingGroupId, fromExtension: office.users.agent.extension },
  }),
  'POST /api/supervision': () => ({
    body: {
      targetExtension: office.users.agent.extension,
      supervisorExtension: office.users.supervisor.extension,
      mode: 'monitor',
    },
  }),
  'PATCH /api/supervision/:id': () => ({ body: { mode: 'whisper' } }),
  // A device nobody has: every role gets the same 404 (log-in and log-out by role: tests/integration/hotdesk*.test.ts).
  'POST /api/hotdesk/login': () => ({
    body: { deviceId: 'no-such-desk', extension: office.users.agent.extension, pin: '1234' },
  }),
  'POST /api/hotdesk/logout': () => ({ body: { deviceId: 'no-such-desk' } }),
  'GET /api/trunks': () => ({ query: {} }),
  'POST /api/trunks': () => ({
    body: { name: `Carrier ${unique()}`, host: 'sip.carrier.example', match: ['203.0.113.0/24'] },
  }),
  'PATCH /api/trunks/:id': () => ({ body: { callerId: '+14155550100' } }),
  'PUT /api/users/:id/voicemail': () => ({ body: { enabled: false, pin: '1234' } }),
  'GET /api/voicemail': () => ({ query: {} }),
  'PATCH /api/voicemail/:id': () => ({ body: { heard: true } }),
  'POST /api/calls/:id/recording': () => ({ body: { action: 'start' } }),
  'PUT /api/teams/:id/recording-policy': () => ({ body: { recordRoutedCalls: false } }),
  'POST /api/recordings/:id/annotations': () => ({ body: { offsetSeconds: 0, text: 'a note at the start' } }),
});

/** Paging numbers for bodies, round the 800-899 range (a taken one is a 409, which the route tests accept). */
let pagingCounter = 0;
const nextPagingNumber = () => String(800 + (pagingCounter++ % 100));

/**
 * Routes a role may call but where the fixture (team A's agent, contact, device, call log; team A's supervisor)
 * is still refused by the data, with the reason (the access matrix checks that each really answers 403, so the
 * list stays true).
 */
export const scopedByData: Record<string, Partial<Record<RoleName, string>>> = {
  'POST /api/paging/pages': {
    supervisor: "only admins page from an extension not their own (the fixture pages from the agent's)",
  },
  'PUT /api/users/:id/forwarding': {
    supervisor: "a user's forwarding is theirs (or an admin's) to change; their supervisor only reads it",
  },
  'PUT /api/users/:id/ring-settings': {
    supervisor:
      "a user's ring settings are theirs (or an admin's) to change; their supervisor only reads them",
  },
  'PUT /api/users/:id/presence-status': {
    supervisor: "a user's status text is theirs (or an admin's) to set; their supervisor only reads it",
  },
  'PUT /api/users/:id/speed-dials': {
    supervisor: "a user's speed dials are theirs (or an admin's) to change; their supervisor only reads them",
  },
  'PUT /api/users/:id/voicemail': {
    supervisor:
      "a user's mailbox PIN and greeting are theirs (or an admin's) to change; their supervisor only reads them",
  },
  'PATCH /api/voicemail/:id': {
    supervisor:
      "marking a message heard is its owner's (or an admin's); their supervisor only lists and listens",
  },
  'DELETE /api/voicemail/:id': {
    supervisor: "deleting a message is its owner's (or an admin's); their supervisor only lists and listens",
  },
  'POST /api/parking/retrieve': {
    supervisor:
      "only admins pick a parked call up to an extension not their own (the fixture is the agent's)",
  },
};

/** Routes that spend the caller's session, so they are called with a fresh log-in. */
export const sessionEnding = new Set(['POST /api/auth/logout']);

type User = Awaited<ReturnType<typeof insertUser>>;

/** Team A: a supervisor and an agent; team B: the same; an admin; a contact, device and call log of team A. */
export interface Office {
  db: Db;
  app: App;
  teamA: { id: string; name: string };
  teamB: { id: string; name: string };
  users: Record<RoleName | 'otherAgent' | 'otherSupervisor', User>;
  clients: Record<RoleName | 'otherAgent' | 'otherSupervisor', ApiClient>;
  /** Team A's contact, actively assigned to team A's agent. */
  contactId: string;
  contactNumber: string;
  deviceId: string;
  callLogId: string;
  trunkId: string;
  /** A voicemail message in team A's agent's mailbox (its audio file does not exist). */
  voicemailId: string;
  /** A paging group with team A's agent in it, and a zone of it. */
  pagingGroupId: string;
  pagingZoneId: string;
  /** An inbound route to team A. */
  inboundRouteId: string;
  /** A recording of the call log's call (its audio file does not exist). */
  recordingId: string;
  /** Team B's own contact, call log, voicemail message and recording, of team B's agent (for the team-scope test). */
  teamBOwn: TeamOwn;
}

/** The resources of one team's agent that a path parameter can name. */
export interface TeamOwn {
  contactId: string;
  callLogId: string;
  voicemailId: string;
  recordingId: string;
}

/** Which team's resources fillPath names: team A's (the default) or team B's. */
export type TeamSide = 'A' | 'B';

export async function createOffice(app: App, db: Db): Promise<Office> {
  const teamA = await insertTeam(db, `Team A ${unique()}`);
  const teamB = await insertTeam(db, `Team B ${unique()}`);
  const users = {
    admin: await insertUser(db, { role: 'admin' }),
    supervisor: await insertUser(db, { role: 'supervisor', teamId: teamA.id }),
    agent: await insertUser(db, { role: 'agent', teamId: teamA.id }),
    otherSupervisor: await insertUser(db, { role: 'supervisor', teamId: teamB.id }),
    otherAgent: await insertUser(db, { role: 'agent', teamId: teamB.id }),
  };
  const clients = Object.fromEntries(
    await Promise.all(
      Object.entries(users).map(async ([name, user]) => [
        name,
        apiClient(app, await login(app, user.username, user.password)),
      ]),
    ),
  ) as Office['clients'];
  const office: Office = {
    db,
    app,
    teamA,
    teamB,
    users,
    clients,
    contactId: '',
    contactNumber: `+1415555${String(Math.floor(Math.random() * 9000) + 1000)}`,
    deviceId: '',
    callLogId: '',
    trunkId: '',
    voicemailId: '',
    pagingGroupId: '',
    pagingZoneId: '',
    inboundRouteId: '',
    recordingId: '',
    teamBOwn: { contactId: '', callLogId: '', voicemailId: '', recordingId: '' },
  };
  office.contactId = await newContact(office, { teamId: teamA.id, assignedTo: users.agent.id });
  await db
    .updateTable('contacts')
    .set({ phone_numbers: [office.contactNumber] })
    .where('id', '=', office.contactId)
    .execute();
  office.deviceId = await newDevice(office);
  office.trunkId = await newTrunk(office);
  office.inboundRouteId = await newInboundRoute(office);
  office.voicemailId = await newVoicemailMessage(db, users.agent, users.otherAgent.extension);
  office.pagingGroupId = await newPagingGroup(office, [users.agent.extension]);
  office.pagingZoneId = await newPagingZone(office, [office.pagingGroupId]);
  office.callLogId = await newCallLog(db, users.agent, users.supervisor.extension, office.contactId);
  office.recordingId = await newRecording(db, office.callLogId);
  const contactB = await newContact(office, { teamId: teamB.id, assignedTo: users.otherAgent.id });
  const callLogB = await newCallLog(db, users.otherAgent, users.otherSupervisor.extension, contactB);
  office.teamBOwn = {
    contactId: contactB,
    callLogId: callLogB,
    voicemailId: await newVoicemailMessage(db, users.otherAgent, users.agent.extension),
    recordingId: await newRecording(db, callLogB),
  };
  return office;
}

/** A call log of a call `caller` placed to `to` about the contact, not answered. */
async function newCallLog(db: Db, caller: User, to: string, contactId: string): Promise<string> {
  const { id } = await db
    .insertInto('call_logs')
    .values({
      call_id: `call-${unique()}`,
      direction: 'internal',
      from_number: caller.extension,
      to_number: to,
      caller_user_id: caller.id,
      answered_by_user_id: null,
      answered_by_extension: null,
      contact_id: contactId,
      started_at: new Date(),
      answered_at: null,
      ended_at: null,
      disposition: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** A stopped recording of a call log's call, with no audio file. */
async function newRecording(db: Db, callLogId: string): Promise<string> {
  const log = await db
    .selectFrom('call_logs')
    .select('call_id')
    .where('id', '=', callLogId)
    .executeTakeFirstOrThrow();
  const { id } = await db
    .insertInto('call_recordings')
    .values({
      call_id: log.call_id,
      started_by_user_id: null,
      started_via: 'policy',
      started_at: new Date(),
      state: 'stopped',
      file_path: `/nonexistent/recording-${unique()}.wav`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** A contact straight in the database, optionally of a team and actively assigned to a user. */
export async function newContact(
  office: Pick<Office, 'db'>,
  options: { teamId?: string | null; assignedTo?: string } = {},
): Promise<string> {
  const { id } = await office.db
    .insertInto('contacts')
    .values({ name: `Contact ${unique()}`, team_id: options.teamId ?? null })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (options.assignedTo) {
    await office.db
      .insertInto('contact_assignments')
      .values({ contact_id: id, user_id: options.assignedTo, active: true })
      .execute();
  }
  return id;
}

/** The highest paging number nobody has (fixtures count down from 899; request bodies count up from 800). */
async function freePagingNumber(db: Db): Promise<string> {
  const taken = new Set(
    (await db.selectFrom('paging_numbers').select('number').execute()).map((r) => r.number),
  );
  for (let n = 899; n >= 800; n--) if (!taken.has(String(n))) return String(n);
  throw new Error('every paging number is taken');
}

export async function newPagingGroup(office: Pick<Office, 'db'>, members: string[]): Promise<string> {
  const number = await freePagingNumber(office.db);
  const group = await inTransaction(office.db, (trx) =>
    insertPagingGroup(trx, {
      number,
      name: `Group ${unique()}`,
      members,
      everyone: false,
      priority: 'normal',
      busyPolicy: 'skip',
      beep: true,
      maxSeconds: 60,
    }),
  );
  return group.id;
}

export async function newPagingZone(office: Pick<Office, 'db'>, groupIds: string[]): Promise<string> {
  const number = await freePagingNumber(office.db);
  const zone = await inTransaction(office.db, (trx) =>
    insertPagingZone(trx, { number, name: `Zone ${unique()}`, groupIds }),
  );
  return zone.id;
}

async function newInboundRoute(office: Pick<Office, 'db' | 'teamA'>): Promise<string> {
  const { id } = await office.db
    .insertInto('inbound_routes')
    .values({
      did: `+1666${String(nextDid++)}`,
      team_id: office.teamA.id,
      fallback_kind: 'hangup',
      fallback_target: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** A note by the agent on the contact (or, without one, on the call log) the path names. */
async function newNote(
  db: Db,
  author: User,
  contactId: string | undefined,
  callLogId: string,
): Promise<string> {
  const { id } = await db
    .insertInto('notes')
    .values({
      ...(contactId ? { contact_id: contactId } : { call_log_id: callLogId }),
      author_user_id: author.id,
      body: 'a note',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

async function newDevice(office: Pick<Office, 'db'>): Promise<string> {
  const { id } = await office.db
    .insertInto('devices')
    .values({ id: `desk-${unique()}`, name: 'Desk', sip_password: `pw-${unique()}-${unique()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** A message left by `from` in the user's mailbox (its audio file does not exist). */
async function newVoicemailMessage(db: Db, mailbox: User, from: string): Promise<string> {
  const name = `vm-fixture-${unique()}`;
  const { id } = await db
    .insertInto('voicemail_messages')
    .values({
      mailbox_user_id: mailbox.id,
      from_number: from,
      to_number: mailbox.extension,
      call_id: null,
      received_at: new Date(),
      duration_seconds: 3,
      recording_name: name,
      file_path: `/nonexistent/${name}.wav`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

async function newTrunk(office: Pick<Office, 'db'>): Promise<string> {
  const { id } = await office.db
    .insertInto('trunks')
    .values({ name: `Trunk ${unique()}`, host: '203.0.113.9', match: ['203.0.113.9'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** The kind of resource the path parameter at `segments[i]` names: the segment before it, or by its name. */
const paramKind = (segments: string[], i: number) =>
  segments[i] === ':userId' ? 'users' : segments[i] === ':noteId' ? 'notes' : segments[i - 1]!;

/** The kinds of the url's path parameters, in order (`/api/contacts/:id/notes/:noteId`: contacts, notes). */
export const pathKinds = (url: string): string[] => {
  const segments = url.split('/');
  return segments.flatMap((segment, i) => (segment.startsWith(':') ? [paramKind(segments, i)] : []));
};

/**
 * The url with each path parameter filled: team A's (or `side` B's) resource of the kind named by the segment before
 * it (`fresh`: a new one, for routes that delete what they are given). Kinds that belong to no team are the same
 * for both sides.
 */
export async function fillPath(
  office: Office,
  url: string,
  fresh = false,
  side: TeamSide = 'A',
): Promise<string> {
  const segments = url.split('/');
  let contactId: string | undefined;
  const filled: string[] = [];
  for (const [i, segment] of segments.entries()) {
    if (!segment.startsWith(':')) {
      filled.push(segment);
      continue;
    }
    const kind = paramKind(segments, i);
    const id = await idOf(office, kind, fresh, side, contactId);
    if (kind === 'contacts') contactId = id;
    filled.push(encodeURIComponent(id));
  }
  return filled.join('/');
}

/** A side's team, agent and their resources. */
const sideOf = (office: Office, side: TeamSide) =>
  side === 'A'
    ? {
        team: office.teamA,
        agent: office.users.agent,
        own: {
          contactId: office.contactId,
          callLogId: office.callLogId,
          voicemailId: office.voicemailId,
          recordingId: office.recordingId,
        },
      }
    : { team: office.teamB, agent: office.users.otherAgent, own: office.teamBOwn };

async function idOf(
  office: Office,
  kind: string,
  fresh: boolean,
  side: TeamSide,
  contactId?: string,
): Promise<string> {
  const { team, agent, own } = sideOf(office, side);
  switch (kind) {
    case 'users':
      if (contactId !== undefined) return agent.id;
      return fresh ? (await insertUser(office.db, { role: 'agent', teamId: team.id })).id : agent.id;
    case 'teams':
      return fresh ? (await insertTeam(office.db, `Team ${unique()}`)).id : team.id;
    case 'contacts':
      return fresh ? newContact(office, { teamId: team.id, assignedTo: agent.id }) : own.contactId;
    case 'devices':
      return fresh ? newDevice(office) : office.deviceId;
    case 'inbound-routes':
      return fresh ? newInboundRoute(office) : office.inboundRouteId;
    case 'notes':
      return newNote(office.db, agent, contactId, own.callLogId);
    case 'call-logs':
      return own.callLogId;
    case 'trunks':
      return fresh ? newTrunk(office) : office.trunkId;
    case 'voicemail':
      return fresh ? newVoicemailMessage(office.db, agent, office.users.admin.extension) : own.voicemailId;
    case 'calls':
      return 'no-such-call';
    case 'recordings':
      return own.recordingId;
    case 'pages':
      return 'feedfacecafe';
    case 'supervision':
      return 'feedfacecafe';
    case 'groups':
      return fresh ? newPagingGroup(office, [office.users.agent.extension]) : office.pagingGroupId;
    case 'zones':
      return fresh ? newPagingZone(office, [office.pagingGroupId]) : office.pagingZoneId;
    default:
      throw new Error(
        `no fixture for the path parameter after /${kind}/: add one to tests/helpers/route-fixtures.ts`,
      );
  }
}
