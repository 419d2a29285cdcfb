import { keepCredentials, type Credentials, type TokenPair } from './credentials';
import { apiFetch } from './http';
import type { User } from './types';
import type { SipCredentials } from '../phone/sip-user-agent';

export async function login(
  username: string,
  password: string,
): Promise<{ credentials: Credentials; user: User }> {
  const result = await apiFetch<TokenPair & { user: User }>('/auth/login', {
    method: 'POST',
    body: { username, password },
  });
  return { credentials: keepCredentials(result), user: result.user };
}

/** Ends this tab's session on the server (its tokens stop working at once) and forgets them here. */
export async function logout(credentials: Credentials): Promise<void> {
  const token = await credentials.token().catch(() => null);
  credentials.clear();
  if (token) await apiFetch('/auth/logout', { token, method: 'POST', body: {} }).catch(() => undefined);
}

/** Who the saved session belongs to (after a reload). */
export const fetchMe = async (credentials: Credentials) =>
  apiFetch<User>('/users/me', { token: await credentials.token() });

/** The webphone's SIP account (`<ext>-web`); the password is kept in memory only. */
export const fetchSipCredentials = async (credentials: Credentials) =>
  apiFetch<SipCredentials>('/users/me/sip-credentials', { token: await credentials.token() });

/** A one-time ticket for opening `/api/events` (a browser cannot send the token in a header). */
export const fetchEventsTicket = async (credentials: Credentials) =>
  (await apiFetch<{ ticket: string }>('/events/ticket', { token: await credentials.token(), method: 'POST' }))
    .ticket;
