import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createKeptWrites } from '../../controller/db/kept-writes.js';

const down = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A "database" that refuses while `up` is false and records what it took. */
function database() {
  const state = { up: false, rows: new Map<string, string>() };
  const write = (key: string, value: string) => async () => {
    if (!state.up) throw down();
    state.rows.set(key, value);
  };
  return { state, write };
}

function kept() {
  // The owner's order: one chain per key, as the call's write queue or the park's lock.
  const chains = new Map<string, Promise<unknown>>();
  const run = (key: string, fn: () => Promise<void>) => {
    const next = (chains.get(key) ?? Promise.resolve()).then(fn);
    chains.set(key, next.catch(() => undefined));
    return next;
  };
  return createKeptWrites({ run, logger: pino({ level: 'silent' }), what: 'rows', retryMs: 10 });
}

describe('kept writes', () => {
  it('keeps a write the database refused and writes it once the database is back', async () => {
    const db = database();
    const writes = kept();
    await writes.attempt('a', db.write('a', 'ended'));
    expect(writes.pending()).toEqual(['a']);
    await settle(30);
    expect(db.state.rows.size).toBe(0);
    db.state.up = true;
    await settle(30);
    expect(db.state.rows.get('a')).toBe('ended');
    expect(writes.pending()).toEqual([]);
    writes.stop();
  });

  it('keeps only the newest write of a key: an older one never overwrites it', async () => {
    const db = database();
    const writes = kept();
    await writes.attempt('a', db.write('a', 'ringing'));
    await writes.attempt('a', db.write('a', 'ended'));
    db.state.up = true;
    await settle(30);
    expect(db.state.rows.get('a')).toBe('ended');
    await writes.attempt('a', db.write('a', 'newest'));
    await settle(30);
    expect(db.state.rows.get('a')).toBe('newest');
    writes.stop();
  });

  it('leaves any other error to the caller', async () => {
    const writes = kept();
    await expect(
      writes.attempt('a', async () => {
        throw new Error('duplicate key value violates unique constraint');
      }),
    ).rejects.toThrow('duplicate key');
    expect(writes.pending()).toEqual([]);
    writes.stop();
  });
});
