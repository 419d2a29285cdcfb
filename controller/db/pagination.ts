import { z } from 'zod';
import { AppError } from '../errors.js';
import { pgTextProblem } from './pg-text.js';

/** A page request as every list route takes it: `limit` (1-200) and the opaque `cursor` of the previous page. */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type CursorKey = readonly (string | number)[];

/** A cursor is the sort key of the last row of a page, as base64url JSON: opaque to clients, cheap to check. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

type CursorValueKind = 'string' | 'number' | 'uuid';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isKind = (value: unknown, kind: CursorValueKind) => {
  if (kind === 'number') return Number.isSafeInteger(value);
  if (typeof value !== 'string') return false;
  // A cursor's strings go into the query: what text cannot hold (a NUL) must not make it a 500.
  return kind === 'string' ? pgTextProblem(value) === undefined : uuidPattern.test(value);
};

/** The sort key in `cursor`, which must hold exactly the given kinds of values; a bad cursor is a 400. */
export function decodeCursor<const K extends readonly CursorValueKind[]>(
  cursor: string,
  kinds: K,
): { [I in keyof K]: K[I] extends 'number' ? number : string } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const valid =
    Array.isArray(value) && value.length === kinds.length && value.every((v, i) => isKind(v, kinds[i]!));
  if (!valid) throw new AppError('validation-failed', 'query.cursor: is not a cursor this list gave out');
  return value as { [I in keyof K]: K[I] extends 'number' ? number : string };
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only tells that there is more, and the cursor is the
 * key of the last row returned.
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => CursorKey,
  map: (row: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return { items: shown.map(map), nextCursor: more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

/** The query fields every list route accepts. */
export const pageQueryShape = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(500).optional(),
};

/** `{ items, nextCursor }` of the given item schema. */
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
