import type { FastifyError } from 'fastify';
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
      return [400, body('validation-failed', 'content-type must be application/json')];
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
