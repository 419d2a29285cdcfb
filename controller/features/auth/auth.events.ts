import type { AnyPbxEvent } from '../../bus/events.js';

declare module '../../bus/events.js' {
  interface EventMap {
    /**
     * Tokens were revoked: one session (log-out, a replayed refresh token) or, with `sessionId` null, all of a
     * user's. Every instance's WebSocket gateway closes the sockets it concerns. Never sent to clients.
     */
    'auth.revoked': { userId: string; sessionId: string | null };
  }
}

/** Internal: no client sees `auth.*` events. */
export function authEventVisible(event: AnyPbxEvent): boolean | undefined {
  return event.type.startsWith('auth.') ? false : undefined;
}
