import { apiFetch } from './http';
import type { User } from './types';
import type { SipCredentials } from '../phone/sip-user-agent';

const TOKEN_KEY = 'ari-pbx.token';

/** The bearer token lives in sessionStorage (gone with the tab); nothing else is stored in the browser. */
export const savedToken = (): string | null => sessionStorage.getItem(TOKEN_KEY);

export async function login(username: string, password: string): Promise<{ token: string; user: User }> {
  const result = await apiFetch<{ token: string; user: User }>('/auth/login', {
    method: 'POST',
    body: { username, password },
  });
  sessionStorage.setItem(TOKEN_KEY, result.token);
  return result;
}

export function logout(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Who the saved token belongs to (after a reload). */
export const fetchMe = (token: string) => apiFetch<User>('/users/me', { token });

/** The webphone's SIP account (`<ext>-web`); the password is kept in memory only. */
export const fetchSipCredentials = (token: string) =>
  apiFetch<SipCredentials>('/users/me/sip-credentials', { token });
