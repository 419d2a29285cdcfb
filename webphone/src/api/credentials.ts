import { apiFetch, ApiError } from './http';

/** What `POST /api/auth/login` and `/api/auth/refresh` return. */
export interface TokenPair {
  token: string;
  refreshToken: string;
  /** Seconds until `token` expires. */
  expiresIn: number;
}

interface Kept {
  token: string;
  refreshToken: string;
  /** Epoch ms. */
  expiresAt: number;
}

const KEY = 'ari-pbx.session';
/** Refresh this long before the access token expires, so no request carries one about to lapse. */
const MARGIN_MS = 60_000;

/**
 * The signed-in tab's tokens, in sessionStorage (gone with the tab). The access token is short-lived: `token()`
 * hands out a fresh one, refreshing it (once, however many callers ask at the same moment) when it is near its end.
 * A refused refresh (the session was ended: log-out elsewhere, password changed) throws ApiError 401.
 */
export interface Credentials {
  token(): Promise<string>;
  clear(): void;
}

export function keepCredentials(pair: TokenPair, now: () => number = Date.now): Credentials {
  return credentialsFrom(store({ ...pair, expiresAt: now() + pair.expiresIn * 1000 }), now);
}

export function savedCredentials(now: () => number = Date.now): Credentials | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const kept = JSON.parse(raw) as Kept;
    return typeof kept.refreshToken === 'string' ? credentialsFrom(kept, now) : null;
  } catch {
    return null;
  }
}

function credentialsFrom(initial: Kept, now: () => number): Credentials {
  let kept = initial;
  let refreshing: Promise<string> | null = null;
  const refresh = async () => {
    const pair = await apiFetch<TokenPair>('/auth/refresh', {
      method: 'POST',
      body: { refreshToken: kept.refreshToken },
    });
    kept = store({ ...pair, expiresAt: now() + pair.expiresIn * 1000 });
    return kept.token;
  };
  return {
    async token() {
      if (kept.expiresAt - MARGIN_MS > now()) return kept.token;
      refreshing ??= refresh().finally(() => (refreshing = null));
      return refreshing;
    },
    clear() {
      sessionStorage.removeItem(KEY);
      kept = { token: '', refreshToken: '', expiresAt: 0 };
    },
  };
}

function store(kept: Kept): Kept {
  sessionStorage.setItem(
    KEY,
    JSON.stringify({ token: kept.token, refreshToken: kept.refreshToken, expiresAt: kept.expiresAt }),
  );
  return kept;
}

export const isUnauthorized = (error: unknown) => error instanceof ApiError && error.status === 401;
