import { describe, expect, it } from 'vitest';
import { ownPhoneInOneTab } from './tab-owner';

/** The Web Locks semantics the ownership relies on: exclusive, queued, ifAvailable, steal, abort. */
function fakeLocks() {
  type Entry = {
    cb: (lock: { name: string } | null) => unknown;
    resolve: (v: unknown) => void;
    reject: (e: unknown) => void;
  };
  let holder: Entry | null = null;
  const queue: Entry[] = [];
  const grant = (entry: Entry) => {
    holder = entry;
    Promise.resolve(entry.cb({ name: 'phone' })).then((value) => {
      if (holder !== entry) return;
      holder = null;
      entry.resolve(value);
      const next = queue.shift();
      if (next) grant(next);
    });
  };
  const request = (
    _name: string,
    options: { ifAvailable?: boolean; steal?: boolean; signal?: AbortSignal },
    cb: Entry['cb'],
  ) =>
    new Promise((resolve, reject) => {
      const entry: Entry = { cb, resolve, reject };
      if (options.steal) {
        holder?.reject(new DOMException('The lock was stolen', 'AbortError'));
        grant(entry);
      } else if (!holder) grant(entry);
      else if (options.ifAvailable) Promise.resolve(cb(null)).then(resolve, reject);
      else {
        queue.push(entry);
        options.signal?.addEventListener('abort', () => {
          queue.splice(queue.indexOf(entry), 1);
          reject(new DOMException('aborted', 'AbortError'));
        });
      }
    });
  return { request } as unknown as Pick<LockManager, 'request'>;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function tab(locks: Pick<LockManager, 'request'>, log: string[], name: string) {
  return ownPhoneInOneTab(locks, 'ari-pbx-phone:u1', {
    own: () => log.push(`${name} owns`),
    elsewhere: () => log.push(`${name} elsewhere`),
  });
}

describe('one tab owns the phone', () => {
  it('the first tab owns it; a second waits, takes it over on request, and the first gets it back when it goes', async () => {
    const locks = fakeLocks();
    const log: string[] = [];
    tab(locks, log, 'A');
    await settle();
    const b = tab(locks, log, 'B');
    await settle();
    expect(log).toEqual(['A owns', 'B elsewhere']);
    b.takeOver();
    await settle();
    expect(log.slice(2)).toEqual(['B owns', 'A elsewhere']);
    b.release();
    await settle();
    expect(log.slice(4)).toEqual(['A owns']);
  });

  it("a waiting tab gets the phone by itself when the owner's tab closes (its lock released)", async () => {
    const locks = fakeLocks();
    const log: string[] = [];
    const a = tab(locks, log, 'A');
    await settle();
    tab(locks, log, 'B');
    await settle();
    a.release();
    await settle();
    expect(log).toEqual(['A owns', 'B elsewhere', 'B owns']);
  });

  it('without Web Locks every tab owns its phone', () => {
    const log: string[] = [];
    tab(undefined as never, log, 'A');
    expect(log).toEqual(['A owns']);
  });
});
