import type { FastifySchema, RouteOptions } from 'fastify';
import type { AccessHook } from './auth.js';
import type { Server } from './server.js';

/** One registered route as the access and input tests see it. */
export interface RouteEntry {
  method: string;
  /** The pattern, e.g. `/api/contacts/:id`. */
  url: string;
  schema: FastifySchema | undefined;
  /** The route's `auth.allow(...)` hook, if it has one (onRequest, preValidation or preHandler). */
  access: AccessHook | undefined;
  websocket: boolean;
}

const tables = new WeakMap<object, RouteEntry[]>();

/**
 * Records every route registered on `server` from now on (call it before registering any), so that tests can walk
 * the real route table: each route's access hook and schemas, with nothing listed by hand.
 */
export function recordRoutes(server: Server): void {
  const entries: RouteEntry[] = [];
  tables.set(server, entries);
  server.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      entries.push({
        method,
        url: route.url,
        schema: route.schema,
        access: accessHookOf(route),
        websocket: Boolean((route as { websocket?: boolean }).websocket),
      });
    }
  });
}

/** The routes recorded on `server` (empty when `recordRoutes` was not called on it). */
export const routeTableOf = (server: Server): readonly RouteEntry[] => tables.get(server) ?? [];

function accessHookOf(route: RouteOptions): AccessHook | undefined {
  const hooks = [route.onRequest, route.preValidation, route.preHandler].flatMap((h) =>
    h ? [h].flat() : [],
  );
  return hooks.find((hook): hook is AccessHook => Array.isArray((hook as Partial<AccessHook>).roles));
}
