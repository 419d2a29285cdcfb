import { createHash, timingSafeEqual } from 'node:crypto';

/** What /metrics knows about a scrape: the configured token, the request's header and the socket's address. */
export interface Scrape {
  /** METRICS_TOKEN; unset: loopback only. */
  token: string | undefined;
  authorization: string | undefined;
  /** The TCP peer (never X-Forwarded-For). */
  remoteAddress: string | undefined;
  /** The request carries X-Forwarded-For, Forwarded or X-Real-IP: a proxy relayed it for someone else. */
  forwarded: boolean;
}

export type ScrapeDecision = 'allow' | 'unauthorized' | 'forbidden';

const loopback = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

export const isLoopback = (address: string | undefined) => loopback.test(address ?? '');

const bearer = (header: string | undefined) => /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Who may read /metrics. With METRICS_TOKEN: whoever sends it as a bearer token, from anywhere. Without: only a
 * client on this host, connecting directly; a request a local reverse proxy relayed (it says so in its forwarding
 * headers) comes from elsewhere and is refused.
 */
export function decideScrape(scrape: Scrape): ScrapeDecision {
  if (scrape.token !== undefined) {
    const given = bearer(scrape.authorization);
    return given !== undefined && timingSafeEqual(digest(given), digest(scrape.token))
      ? 'allow'
      : 'unauthorized';
  }
  return isLoopback(scrape.remoteAddress) && !scrape.forwarded ? 'allow' : 'forbidden';
}
