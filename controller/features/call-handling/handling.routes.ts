import type { Auth } from '../../http/auth.js';
import { userSetting, userSettingRoutes } from '../../http/user-setting-routes.js';
import type { HandlingSettingsService } from './handling-settings.service.js';
import { forwardingBody, forwardingSchema, ringSettingsBody, ringSettingsSchema } from './handling.schemas.js';

/** `GET|PUT /users/{id}/forwarding` and `/users/{id}/ring-settings`: read as a user is read, changed by them or admins. */
export function handlingRoutes(service: HandlingSettingsService, auth: Auth) {
  return userSettingRoutes(auth, [
    userSetting({
      path: 'forwarding',
      name: 'Forwarding',
      summaries: {
        get: "A user's call forwarding",
        set: 'Forward always, on busy, on no answer after noAnswerSeconds (each an extension or null; absent fields stay)',
      },
      body: forwardingBody,
      view: forwardingSchema,
      get: (principal, id) => service.getForwarding(principal, id),
      set: (principal, id, body) => service.setForwarding(principal, id, body),
    }),
    userSetting({
      path: 'ring-settings',
      name: 'RingSettings',
      summaries: {
        get: "A user's ring strategy, targets and schedule",
        set: 'Replace the ring strategy, targets and schedule (an empty target list: every account at once)',
      },
      body: ringSettingsBody,
      view: ringSettingsSchema,
      get: (principal, id) => service.getRingSettings(principal, id),
      set: (principal, id, body) => service.setRingSettings(principal, id, body),
    }),
  ]);
}
