import http from 'node:http';
import https from 'node:https';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { Ownership } from './ownership.js';

/**
 * The routes whose state lives in the ARI owner's memory or that command Asterisk (live calls, parks, pages,
 * supervision, hot desking): on a standby they are forwarded to the owner, as they came, and its answer returned as
 * it went. Everything else (users, teams, contacts, call logs, settings, presence…) is PostgreSQL and Redis, which
 * every instance serves itself.
 */
export const OWNER_ROUTE_PREFIXES = [
  '/api/calls',
  '/api/parking',
  '/api/supervision',
  '/api/paging/pages',
  '/api/hotdesk',
] as const;

/** Set on a forwarded request: the owner must answer it, never pass it on (two standbys agreeing on a dead owner). */
export const FORWARDED_HEADER = 'x-ari-pbx-forwarded-by';

export const isOwnerRoute = (url: string): boolean => {
  const path = url.split('?', 1)[0]!;
  return OWNER_ROUTE_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
};

/** Headers of one connection, not of the request: never passed on. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer'];
const withoutHopByHop = <T extends Record<string, unknown>>(headers: T): T => {
  const copy = { ...headers };
  for (const name of HOP_BY_HOP) delete copy[name];
  return copy;
};

/** An onRequest hook: on an instance that does not own the ARI app, owner routes go to the owner. */
export function forwardToOwner(ownership: Ownership, timeoutMs = 15_000) {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, timeout: 4000 }),
    'https:': new https.Agent({ keepAlive: true, timeout: 4000 }),
  };
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (ownership.isOwner() || !isOwnerRoute(request.url)) return;
    const owner = ownership.owner();
    if (!owner || request.headers[FORWARDED_HEADER])
      throw new AppError(
        'ari-owner-unknown',
        'no controller instance owns the Asterisk connection right now; try again in a few seconds',
      );
    // request.url is a path under /api (isOwnerRoute), so this cannot name another host.
    const target = new URL(`${owner.url.replace(/\/+$/, '')}${request.url}`);
    const client = target.protocol === 'https:' ? https : http;
    const headers = {
      ...withoutHopByHop(request.headers),
      host: target.host,
      [FORWARDED_HEADER]: ownership.instanceId,
    };
    reply.hijack();
    const upstream = client.request(
      target,
      {
        method: request.method,
        headers,
        agent: agents[target.protocol as 'http:' | 'https:'],
        timeout: timeoutMs,
      },
      (answer) => {
        reply.raw.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
        answer.pipe(reply.raw);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('the owner did not answer in time')));
    upstream.on('error', (error) => {
      request.log.warn({ err: error, owner: owner.url }, 'could not forward to the ARI owner');
      if (reply.raw.headersSent) return void reply.raw.destroy();
      const body = JSON.stringify({
        error: {
          code: 'ari-owner-unreachable',
          message: `the instance owning the Asterisk connection (${owner.url}) does not answer`,
        },
      });
      reply.raw.writeHead(503, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      reply.raw.end(body);
    });
    request.raw.pipe(upstream);
  };
}
