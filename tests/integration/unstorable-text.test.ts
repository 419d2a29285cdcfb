import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, insertTeam, userWithClient, type ApiClient } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: ApiClient;
let contact: { id: string; name: string; description: string };

beforeAll(async () => {
  t = await createTestApp();
  admin = (await userWithClient(t.app, t.db, { role: 'admin' })).api;
  contact = (await admin.post('/api/contacts', { name: 'Stable', description: 'as it was' })).json();
  await insertTeam(t.db, 'Existing');
});
afterAll(async () => t?.close());

const validationFailed = (response: { statusCode: number; json(): { error: { code: string } } }) => {
  expect(response.statusCode).toBe(400);
  expect(response.json().error.code).toBe('validation-failed');
};

describe('text PostgreSQL cannot store (NUL, unpaired surrogates)', () => {
  it('POST /api/teams with a NUL in the name is 400 validation-failed naming the field, and writes nothing', async () => {
    const before = await countRows(t.db, 'teams');
    const response = await admin.post('/api/teams', { name: 'a\u0000b' });
    validationFailed(response);
    expect(response.json().error.details).toEqual([
      { path: 'body.name', message: 'must not contain NUL characters' },
    ]);
    expect(await countRows(t.db, 'teams')).toBe(before);
  });

  it('GET /api/contacts?q=%00 is 400, not a database error', async () => {
    validationFailed(await admin.get('/api/contacts?q=%00'));
    validationFailed(await admin.get('/api/contacts?q=ab%00cd'));
    validationFailed(await admin.get('/api/audit?actor=%00'));
    validationFailed(await admin.get('/api/users?q=x%00'));
  });

  it('a NUL anywhere in a body (nested, in an array, in a key) is 400 and changes nothing', async () => {
    validationFailed(await admin.patch(`/api/contacts/${contact.id}`, { description: 'new\u0000' }));
    validationFailed(
      await admin.patch(`/api/contacts/${contact.id}`, { phoneNumbers: ['+1415\u00005550100'] }),
    );
    validationFailed(await admin.post(`/api/contacts/${contact.id}/notes`, { body: '\u0000' }));
    validationFailed(await admin.post('/api/contacts', { name: 'Fine', ['x\u0000']: 1 }));
    expect((await admin.get(`/api/contacts/${contact.id}`)).json()).toMatchObject({
      name: 'Stable',
      description: 'as it was',
    });
    expect(await countRows(t.db, 'notes')).toBe(0);
  });

  it('a NUL in a path parameter is 400', async () => {
    validationFailed(await admin.get('/api/contacts/%00'));
    validationFailed(await admin.delete('/api/devices/desk%00'));
  });

  it('an unpaired surrogate in a JSON string is 400 (it would be stored changed), a paired one is kept', async () => {
    const before = await countRows(t.db, 'teams');
    validationFailed(await admin.post('/api/teams', { name: 'half \ud83d' }));
    validationFailed(await admin.post('/api/teams', { name: '\udca9 tail' }));
    expect(await countRows(t.db, 'teams')).toBe(before);
    const whole = await admin.post('/api/teams', { name: 'pile \ud83d\udca9' });
    expect(whole.statusCode).toBe(201);
    expect(whole.json().name).toBe('pile 💩');
  });

  it('other control characters are ordinary text: stored and given back as sent', async () => {
    const text = 'tab\there\u0001\u001f\u007f\u0085\u2028';
    const response = await admin.patch(`/api/contacts/${contact.id}`, { description: text });
    expect(response.statusCode).toBe(200);
    expect(response.json().description).toBe(text);
    await admin.patch(`/api/contacts/${contact.id}`, { description: 'as it was' });
  });

  it('a list cursor whose key holds a NUL is 400, not a database error', async () => {
    const cursor = Buffer.from(JSON.stringify(['a\u0000', contact.id])).toString('base64url');
    validationFailed(await admin.get(`/api/contacts?cursor=${cursor}`));
  });

  it('a deeply nested body is checked without overflowing the stack', async () => {
    const deep = '['.repeat(30_000) + ']'.repeat(30_000);
    const response = await t.app.server.inject({
      method: 'POST',
      url: '/api/teams',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      payload: `{"name":"x","extra":${deep}}`,
    });
    expect(response.statusCode).toBe(400);
  });
});
