import { z } from 'zod';
import { principalOf, type Auth, type Principal } from './auth.js';
import type { Server } from './server-type.js';

const params = z.object({ id: z.uuid() });

/** One per-user setting read and replaced at `/users/{id}/<path>` (DND, forwarding, ring settings, …). */
export interface UserSetting<Body extends z.ZodType, View extends z.ZodType> {
  /** e.g. `dnd`, `ring-settings`. */
  path: string;
  /** The OpenAPI operation ids' noun, e.g. `Dnd` (→ `getUserDnd`, `setUserDnd`). */
  name: string;
  summaries: { get: string; set: string };
  body: Body;
  view: View;
  get(principal: Principal, userId: string): Promise<z.infer<View>>;
  set(principal: Principal, userId: string, body: z.infer<Body>): Promise<z.infer<View>>;
}

/** A setting with its body's and view's types kept (so `get` and `set` are checked against the schemas). */
export const userSetting = <Body extends z.ZodType, View extends z.ZodType>(setting: UserSetting<Body, View>) => setting;

/**
 * `GET|PUT /users/{id}/<path>` for each setting: any signed-in user may ask; whether they may read or change that
 * user's setting is the service's decision (the user, a supervisor of their team, admins: per setting).
 */
export function userSettingRoutes(auth: Auth, settings: UserSetting<z.ZodType, z.ZodType>[]) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };
    const tags = ['users'];
    for (const setting of settings) {
      const url = `/users/:id/${setting.path}`;
      app.get(
        url,
        {
          ...anyone,
          schema: {
            tags,
            operationId: `getUser${setting.name}`,
            summary: setting.summaries.get,
            params,
            response: { 200: setting.view },
          },
        },
        async (request) => setting.get(principalOf(request), request.params.id),
      );
      app.put(
        url,
        {
          ...anyone,
          schema: {
            tags,
            operationId: `setUser${setting.name}`,
            summary: setting.summaries.set,
            params,
            body: setting.body,
            response: { 200: setting.view },
          },
        },
        async (request) => setting.set(principalOf(request), request.params.id, request.body),
      );
    }
  };
}
