import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { decideScrape } from './metrics-access.js';
import type { Server } from './server-type.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The controller's Prometheus registry: one per app instance, so that tests may run two side by side. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  return {
    registry,
    httpRequests: new Counter({
      name: 'pbx_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'pbx_http_request_duration_seconds',
      help: 'HTTP request duration by route',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    wsClients: new Gauge({
      name: 'pbx_websocket_clients',
      help: 'WebSocket clients connected to /api/events',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The onRequest hook of /metrics (see decideScrape): 401 without the right token, 403 from elsewhere. */
function scrapeAccess(token: string | undefined) {
  return async (request: FastifyRequest) => {
    const { headers } = request;
    const decision = decideScrape({
      token,
      authorization: headers.authorization,
      remoteAddress: request.raw.socket.remoteAddress,
      forwarded: Boolean(headers['x-forwarded-for'] ?? headers.forwarded ?? headers['x-real-ip']),
    });
    if (decision === 'unauthorized')
      throw new AppError('unauthorized', 'a bearer token (METRICS_TOKEN) is required');
    if (decision === 'forbidden') {
      throw new AppError('forbidden', '/metrics answers only this host unless METRICS_TOKEN is set');
    }
  };
}

/** Request metrics for every route, and GET /metrics for Prometheus (with METRICS_TOKEN, or from loopback only). */
export function installMetrics(app: Server, metrics: Metrics, token?: string): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true }, onRequest: scrapeAccess(token) }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
