import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, insertTeam, userWithClient, type ApiClient } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** A contact's owning team: supervisors work on their own team's contacts and read the shared ones. */

let t: TestApp;
let admin: ApiClient;
let redSupervisor: ApiClient;
let blueSupervisor: ApiClient;
let loneSupervisor: ApiClient;
let red: { id: string };
let blue: { id: string };

beforeAll(async () => {
  t = await createTestApp();
  red = await insertTeam(t.db, 'Red');
  blue = await insertTeam(t.db, 'Blue');
  admin = (await userWithClient(t.app, t.db, { role: 'admin' })).api;
  redSupervisor = (await userWithClient(t.app, t.db, { role: 'supervisor', teamId: red.id })).api;
  blueSupervisor = (await userWithClient(t.app, t.db, { role: 'supervisor', teamId: blue.id })).api;
  loneSupervisor = (await userWithClient(t.app, t.db, { role: 'supervisor' })).api;
});
afterAll(async () => t?.close());

const forbidden = (response: { statusCode: number; json(): { error: { code: string } } }) => {
  expect(response.statusCode).toBe(403);
  expect(response.json().error.code).toBe('forbidden');
};

describe("a contact's team", () => {
  it("is the creator's team by default; an admin without a team creates shared contacts", async () => {
    expect((await redSupervisor.post('/api/contacts', { name: 'Red one' })).json().teamId).toBe(red.id);
    expect((await admin.post('/api/contacts', { name: 'Everyone' })).json().teamId).toBeNull();
    expect((await admin.post('/api/contacts', { name: 'Blue one', teamId: blue.id })).json().teamId).toBe(
      blue.id,
    );
  });

  it('a supervisor may not create a contact for another team or a shared one, nor without a team', async () => {
    const before = await countRows(t.db, 'contacts');
    forbidden(await redSupervisor.post('/api/contacts', { name: 'X', teamId: blue.id }));
    forbidden(await redSupervisor.post('/api/contacts', { name: 'X', teamId: null }));
    forbidden(await loneSupervisor.post('/api/contacts', { name: 'X' }));
    expect(await countRows(t.db, 'contacts')).toBe(before);
  });

  it('a supervisor may not move their contact to another team or share it; an admin may', async () => {
    const contact = (await redSupervisor.post('/api/contacts', { name: 'Stays red' })).json();
    forbidden(await redSupervisor.patch(`/api/contacts/${contact.id}`, { teamId: blue.id }));
    forbidden(await redSupervisor.patch(`/api/contacts/${contact.id}`, { teamId: null, name: 'Renamed' }));
    expect((await admin.get(`/api/contacts/${contact.id}`)).json()).toMatchObject({
      teamId: red.id,
      name: 'Stays red',
    });
    expect((await redSupervisor.patch(`/api/contacts/${contact.id}`, { teamId: red.id })).statusCode).toBe(
      200,
    );
    const moved = await admin.patch(`/api/contacts/${contact.id}`, { teamId: blue.id });
    expect(moved.json().teamId).toBe(blue.id);
    forbidden(await redSupervisor.get(`/api/contacts/${contact.id}`));
    expect((await blueSupervisor.patch(`/api/contacts/${contact.id}`, { name: 'Now blue' })).statusCode).toBe(
      200,
    );
  });

  it('supervisors read shared contacts but change, delete and assign only admins', async () => {
    const shared = (await admin.post('/api/contacts', { name: 'Shared' })).json();
    expect((await redSupervisor.get(`/api/contacts/${shared.id}`)).statusCode).toBe(200);
    expect((await loneSupervisor.get(`/api/contacts/${shared.id}`)).statusCode).toBe(200);
    forbidden(await redSupervisor.patch(`/api/contacts/${shared.id}`, { name: 'Mine now' }));
    forbidden(await redSupervisor.delete(`/api/contacts/${shared.id}`));
    expect((await admin.get(`/api/contacts/${shared.id}`)).json().name).toBe('Shared');
  });

  it('an unknown team is 404 no-such-team', async () => {
    const response = await admin.post('/api/contacts', { name: 'Nowhere', teamId: randomUUID() });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('no-such-team');
  });

  it('a team that owns contacts is not deleted (409 team-not-empty), so they are not shared by accident', async () => {
    const green = await insertTeam(t.db, 'Green');
    const contact = (await admin.post('/api/contacts', { name: 'Green one', teamId: green.id })).json();
    const refused = await admin.delete(`/api/teams/${green.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('team-not-empty');
    await admin.patch(`/api/contacts/${contact.id}`, { teamId: null });
    expect((await admin.delete(`/api/teams/${green.id}`)).statusCode).toBe(204);
  });
});
