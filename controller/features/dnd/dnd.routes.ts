import { z } from 'zod';
import type { Auth } from '../../http/auth.js';
import { userSetting, userSettingRoutes } from '../../http/user-setting-routes.js';
import type { DndService } from './dnd.service.js';

const dndBody = z.strictObject({ enabled: z.boolean() });
const dndSchema = z.object({ userId: z.uuid(), extension: z.string(), enabled: z.boolean() });

/** `GET|PUT /users/{id}/dnd`: the user, their team's supervisor, admins. */
export function dndRoutes(service: DndService, auth: Auth) {
  return userSettingRoutes(auth, [
    userSetting({
      path: 'dnd',
      name: 'Dnd',
      summaries: {
        get: "A user's do not disturb",
        set: 'Turn do not disturb on or off (paging skips the user unless it is an emergency)',
      },
      body: dndBody,
      view: dndSchema,
      get: (principal, id) => service.get(principal, id),
      set: (principal, id, body) => service.set(principal, id, body.enabled),
    }),
  ]);
}
