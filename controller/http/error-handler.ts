import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Server } from './server-type.js';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../db/db-unavailable.js';
import { AppError, type ErrorCode, errorStatus } from '../errors.js';

interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

const body = (code: ErrorCode, message: string, details?: unknown): ErrorBody => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

/** Longer URLs get 414; Node's parser answers 431 first once the request line and headers pass 16 KiB together. */
export const MAX_URL_LENGTH = 8 * 1024;

/** The one place where errors become HTTP answers: `{"error":{"code","message"}}`; 5xx never shows internals. */
export function installErrorHandler(app: Server): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const [status, payload] = classify(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(status).send(payload);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(body('not-found', `no route for ${request.method} ${request.url.split('?')[0]}`)),
  );
  // Only JSON bodies: Fastify's default text/plain parser would hand a string to the schemas (a 400, not a 415).
  app.removeContentTypeParser('text/plain');
}

/**
 * 414 for a URL over MAX_URL_LENGTH. Installed after @fastify/websocket: its onRequest hook marks a WebSocket
 * upgrade so that the socket is destroyed once a refusal is sent; a hook throwing before it left the upgrade's socket
 * open after the 414, for as long as the client liked, and the server's close waiting for it.
 */
export function rejectLongUrls(app: Server): void {
  app.addHook('onRequest', async (request) => {
    if (request.url.length > MAX_URL_LENGTH) {
      throw new AppError('uri-too-long', `the URL is longer than ${MAX_URL_LENGTH} characters`);
    }
  });
}

/**
 * Fastify's `frameworkErrors`: what its router rejects before any route (a path parameter over maxParamLength, a
 * malformed %-escape) gets the envelope too.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const [status, payload] =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? [414, body('uri-too-long', 'a path segment of the URL is too long')]
      : error.code === 'FST_ERR_BAD_URL'
        ? [400, body('malformed-request', 'the URL is not validly encoded')]
        : classify(error);
  void reply.status(status).send(payload);
}

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser failed before there was a request (headers over 16 KiB, a
 * request that is not HTTP, a client too slow to send its headers). The answer is written to the socket by hand,
 * still in the envelope, and the connection closed.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message]: [number, ErrorCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers-too-large', 'the request line and headers are larger than 16 KiB']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request-timeout', 'the request took too long to arrive']
        : [400, 'malformed-request', 'the request is not valid HTTP'];
  this.log.debug({ err: error }, 'client error');
  if (socket.writable) {
    const json = JSON.stringify(body(code, message));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(error);
}

function classify(error: FastifyError): [number, ErrorBody] {
  if (error instanceof AppError) return [error.status, body(error.code, error.message, error.details)];
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields = error.validation.map((v) => ({
      path: `${error.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
      message: v.message ?? 'is invalid',
    }));
    const message = fields.map((f) => `${f.path}: ${f.message}`).join('; ');
    return [errorStatus['validation-failed'], body('validation-failed', message, fields)];
  }
  if (isResponseSerializationError(error)) return [500, body('internal-error', 'internal error')];
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return [400, body('validation-failed', 'request body is too large')];
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return [415, body('unsupported-media-type', 'content-type must be application/json')];
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return [400, body('validation-failed', 'body must not be empty')];
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return [400, body('validation-failed', 'body is not valid JSON')];
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return [400, body('validation-failed', 'body is not valid JSON')];
  }
  if (error.statusCode === 429) return [429, body('rate-limited', 'too many requests, try again later')];
  if (isDatabaseUnavailable(error)) {
    return [503, body('database-unavailable', 'the database is unavailable, try again later')];
  }
  return [500, body('internal-error', 'internal error')];
}
