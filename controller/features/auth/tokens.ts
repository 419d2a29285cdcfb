import { SignJWT, jwtVerify } from 'jose';

/**
 * What a token says: whose it is, which log-in (session) it belongs to, the user's token version when it was
 * issued, and when it ends. Access tokens are short-lived bearer tokens; a refresh token (single use, by its
 * generation) gets the next pair.
 */
export interface TokenClaims {
  userId: string;
  sessionId: string;
  tokenVersion: number;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface RefreshClaims extends TokenClaims {
  generation: number;
}

export interface TokenPair {
  token: string;
  refreshToken: string;
  /** Seconds until `token` expires. */
  expiresIn: number;
}

export interface Tokens {
  issue(session: {
    userId: string;
    sessionId: string;
    tokenVersion: number;
    generation: number;
  }): Promise<TokenPair>;
  verifyAccess(token: string): Promise<TokenClaims | undefined>;
  verifyRefresh(token: string): Promise<RefreshClaims | undefined>;
}

export function createTokens(secret: string, accessTtlSeconds: number, refreshTtlSeconds: number): Tokens {
  const key = new TextEncoder().encode(secret);
  const sign = (claims: Record<string, unknown>, subject: string, ttlSeconds: number) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(key);

  const verify = async (token: string, typ: 'access' | 'refresh') => {
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
      const { sub, sid, tv, exp, gen } = payload;
      if (payload.typ !== typ || typeof sub !== 'string' || typeof sid !== 'string') return undefined;
      if (typeof tv !== 'number' || typeof exp !== 'number') return undefined;
      return { userId: sub, sessionId: sid, tokenVersion: tv, expiresAt: exp * 1000, generation: gen };
    } catch {
      return undefined;
    }
  };

  return {
    async issue({ userId, sessionId, tokenVersion, generation }) {
      const [token, refreshToken] = await Promise.all([
        sign({ typ: 'access', sid: sessionId, tv: tokenVersion }, userId, accessTtlSeconds),
        sign(
          { typ: 'refresh', sid: sessionId, tv: tokenVersion, gen: generation },
          userId,
          refreshTtlSeconds,
        ),
      ]);
      return { token, refreshToken, expiresIn: accessTtlSeconds };
    },
    async verifyAccess(token) {
      const claims = await verify(token, 'access');
      return (
        claims && {
          userId: claims.userId,
          sessionId: claims.sessionId,
          tokenVersion: claims.tokenVersion,
          expiresAt: claims.expiresAt,
        }
      );
    },
    async verifyRefresh(token) {
      const claims = await verify(token, 'refresh');
      return claims && typeof claims.generation === 'number'
        ? { ...claims, generation: claims.generation }
        : undefined;
    },
  };
}
