import type { Auth } from '../../http/auth.js';
import { userSetting, userSettingRoutes } from '../../http/user-setting-routes.js';
import type { HandlingSettingsService } from './handling-settings.service.js';
import {
  forwardingBody,
  forwardingSchema,
  ringSettingsBody,
  ringSettingsSchema,
  speedDialsBody,
  speedDialsSchema,
} from './handling.schemas.js';
import type { SpeedDialsService } from './speed-dials.service.js';

/**
 * `GET|PUT /users/{id}/forwarding`, `/ring-settings` and `/speed-dials`: read as a user is read, changed by them or
 * admins.
 */
export function handlingRoutes(service: HandlingSettingsService, speedDials: SpeedDialsService, auth: Auth) {
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
    userSetting({
      path: 'speed-dials',
      name: 'SpeedDials',
      summaries: {
        get: "A user's speed dials (*0N on any phone they are on)",
        set: 'Replace the speed dials: slots 0-9, each an extension, a paging group or an outside number',
      },
      body: speedDialsBody,
      view: speedDialsSchema,
      get: (principal, id) => speedDials.get(principal, id),
      set: (principal, id, body) => speedDials.set(principal, id, body),
    }),
  ]);
}
