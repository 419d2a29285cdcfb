/** HTTP + WebSocket front of the double: /ari/api-docs, REST routes, /ari/events. */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Sim } from './sim.js';
import { timestamp } from './sim.js';
import { Router, authorized, mergeParams, type RestResponse } from './rest.js';
import { apiDoc, apiDocName } from './api-docs.js';
import { channelRoutes } from './routes-channels.js';
import { bridgeRoutes } from './routes-bridges.js';
import { miscRoutes } from './routes-misc.js';
import { mediaRoutes } from './routes-media.js';
import { ensureApp } from './events.js';

export interface RunningServer {
  url: string;
  server: http.Server;
  wss: WebSocketServer;
}

function buildRouter(): Router {
  const r = new Router();
  channelRoutes(r);
  bridgeRoutes(r);
  miscRoutes(r);
  mediaRoutes(r);
  return r;
}

function send(res: ServerResponse, out: RestResponse): void {
  const headers: Record<string, string> = {};
  if (out.status === 401) headers['WWW-Authenticate'] = 'Basic realm="Asterisk REST Interface"';
  if (out.body === undefined) {
    res.writeHead(out.status, headers).end();
    return;
  }
  if (Buffer.isBuffer(out.body)) {
    res.writeHead(out.status, { ...headers, 'Content-Type': out.contentType ?? 'application/octet-stream' });
    res.end(out.body);
    return;
  }
  res.writeHead(out.status, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(out.body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function onRequest(
  sim: Sim,
  router: Router,
  baseUrl: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', baseUrl);
  if (!url.pathname.startsWith('/ari/')) return send(res, { status: 404, body: { message: 'Not found' } });
  if (!authorized(sim, req, url.searchParams))
    return send(res, { status: 401, body: { message: 'Authentication required' } });
  const docName = apiDocName(url.pathname);
  if (docName) {
    const doc = apiDoc(docName, baseUrl);
    return send(res, doc ? { status: 200, body: doc } : { status: 404, body: { message: 'Not found' } });
  }
  const body = await readBody(req);
  const out = router.handle(
    sim,
    req.method ?? 'GET',
    url.pathname.slice(4),
    mergeParams(url.searchParams, body),
    body,
  );
  send(res, out);
}

function onUpgrade(
  sim: Sim,
  wss: WebSocketServer,
  baseUrl: string,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  const url = new URL(req.url ?? '/', baseUrl);
  const reject = (status: string): void => {
    socket.end(
      `HTTP/1.1 ${status}\r\nWWW-Authenticate: Basic realm="Asterisk REST Interface"\r\nContent-Length: 0\r\n\r\n`,
    );
  };
  if (url.pathname !== '/ari/events') return reject('404 Not Found');
  if (!authorized(sim, req, url.searchParams)) return reject('401 Unauthorized');
  const apps = (url.searchParams.get('app') ?? '').split(',').filter(Boolean);
  if (apps.length === 0) return reject('400 Bad Request');
  wss.handleUpgrade(req, socket, head, (ws) => attachApps(sim, ws, apps));
}

/** A newer WebSocket for an app wins: the old one gets ApplicationReplaced and is closed. */
function attachApps(sim: Sim, ws: WebSocket, names: string[]): void {
  for (const name of names) {
    const app = ensureApp(sim, name);
    const old = app.socket;
    app.socket = ws;
    if (old && old !== ws && old.readyState === old.OPEN) {
      old.send(
        JSON.stringify({
          type: 'ApplicationReplaced',
          timestamp: timestamp(),
          asterisk_id: sim.asteriskId,
          application: name,
        }),
      );
      old.close();
    }
  }
  ws.on('close', () => {
    for (const name of names) {
      const app = sim.apps.get(name);
      if (app?.socket === ws) app.socket = undefined;
    }
  });
}

export async function startServer(sim: Sim): Promise<RunningServer> {
  const router = buildRouter();
  const wss = new WebSocketServer({ noServer: true });
  let baseUrl = '';
  const server = http.createServer((req, res) => {
    onRequest(sim, router, baseUrl, req, res).catch((e: unknown) => {
      send(res, { status: 500, body: { message: String(e) } });
    });
  });
  server.on('upgrade', (req, socket, head) => onUpgrade(sim, wss, baseUrl, req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('ari-double: no port');
  baseUrl = `http://127.0.0.1:${addr.port}`;
  return { url: baseUrl, server, wss };
}
