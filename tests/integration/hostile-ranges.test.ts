import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userWithClient } from '../helpers/fixtures.js';
import { hostileString } from '../helpers/hostile-values.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Property: whatever `Range` header a client sends for a voicemail message's audio (the same `sendWav` serves call
 * recordings), and whatever the file's size, empty included, the answer is 200 (the whole file), 206 with a
 * `Content-Range` inside the file and as many bytes as it says, or 416 range-not-satisfiable: never a 5xx.
 */

let t: TestApp;
const dir = mkdtempSync(join(tmpdir(), 'hostile-ranges-'));
let admin: Awaited<ReturnType<typeof userWithClient>>;
const messages: { id: string; size: number }[] = [];

beforeAll(async () => {
  t = await createTestApp({ config: { VOICEMAIL_DIR: dir } });
  admin = await userWithClient(t.app, t.db, { role: 'admin' });
  for (const size of [0, 1, 2, 100]) {
    const name = `vm-range-${size}`;
    const filePath = join(dir, `${name}.wav`);
    writeFileSync(filePath, Buffer.alloc(size, 7));
    const row = await t.db
      .insertInto('voicemail_messages')
      .values({
        mailbox_user_id: admin.user.id,
        from_number: '1999',
        to_number: admin.user.extension,
        call_id: null,
        received_at: new Date(),
        duration_seconds: 2,
        recording_name: name,
        file_path: filePath,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    messages.push({ id: row.id, size });
  }
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const number = fc.oneof(fc.nat(200).map(String), fc.constantFrom('', '0', '00', '99999999999999999999999'));
const range = fc.oneof(
  fc.tuple(number, number).map(([a, b]) => `bytes=${a}-${b}`),
  fc.constantFrom(
    'bytes=-1',
    'bytes=-0',
    'bytes=0-',
    'bytes=0-0',
    'bytes=1-0',
    'bytes=0-1,2-3',
    'bytes=-',
    'items=0-1',
  ),
  hostileString.map((s) => s.replace(/[^\x20-\x7e]/g, '')),
);

async function problem(message: { id: string; size: number }, header: string): Promise<string | undefined> {
  const response = await t.app.server.inject({
    method: 'GET',
    url: `/api/voicemail/${message.id}/audio`,
    headers: { ...admin.api.headers, range: header },
  });
  const status = response.statusCode;
  const where = `${message.size} bytes, Range ${JSON.stringify(header)}: ${status}`;
  if (status === 200)
    return response.rawPayload.length === message.size ? undefined : `${where} of the wrong length`;
  if (status === 416) return response.json().error.code === 'range-not-satisfiable' ? undefined : where;
  if (status !== 206) return `${where} ${response.body.slice(0, 200)}`;
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(response.headers['content-range']));
  if (!match) return `${where} with Content-Range ${String(response.headers['content-range'])}`;
  const [start, end, size] = match.slice(1).map(Number) as [number, number, number];
  const fits =
    size === message.size && start <= end && end < size && response.rawPayload.length === end - start + 1;
  return fits ? undefined : `${where} sent ${response.rawPayload.length} bytes as ${match[0]}`;
}

describe('Range headers on audio', () => {
  it('any Range on files of 0, 1, 2 and 100 bytes: 200, a 206 inside the file, or 416; never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...messages), range, async (message, header) => {
        expect(await problem(message, header)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('a suffix range of an empty file is 416 (it was a 500: a read stream from 0 to -1)', async () => {
    const empty = messages.find((m) => m.size === 0)!;
    expect(await problem(empty, 'bytes=-1')).toBeUndefined();
    expect(await problem(empty, 'bytes=-500')).toBeUndefined();
  });
});
