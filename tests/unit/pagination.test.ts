import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, toPage } from '../../controller/db/pagination.js';

describe('cursors', () => {
  it('round-trips a sort key', () => {
    expect(decodeCursor(encodeCursor([4, '1001']), ['number', 'string'] as const)).toEqual([4, '1001']);
    const id = '0b6c1a4e-64c3-4c1e-9d8e-1f2a3b4c5d6e';
    expect(decodeCursor(encodeCursor(['bob', id]), ['string', 'uuid'] as const)).toEqual(['bob', id]);
  });

  it.each([
    ['not base64 json', 'garbage!', ['string']],
    ['wrong arity', encodeCursor(['a', 'b']), ['string']],
    ['wrong kind', encodeCursor(['1']), ['number']],
    ['a fraction', encodeCursor([1.5]), ['number']],
    ['not a uuid', encodeCursor(['x']), ['uuid']],
    ['an object', Buffer.from('{"a":1}').toString('base64url'), ['string']],
  ] as const)('rejects %s with validation-failed', (_name, cursor, kinds) => {
    expect(() => decodeCursor(cursor, kinds)).toThrow(expect.objectContaining({ code: 'validation-failed' }));
  });

  it('pages limit + 1 rows: the extra one only says there is more', () => {
    const rows = [1, 2, 3];
    expect(toPage(rows, 2, (n) => [n], String)).toEqual({ items: ['1', '2'], nextCursor: encodeCursor([2]) });
    expect(toPage(rows, 3, (n) => [n], String)).toEqual({ items: ['1', '2', '3'], nextCursor: null });
    expect(toPage([], 3, (n: number) => [n], String)).toEqual({ items: [], nextCursor: null });
  });
});
