/** A user's personal call handling (SPEC "Ring strategies", "DND and forwarding"): what the API reads and writes. */

/** Each a target extension, or null (off). `noAnswerSeconds` null: the default (`FORWARD_NO_ANSWER_SECONDS`). */
export interface Forwarding {
  always: string | null;
  busy: string | null;
  noAnswer: string | null;
  noAnswerSeconds: number | null;
}

export const NO_FORWARDING: Forwarding = { always: null, busy: null, noAnswer: null, noAnswerSeconds: null };

export type RingStrategy = 'simultaneous' | 'sequential' | 'follow-me';
export type RingTargetKind = 'desk' | 'webphone' | 'device' | 'external';

export interface RingTarget {
  kind: RingTargetKind;
  deviceId?: string;
  number?: string;
  delaySeconds: number;
  timeoutSeconds: number;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface WeeklyHours {
  days: Weekday[];
  /** `HH:MM`, local time in the schedule's zone; `to` after `from` (`24:00` ends the day). */
  from: string;
  to: string;
}

export interface Schedule {
  /** IANA zone, e.g. `Europe/Paris`. */
  timeZone: string;
  weekly: WeeklyHours[];
  /** `YYYY-MM-DD` in the zone: closed all day. */
  holidays: string[];
  /** Outside hours: another strategy, or a forward to an extension (the forward wins when both are given). */
  outsideHours: { strategy?: RingStrategy; forwardTo?: string };
}

export interface RingSettings {
  strategy: RingStrategy;
  /** Empty: every registered account of the user at once (the default). */
  targets: RingTarget[];
  schedule?: Schedule;
}

export const DEFAULT_RING_SETTINGS: RingSettings = { strategy: 'simultaneous', targets: [] };

/** Everything the routing of a call to this user needs. */
export interface HandlingProfile {
  userId: string;
  extension: string;
  teamId: string | null;
  dnd: boolean;
  forwarding: Forwarding;
  ringSettings: RingSettings;
}
