import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { TokenClaims } from './tokens.js';

export interface WsTickets {
  readonly ttlSeconds: number;
  /** A one-time ticket for opening `/api/events`, good for `ttlSeconds`. */
  issue(claims: TokenClaims): Promise<string>;
  /** The claims a ticket stands for, once: a second redeem (or an expired ticket) gives undefined. */
  redeem(ticket: string): Promise<TokenClaims | undefined>;
}

/**
 * A browser cannot set headers on a WebSocket, and a bearer token in the URL ends up in logs and proxies. A ticket
 * is a short random string bound to the caller's session, kept in Redis for seconds and consumed on first use.
 */
export function createWsTickets(redis: Redis, prefix: string, ttlSeconds: number): WsTickets {
  const key = (ticket: string) => `${prefix}ws-ticket:${ticket}`;
  return {
    ttlSeconds,
    async issue(claims) {
      const ticket = randomBytes(24).toString('base64url');
      await redis.set(key(ticket), JSON.stringify(claims), 'EX', ttlSeconds);
      return ticket;
    },
    async redeem(ticket) {
      if (!/^[\w-]{32}$/.test(ticket)) return undefined;
      const raw = await redis.getdel(key(ticket));
      return raw ? (JSON.parse(raw) as TokenClaims) : undefined;
    },
  };
}
