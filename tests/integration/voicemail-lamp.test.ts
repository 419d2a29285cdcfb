import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/fixtures.js';
import { eventually, startTelephony, type Telephony, type TestUser } from '../helpers/telephony.js';
import { login } from '../helpers/test-app.js';

/** The message lamp is set again after Asterisk restarts (res_mwi_external forgets its mailboxes). */
let t: Telephony;
let owner: TestUser;

beforeAll(async () => {
  t = await startTelephony();
  owner = await t.addUser('agent', '1002');
  const boss = await t.addUser('admin', '1009');
  await t.start();
  const admin = apiClient(t.app, await login(t.app, boss.username, boss.password));
  expect(
    (await admin.put(`/api/users/${owner.id}/voicemail`, { enabled: true, pin: '2468' })).statusCode,
  ).toBe(200);
});
afterAll(async () => t?.close());

describe('message lamps', () => {
  it('are set when a mailbox is enabled, and for every mailbox again after Asterisk restarts', async () => {
    await eventually(() => t.double.mailboxes().find((m) => m.name === '1002@ari-pbx'), 2000, 'lamp set');
    await t.db
      .insertInto('voicemail_messages')
      .values({
        mailbox_user_id: owner.id,
        from_number: '1001',
        to_number: '1002',
        call_id: null,
        received_at: new Date(),
        duration_seconds: 2,
        recording_name: 'vm-lamp-test',
        file_path: '/nonexistent/vm-lamp-test.wav',
      })
      .execute();
    t.double.restart();
    expect(t.double.mailboxes()).toEqual([]);
    const lamp = await eventually(
      () => t.double.mailboxes().find((m) => m.name === '1002@ari-pbx'),
      5000,
      'lamp set again after the restart',
    );
    expect(lamp).toEqual({ name: '1002@ari-pbx', newMessages: 1, oldMessages: 0 });
  });
});
