import type { SwaggerTransformObject } from '@fastify/swagger';
import type { FastifySchema, RouteOptions } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { errorStatus } from '../errors.js';

/**
 * What the OpenAPI document (/api/docs/json) says beyond the routes' own zod schemas, derived in one place from the
 * route table: an `operationId` per operation, the error answers each one can give (all in the shared `Error`
 * envelope), and 204 for the routes that answer without a body.
 */

type Method = string;

/** The route facts the derivation needs (a Fastify RouteOptions has them all). */
export interface RouteFacts {
  method: Method | Method[];
  url: string;
  schema?: FastifySchema;
  onRequest?: unknown;
  preValidation?: unknown;
  preHandler?: unknown;
}

const ERRORS = 'x-error-statuses';

/** The error envelope (see error-handler.ts), `components.schemas.Error`. */
export const errorComponent = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: {
          type: 'string',
          enum: Object.keys(errorStatus),
          description: 'Stable and kebab-case: program against this, not the message.',
        },
        message: { type: 'string', description: 'For people; wording may change.' },
        details: {
          description:
            'validation-failed: the offending fields, `[{ "path", "message" }]`; other codes: optional.',
        },
      },
    },
  },
} as const;

const summaries: Record<number, string> = {
  400: 'The input does not match the schema (`details` lists the fields)',
  401: 'No valid bearer token',
  403: "The caller's role or scope does not allow this",
  404: 'No such resource',
  409: 'The write conflicts with the current state',
  415: 'The body is not `application/json`',
  429: 'Too many failed log-ins; see `Retry-After`',
  500: 'An unexpected failure (details are logged, never returned)',
  503: 'A dependency (PostgreSQL, Asterisk) cannot be reached; try again',
};

const codesOf = (status: number) =>
  Object.entries(errorStatus)
    .filter(([, s]) => s === status)
    .map(([code]) => `\`${code}\``);

const hooksOf = (route: RouteFacts) =>
  [route.onRequest, route.preValidation, route.preHandler].flatMap((hook) =>
    Array.isArray(hook) ? hook : [hook],
  );

/** Whether the route runs an `auth.allow(...)` hook (an AccessHook carries its `roles`). */
export const isAuthenticated = (route: RouteFacts) =>
  hooksOf(route).some(
    (hook) => typeof hook === 'function' && Array.isArray((hook as { roles?: unknown }).roles),
  );

const methodsOf = (route: RouteFacts) => (Array.isArray(route.method) ? route.method : [route.method]);

/** Log-in, refresh, log-out, WebSocket tickets: they check credentials (401) and write no resource (no 409). */
const exchangesCredentials = (url: string) => /\/auth\/[a-z-]+$|\/events\/ticket$/.test(url);

/** The error statuses an operation can answer with. */
export function errorStatuses(route: RouteFacts): number[] {
  const schema = route.schema ?? {};
  const methods = methodsOf(route).map((m) => m.toUpperCase());
  const writes = methods.some((m) => m !== 'GET' && m !== 'HEAD') && !exchangesCredentials(route.url);
  const statuses = new Set<number>();
  if (schema.body || schema.querystring || schema.params || route.url.includes(':')) statuses.add(400);
  if (isAuthenticated(route)) [401, 403].forEach((s) => statuses.add(s));
  if (exchangesCredentials(route.url)) statuses.add(401);
  if (route.url.includes(':')) statuses.add(404);
  if (writes) statuses.add(409);
  if (schema.body) statuses.add(415);
  if (route.url.endsWith('/auth/login')) statuses.add(429);
  [500, 503].forEach((s) => statuses.add(s));
  return [...statuses].sort((a, b) => a - b);
}

const pascal = (word: string) => word.replace(/(^|-)([a-z0-9])/g, (_m, _dash, c: string) => c.toUpperCase());
const singular = (word: string) =>
  word.endsWith('ies') ? `${word.slice(0, -3)}y` : /[^s]s$/.test(word) ? word.slice(0, -1) : word;
const verbs: Record<string, string> = {
  GET: 'get',
  POST: 'create',
  PUT: 'set',
  PATCH: 'update',
  DELETE: 'delete',
};

/**
 * A stable camelCase operationId from the method and path (after `/api`): `GET /users` listUsers, `POST /users`
 * createUser, `GET /users/:id` getUser, `DELETE /contacts/:id/assignments/:userId` deleteContactAssignment,
 * `GET /users/me` getMyUser, `GET /users/me/sip-credentials` getMySipCredentials; a last segment that is neither a
 * collection (plural, or top-level) nor an item is an action: `POST /auth/login` authLogin.
 */
export function operationIdOf(method: Method, url: string): string {
  const segments = url
    .replace(/^\/api(?=\/|$)/, '')
    .split('/')
    .filter(Boolean);
  const verb = verbs[method.toUpperCase()] ?? method.toLowerCase();
  const words = segments.filter((s) => !s.startsWith(':'));
  const last = segments.at(-1) ?? '';
  const me = segments.indexOf('me');
  if (me >= 0) {
    const after = segments.slice(me + 1).filter((s) => !s.startsWith(':'));
    const subject = after.length ? after : [singular(segments[me - 1] ?? 'self')];
    return `${verb}My${subject.map(pascal).join('')}`;
  }
  if (last.startsWith(':')) return verb + words.map((w) => pascal(singular(w))).join('');
  const isCollection = words.length === 1 || singular(last) !== last;
  if (isCollection) {
    const prefix = words
      .slice(0, -1)
      .map((w) => pascal(singular(w)))
      .join('');
    if (method.toUpperCase() === 'GET') return `list${prefix}${pascal(last)}`;
    return `${verb}${prefix}${pascal(singular(last))}`;
  }
  const [head = '', ...rest] = words.slice(0, -1).map((w) => pascal(singular(w)));
  return `${head.charAt(0).toLowerCase()}${head.slice(1)}${rest.join('')}${pascal(last)}`;
}

const has2xx = (response: unknown) =>
  typeof response === 'object' && response !== null && Object.keys(response).some((s) => /^2\d\d$/.test(s));

/** @fastify/swagger's per-route `transform`: the zod schemas to JSON schema, then what this file derives. */
export function documentRoute(
  input: Parameters<typeof jsonSchemaTransform>[0],
): ReturnType<typeof jsonSchemaTransform> {
  const result = jsonSchemaTransform(input);
  const schema = result.schema as FastifySchema & Record<string, unknown>;
  if (!schema || schema.hide) return result;
  const route = input.route as RouteOptions;
  const method = methodsOf(route)[0] ?? 'GET';
  const noBody = { type: 'null', description: 'Done; no body' };
  return {
    url: result.url,
    schema: {
      ...schema,
      operationId: schema.operationId ?? operationIdOf(method, route.url),
      response: has2xx(schema.response) ? schema.response : { ...(schema.response ?? {}), 204: noBody },
      [ERRORS]: errorStatuses(route),
    } as FastifySchema,
  };
}

interface Operation {
  responses?: Record<string, unknown>;
  [ERRORS]?: number[];
}
type Document = { paths?: Record<string, Record<string, Operation>>; components?: { schemas?: object } };

/** @fastify/swagger's `transformObject`: the Error component, and every operation's error answers referencing it. */
export const documentErrors: SwaggerTransformObject = (input) => {
  if (!('openapiObject' in input)) return input.swaggerObject;
  const document = input.openapiObject as Document;
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const statuses = operation[ERRORS];
      if (!statuses) continue;
      delete operation[ERRORS];
      operation.responses ??= {};
      for (const status of statuses) operation.responses[String(status)] = errorResponse(status);
    }
  }
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, Error: errorComponent },
  };
  return input.openapiObject;
};

const errorResponse = (status: number) => ({
  description: `${summaries[status] ?? 'Error'}. Codes: ${codesOf(status).join(', ')}.`,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
