import { createServer, type Server } from 'node:https';
import type { Server as HttpServer } from 'node:http';
import type { TlsPair } from './tls.js';

/**
 * The app's HTTP server also served over TLS on a second port: every request and WebSocket upgrade arriving there is
 * handed to the same Fastify server (one app, one set of routes and sockets; `request.protocol` says https).
 */
export async function listenHttps(
  app: HttpServer,
  pair: TlsPair,
  host: string,
  port: number,
): Promise<{ server: Server; port: number }> {
  const server = createServer({ cert: pair.cert, key: pair.key }, (request, response) =>
    app.emit('request', request, response),
  );
  server.on('upgrade', (request, socket, head) => app.emit('upgrade', request, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}
