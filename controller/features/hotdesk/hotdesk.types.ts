/** Hot desking's plain data: sessions, what can be asked of them, what happens. Tagged unions on `kind`. */

/** Why a session ended (SPEC, issue 11). */
export type LogoutReason = 'user' | 'replaced' | 'idle' | 'scheduled' | 'admin';

export type LoginVia = 'phone' | 'api';

/** A user logged in on a hot desk device (SPEC: id, deviceId, userId, extension, startedAt, lastActivityAt). */
export interface HotdeskSession {
  id: string;
  deviceId: string;
  deviceName: string;
  userId: string;
  extension: string;
  displayName: string;
  /** The user's team: whose supervisors see the session. */
  teamId: string | null;
  via: LoginVia;
  startedAt: string;
  lastActivityAt: string;
}

export interface HotdeskUser {
  id: string;
  extension: string;
  displayName: string;
  teamId: string | null;
}

export interface HotdeskDevice {
  id: string;
  name: string;
  hotdesk: boolean;
}

/** When sessions end by themselves. */
export interface AutoLogout {
  /** Minutes without a call placed or received; 0: never. */
  idleMinutes: number;
  /** `HH:MM` in `timeZone`, or '' for never. */
  logoutAt: string;
  timeZone: string;
}

export type HotdeskCommand =
  | { kind: 'login'; sessionId: string; device: HotdeskDevice | undefined; user: HotdeskUser; via: LoginVia }
  | { kind: 'logout'; deviceId: string; reason: 'user' | 'admin' }
  /** A call was placed or received on the device (or ended there). */
  | { kind: 'activity'; deviceId: string }
  /** Time passed: end the sessions that are due, except on devices with a call (`onCall`). */
  | { kind: 'sweep'; onCall: ReadonlySet<string> };

export type HotdeskEvent =
  | { kind: 'logged-in'; session: HotdeskSession }
  | { kind: 'logged-out'; session: HotdeskSession; reason: LogoutReason; at: string }
  | { kind: 'activity-seen'; sessionId: string; at: string };

export type HotdeskRefusal = 'no-such-device' | 'not-a-hotdesk-device' | 'no-hotdesk-session';

export type Decision = { ok: true; events: HotdeskEvent[] } | { ok: false; refusal: HotdeskRefusal };
