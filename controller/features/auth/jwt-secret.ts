import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type SecretSource = 'environment' | 'file' | 'generated';

/**
 * The environment with JWT_SECRET filled in. A given JWT_SECRET wins; otherwise the one kept in JWT_SECRET_FILE
 * (default `data/jwt-secret`; a Docker volume in compose), which is generated (48 random bytes, mode 0600) on
 * first start and kept, so tokens survive restarts and no installation shares a secret with another.
 */
export function withJwtSecret(env: Record<string, string | undefined>): {
  env: Record<string, string | undefined>;
  source: SecretSource;
  file: string;
} {
  const file = env.JWT_SECRET_FILE || 'data/jwt-secret';
  if (env.JWT_SECRET) return { env, source: 'environment', file };
  const kept = readSecret(file);
  if (kept) return { env: { ...env, JWT_SECRET: kept }, source: 'file', file };
  const secret = randomBytes(48).toString('base64url');
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another instance on the same volume may have written it first: use theirs.
    const theirs = readSecret(file);
    if (theirs) return { env: { ...env, JWT_SECRET: theirs }, source: 'file', file };
    throw new Error(
      `JWT_SECRET_FILE: cannot write ${file} (${(error as Error).message}); set JWT_SECRET or a writable JWT_SECRET_FILE`,
    );
  }
  return { env: { ...env, JWT_SECRET: secret }, source: 'generated', file };
}

function readSecret(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
