import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import { usePolicy, webphonePolicy } from './security-headers.js';
import type { Server } from './server.js';

/** True when `dir` holds a built webphone (`vite build webphone`); tests and API-only runs have none. */
export const hasWebphone = (dir: string) => existsSync(resolve(dir, 'index.html'));

/**
 * Serves the built webphone at `/`: its files, and index.html for any other GET outside `/api` that does not
 * name a file (the app routes in the browser). The file list is read at start: restart after a rebuild. Hashed
 * assets are cached for good; index.html is revalidated every time. Every answer carries the webphone's CSP, which
 * lets it reach Asterisk's SIP WebSocket (`sipWsUrl`).
 */
export function webphoneRoutes(dir: string, sipWsUrl: string) {
  const root = resolve(dir);
  const policy = webphonePolicy(sipWsUrl);
  return async (app: Server) => {
    app.addHook('onRoute', (route) => usePolicy(route, policy));
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      // Our own Cache-Control below; @fastify/static's (`public, max-age=0`) would otherwise replace it.
      cacheControl: false,
      setHeaders(res, path) {
        const immutable = path.includes(`${root}/assets/`);
        res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      // API paths and missing files (anything with an extension, e.g. an old build's asset) stay 404s.
      if (path === '/api' || path.startsWith('/api/') || /\.[a-z0-9]+$/i.test(path))
        return reply.callNotFound();
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html');
    });
  };
}

/**
 * Without a built webphone (`npm start` straight after `npm ci`): `GET /` says so and what to do, rather than a bare
 * 404 that looks like a broken server. The API is unaffected.
 */
export function webphoneMissingRoute(dir: string) {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ari-pbx: webphone not built</title></head>
<body><main><h1>The webphone is not built</h1>
<p>The controller runs (the API is at <a href="/api/docs">/api/docs</a>), but <code>${escapeHtml(dir)}</code> holds no
built webphone. Run <code>npm run build</code>, then restart the controller (<code>npm start</code> builds it when it is
missing).</p></main></body></html>`;
  return async (app: Server) => {
    app.get('/', { schema: { hide: true } }, (_request, reply) =>
      reply.code(503).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(page),
    );
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
