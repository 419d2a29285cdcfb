import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findContactByNumber } from '../../controller/db/contacts.repository.js';
import { apiClient, countRows, insertTeam, userWithClient, type ApiClient } from '../helpers/fixtures.js';
import { createTestApp, insertUser, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: ApiClient;
let supervisor: ApiClient;
let agent: ApiClient;
let agentId: string;
let otherTeamAgentId: string;
let acme: { id: string };
let globex: { id: string };
let support: { id: string };

const contactKeys = [
  'company',
  'createdAt',
  'description',
  'id',
  'name',
  'phoneNumbers',
  'teamId',
  'updatedAt',
];
const names = (response: { json(): { items: { name: string }[] } }) =>
  response.json().items.map((c) => c.name);

beforeAll(async () => {
  t = await createTestApp({
    config: { PHONE_COUNTRY_CODE: '1', PHONE_NATIONAL_PREFIX: '1', PHONE_INTERNATIONAL_PREFIX: '011' },
  });
  support = await insertTeam(t.db, 'Support');
  const sales = await insertTeam(t.db, 'Sales');
  admin = (await userWithClient(t.app, t.db, { role: 'admin' })).api;
  supervisor = (await userWithClient(t.app, t.db, { role: 'supervisor', teamId: support.id })).api;
  const a = await userWithClient(t.app, t.db, { role: 'agent', teamId: support.id });
  agent = a.api;
  agentId = a.user.id;
  otherTeamAgentId = (await insertUser(t.db, { role: 'agent', teamId: sales.id })).id;
  acme = (
    await admin.post('/api/contacts', {
      name: 'Wile E. Coyote',
      company: 'Acme',
      phoneNumbers: ['(415) 555-0100'],
    })
  ).json();
  globex = (
    await supervisor.post('/api/contacts', {
      name: 'Hank Scorpio',
      company: 'Globex',
      phoneNumbers: ['011 44 20 7946 0958'],
    })
  ).json();
  await admin.put(`/api/contacts/${acme.id}/assignments/${agentId}`, { active: true });
});
afterAll(async () => t?.close());

describe('contacts', () => {
  it('creates contacts with numbers in E.164 (admins and supervisors)', async () => {
    const response = await supervisor.post('/api/contacts', {
      name: 'Road Runner',
      phoneNumbers: ['1-415-555-0199', '+1 415 555 0199', '415.555.0142'],
      description: 'meep meep',
    });
    expect(response.statusCode).toBe(201);
    expect(Object.keys(response.json()).sort()).toEqual(contactKeys);
    expect(response.json()).toMatchObject({
      phoneNumbers: ['+14155550199', '+14155550142'],
      company: '',
      description: 'meep meep',
    });
    const got = await admin.get(`/api/contacts/${acme.id}`);
    expect(got.json()).toMatchObject({ name: 'Wile E. Coyote', phoneNumbers: ['+14155550100'] });
  });

  it('rejects a number that is not one with 400 invalid-phone-number naming it, and writes nothing', async () => {
    const before = await countRows(t.db, 'contacts');
    const response = await admin.post('/api/contacts', {
      name: 'Bad',
      phoneNumbers: ['+14155550100', 'call me maybe'],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'invalid-phone-number',
      details: { number: 'call me maybe' },
    });
    expect(response.json().error.message).toContain('call me maybe');
    expect((await admin.patch(`/api/contacts/${acme.id}`, { phoneNumbers: ['12'] })).statusCode).toBe(400);
    expect(await countRows(t.db, 'contacts')).toBe(before);
    expect((await admin.get(`/api/contacts/${acme.id}`)).json().phoneNumbers).toEqual(['+14155550100']);
  });

  it.each([
    ['an unknown field', { name: 'X', email: 'x@example.com' }],
    ['a wrong type', { name: 'X', phoneNumbers: '4155550100' }],
    ['no name', { company: 'X' }],
  ])('rejects %s with 400 and writes nothing', async (_name, body) => {
    const before = await countRows(t.db, 'contacts');
    expect((await admin.post('/api/contacts', body)).json().error.code).toBe('validation-failed');
    expect(await countRows(t.db, 'contacts')).toBe(before);
  });

  it('lists every contact for admins and supervisors, and only active assignments for agents', async () => {
    expect(names(await admin.get('/api/contacts'))).toEqual(
      expect.arrayContaining(['Hank Scorpio', 'Wile E. Coyote']),
    );
    expect(names(await supervisor.get('/api/contacts'))).toContain('Hank Scorpio');
    expect(names(await agent.get('/api/contacts'))).toEqual(['Wile E. Coyote']);
    await admin.put(`/api/contacts/${acme.id}/assignments/${agentId}`, { active: false });
    expect(names(await agent.get('/api/contacts'))).toEqual([]);
    expect((await agent.get(`/api/contacts/${acme.id}`)).statusCode).toBe(403);
    await admin.put(`/api/contacts/${acme.id}/assignments/${agentId}`, { active: true });
    expect((await agent.get(`/api/contacts/${acme.id}`)).statusCode).toBe(200);
  });

  it("refuses an agent another user's contact (403) and any write (403)", async () => {
    const response = await agent.get(`/api/contacts/${globex.id}`);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('forbidden');
    const before = await countRows(t.db, 'contacts');
    expect((await agent.post('/api/contacts', { name: 'Mine' })).statusCode).toBe(403);
    expect((await agent.delete(`/api/contacts/${acme.id}`)).statusCode).toBe(403);
    expect(await countRows(t.db, 'contacts')).toBe(before);
    expect((await apiClient(t.app).get('/api/contacts')).statusCode).toBe(401);
  });

  it('searches by name, company and number digits', async () => {
    expect(names(await admin.get('/api/contacts?q=coyote'))).toEqual(['Wile E. Coyote']);
    expect(names(await admin.get('/api/contacts?q=GLOBEX'))).toEqual(['Hank Scorpio']);
    expect(names(await admin.get('/api/contacts?q=555-0100'))).toEqual(['Wile E. Coyote']);
    expect(names(await admin.get('/api/contacts?q=%25'))).toEqual([]);
  });

  it('pages through contacts by name', async () => {
    const first = (await admin.get('/api/contacts?limit=1')).json();
    const second = (await admin.get(`/api/contacts?limit=1&cursor=${first.nextCursor}`)).json();
    expect(first.items[0].name.toLowerCase() < second.items[0].name.toLowerCase()).toBe(true);
  });

  it('looks a caller number up for any role, in any format', async () => {
    expect((await agent.get('/api/contacts/lookup?number=4155550100')).json()).toMatchObject({ id: acme.id });
    expect(
      (await admin.get(`/api/contacts/lookup?number=${encodeURIComponent('+44 20 7946 0958')}`)).json().id,
    ).toBe(globex.id);
    expect((await agent.get('/api/contacts/lookup?number=2125550000')).json().error.code).toBe(
      'no-such-contact',
    );
    expect((await agent.get('/api/contacts/lookup?number=anonymous')).json().error.code).toBe(
      'invalid-phone-number',
    );
    expect((await agent.get('/api/contacts/lookup')).statusCode).toBe(400);
    expect((await findContactByNumber(t.db, '+14155550100'))?.id).toBe(acme.id);
    expect(await findContactByNumber(t.db, '+19999999999')).toBeUndefined();
  });

  it("keeps an agent's lookup to the contacts assigned to them: another's is 404 no-such-contact, as if none", async () => {
    const response = await agent.get(`/api/contacts/lookup?number=${encodeURIComponent('+44 20 7946 0958')}`);
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('no-such-contact');
    expect(response.body).not.toContain('Scorpio');
    await admin.put(`/api/contacts/${acme.id}/assignments/${agentId}`, { active: false });
    expect((await agent.get('/api/contacts/lookup?number=4155550100')).statusCode).toBe(404);
    await admin.put(`/api/contacts/${acme.id}/assignments/${agentId}`, { active: true });
    expect((await agent.get('/api/contacts/lookup?number=4155550100')).json().id).toBe(acme.id);
  });

  it("finds an agent's own contact by a number another, older contact shares", async () => {
    const older = (
      await admin.post('/api/contacts', { name: 'Older', phoneNumbers: ['+14155550777'] })
    ).json();
    const mine = (await admin.post('/api/contacts', { name: 'Mine', phoneNumbers: ['+14155550777'] })).json();
    await admin.put(`/api/contacts/${mine.id}/assignments/${agentId}`, { active: true });
    expect((await admin.get('/api/contacts/lookup?number=4155550777')).json().id).toBe(older.id);
    expect((await agent.get('/api/contacts/lookup?number=4155550777')).json().id).toBe(mine.id);
    await admin.delete(`/api/contacts/${older.id}`);
    await admin.delete(`/api/contacts/${mine.id}`);
  });

  it('changes and deletes contacts; 404 for unknown ones', async () => {
    const contact = (await admin.post('/api/contacts', { name: 'Temp', teamId: support.id })).json();
    expect(
      (await supervisor.patch(`/api/contacts/${contact.id}`, { company: 'Temp Co' })).json().company,
    ).toBe('Temp Co');
    expect((await supervisor.delete(`/api/contacts/${contact.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/contacts/${contact.id}`)).json().error.code).toBe('no-such-contact');
    expect((await admin.patch(`/api/contacts/${randomUUID()}`, { name: 'X' })).statusCode).toBe(404);
    expect((await admin.delete(`/api/contacts/${randomUUID()}`)).statusCode).toBe(404);
    expect((await admin.get('/api/contacts/nope')).statusCode).toBe(400);
  });
});

describe('contact assignments', () => {
  it('upserts, lists and removes assignments', async () => {
    const contact = (await admin.post('/api/contacts', { name: 'Assignable', teamId: support.id })).json();
    const put = await supervisor.put(`/api/contacts/${contact.id}/assignments/${agentId}`, { active: true });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ contactId: contact.id, userId: agentId, active: true });
    await supervisor.put(`/api/contacts/${contact.id}/assignments/${agentId}`, { active: false });
    const list = (await admin.get(`/api/contacts/${contact.id}/assignments`)).json();
    expect(list).toEqual({
      items: [expect.objectContaining({ userId: agentId, active: false })],
      nextCursor: null,
    });
    expect((await supervisor.delete(`/api/contacts/${contact.id}/assignments/${agentId}`)).statusCode).toBe(
      204,
    );
    expect((await supervisor.delete(`/api/contacts/${contact.id}/assignments/${agentId}`)).statusCode).toBe(
      404,
    );
  });

  it('keeps supervisors to their own team, agents out, and answers 404 for unknown ids', async () => {
    const before = await countRows(t.db, 'contact_assignments');
    const other = await supervisor.put(`/api/contacts/${acme.id}/assignments/${otherTeamAgentId}`, {
      active: true,
    });
    expect(other.statusCode).toBe(403);
    expect(
      (await admin.put(`/api/contacts/${acme.id}/assignments/${otherTeamAgentId}`, { active: 'yes' }))
        .statusCode,
    ).toBe(400);
    expect(
      (await agent.put(`/api/contacts/${acme.id}/assignments/${agentId}`, { active: true })).statusCode,
    ).toBe(403);
    expect((await agent.get(`/api/contacts/${acme.id}/assignments`)).statusCode).toBe(403);
    expect(
      (await admin.put(`/api/contacts/${randomUUID()}/assignments/${agentId}`, { active: true })).json().error
        .code,
    ).toBe('no-such-contact');
    expect(
      (await admin.put(`/api/contacts/${acme.id}/assignments/${randomUUID()}`, { active: true })).json().error
        .code,
    ).toBe('no-such-user');
    expect((await admin.get(`/api/contacts/${randomUUID()}/assignments`)).statusCode).toBe(404);
    expect(await countRows(t.db, 'contact_assignments')).toBe(before);
  });
});

describe('contact notes', () => {
  it('lets an assigned agent note a contact, newest first, with the author', async () => {
    const first = await agent.post(`/api/contacts/${acme.id}/notes`, { body: 'Called about the rockets' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      contactId: acme.id,
      callLogId: null,
      authorUserId: agentId,
      body: 'Called about the rockets',
    });
    expect(first.json().authorName).toMatch(/^Test agent/);
    await supervisor.post(`/api/contacts/${acme.id}/notes`, { body: 'Second' });
    const page = (await agent.get(`/api/contacts/${acme.id}/notes?limit=1`)).json();
    expect(page.items.map((n: { body: string }) => n.body)).toEqual(['Second']);
    const next = (await agent.get(`/api/contacts/${acme.id}/notes?limit=1&cursor=${page.nextCursor}`)).json();
    expect(next).toEqual({
      items: [expect.objectContaining({ body: 'Called about the rockets' })],
      nextCursor: null,
    });
  });

  it('refuses notes on unassigned contacts (403), bad bodies (400) and unknown contacts (404)', async () => {
    const before = await countRows(t.db, 'notes');
    expect((await agent.post(`/api/contacts/${globex.id}/notes`, { body: 'sneaky' })).statusCode).toBe(403);
    expect((await agent.get(`/api/contacts/${globex.id}/notes`)).statusCode).toBe(403);
    for (const body of [
      { body: '' },
      { body: 'x'.repeat(4001) },
      { body: 'x', pinned: true },
      { text: 'x' },
    ]) {
      expect((await admin.post(`/api/contacts/${acme.id}/notes`, body)).statusCode).toBe(400);
    }
    expect((await admin.post(`/api/contacts/${randomUUID()}/notes`, { body: 'x' })).statusCode).toBe(404);
    expect(
      (await admin.get(`/api/contacts/${acme.id}/notes?cursor=${Buffer.from('["x"]').toString('base64url')}`))
        .statusCode,
    ).toBe(400);
    expect(await countRows(t.db, 'notes')).toBe(before);
  });
});
