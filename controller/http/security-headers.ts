import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import type { RouteOptions } from 'fastify';
import type { Server } from './server-type.js';

/** CSP directives as helmet takes them: fixed sources, or one computed per request. */
export type Directives = Record<string, (string | ((req: IncomingMessage) => string))[]>;

/** The default, for JSON answers and anything not listed below: nothing may load, nobody may frame it. */
const apiPolicy: Directives = {
  defaultSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};

/**
 * Swagger UI at /api/docs: its own files only, but its React rendering needs inline styles and its icons are data:
 * URIs. No inline or remote scripts.
 */
const docsPolicy: Directives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};

/** The ws(s) origin of a WebSocket URL, e.g. `wss://pbx.example.com:8089` (config.SIP_WS_URL). */
export const wsOrigin = (url: string) => new URL(url).origin.replace(/^http/, 'ws');

const hostHeader = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The page's own WebSocket origins (the events socket at /api/events), from its Host header; both schemes, since
 * behind a TLS-terminating proxy the controller cannot tell which one the browser used. A Host that is not a plain
 * host[:port] adds nothing ('self' still applies).
 */
export function pageWsOrigins(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  return hostHeader.test(host) ? `ws://${host} wss://${host}` : '';
}

/**
 * The webphone (a React build: its own scripts and stylesheet, no inline code or style attributes). It talks to
 * this controller (/api, /api/events) and to Asterisk's SIP WebSocket; media are local streams.
 */
export function webphonePolicy(sipWsUrl: string): Directives {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    mediaSrc: ["'self'", 'blob:', 'mediastream:'],
    connectSrc: ["'self'", wsOrigin(sipWsUrl), pageWsOrigins],
    frameAncestors: ["'none'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
  };
}

/** Gives one route its own Content-Security-Policy (the other headers stay those of the server). */
export function usePolicy(route: RouteOptions, directives: Directives): void {
  const helmetOptions = { contentSecurityPolicy: { useDefaults: false, directives } };
  route.config = Object.assign(route.config ?? {}, { helmet: helmetOptions });
}

const isApiJson = (url: string, type: unknown) =>
  (url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')) &&
  typeof type === 'string' &&
  type.startsWith('application/json');

/**
 * Security headers on every answer (helmet: CSP, nosniff, Referrer-Policy no-referrer, X-Frame-Options DENY,
 * cross-origin isolation headers); /api/docs gets Swagger UI's policy; /api JSON answers are never stored by a
 * browser or proxy (tokens, SIP credentials, people's data), unless a route says otherwise. No HSTS: the same host
 * serves plain HTTP on HTTP_PORT beside HTTPS_PORT, and HSTS (per host, not per port) would send a browser to
 * https on the plain port, where nothing speaks TLS; a TLS-terminating proxy in front may add it.
 */
export async function installSecurityHeaders(app: Server): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: apiPolicy },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
  });
  app.addHook('onRoute', (route) => {
    if (route.url === '/api/docs' || route.url.startsWith('/api/docs/')) usePolicy(route, docsPolicy);
  });
  app.addHook('onSend', async (request, reply) => {
    if (!reply.hasHeader('cache-control') && isApiJson(request.url, reply.getHeader('content-type'))) {
      reply.header('cache-control', 'no-store');
    }
  });
}
