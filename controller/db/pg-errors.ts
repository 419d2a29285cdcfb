/**
 * PostgreSQL errors the repositories turn into domain errors. Matching on SQLSTATE and the constraint name (never
 * the message text) keeps check-then-insert races out: the database decides, we translate.
 */
interface PgError {
  code: string;
  constraint?: string;
}

const isPgError = (error: unknown): error is PgError =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';

/** The violated constraint's name when `error` is a unique violation (23505). */
export function uniqueViolation(error: unknown): string | undefined {
  return isPgError(error) && error.code === '23505' ? (error.constraint ?? '') : undefined;
}

/** The violated constraint's name when `error` is a foreign key violation (23503). */
export function foreignKeyViolation(error: unknown): string | undefined {
  return isPgError(error) && error.code === '23503' ? (error.constraint ?? '') : undefined;
}

/**
 * Whether `error` is PostgreSQL aborting a transaction that crossed another one: a serialization failure (40001) or
 * a deadlock's victim (40P01). Running the transaction again is the cure (db/transaction.ts).
 */
export function retryableConflict(error: unknown): boolean {
  return isPgError(error) && (error.code === '40001' || error.code === '40P01');
}

/**
 * Runs `work`; a unique or foreign key violation of a constraint named in `map` becomes the error it maps to,
 * anything else is rethrown untouched.
 */
export async function translateViolations<T>(
  work: () => Promise<T>,
  map: Record<string, () => Error>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const constraint = uniqueViolation(error) ?? foreignKeyViolation(error);
    const translated = constraint === undefined ? undefined : map[constraint];
    throw translated ? translated() : error;
  }
}
