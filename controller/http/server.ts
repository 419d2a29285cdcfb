import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { clientErrorHandler, frameworkErrors, installErrorHandler, rejectLongUrls } from './error-handler.js';
import { recordRoutes } from './route-table.js';
import { installMetrics, type Metrics } from './metrics.js';
import { documentErrors, documentRoute } from './openapi.js';
import { apiDescription } from './openapi-description.js';
import { installSecurityHeaders } from './security-headers.js';

import type { Server } from './server-type.js';

export type { Server };

/** A Fastify instance with the project's conventions; the caller registers routes and calls ready()/listen(). */
export interface ServerOptions {
  /** Reverse proxies whose X-Forwarded-For is believed (request.ip); none by default. */
  trustProxy?: string[];
  /** The bearer token /metrics requires; none: /metrics answers loopback clients only. */
  metricsToken?: string;
}

export async function createServer(
  logger: Logger,
  metrics: Metrics,
  options: ServerOptions = {},
): Promise<Server> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    trustProxy: options.trustProxy?.length ? options.trustProxy : false,
    frameworkErrors,
    clientErrorHandler,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();
  // Before any route, the docs' included, so that the route table the access tests walk is complete.
  recordRoutes(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  app.decorateRequest('access', null);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await installSecurityHeaders(app);
  installErrorHandler(app);
  await app.register(swagger, {
    openapi: {
      info: { title: 'ari-pbx controller API', version: '0.1.0', description: apiDescription },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: documentRoute,
    transformObject: documentErrors,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  rejectLongUrls(app);
  installMetrics(app, metrics, options.metricsToken);
  return app;
}
