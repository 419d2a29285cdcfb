import { scheduledTimePassed } from './hotdesk-schedule.js';
import type {
  AutoLogout,
  Decision,
  HotdeskCommand,
  HotdeskEvent,
  HotdeskSession,
  LogoutReason,
} from './hotdesk.types.js';

/**
 * Hot desk sessions, pure: `decide(command, sessions, now, autoLogout)` says what happens, `evolve` folds it in.
 * `sessions` are the ones the command can touch (the shell loads them locked: the device's and the user's for a
 * log-in, every live one for a sweep). Rules:
 * - log-in: only on a device marked hot desk; the user's session on another desk ends (`replaced`), and so does
 *   another user's session on this desk (`replaced`); logging in again where one already is only counts as activity;
 * - log-out: by the user (`user`) or an admin (`admin`); none there is a refusal;
 * - a sweep ends sessions idle for `idleMinutes` (no call placed or received) or past the day's `logoutAt`, but
 *   never one whose device is on a call: it is due again at the next sweep after the call ends.
 */
export function decide(
  command: HotdeskCommand,
  sessions: readonly HotdeskSession[],
  now: Date,
  autoLogout: AutoLogout,
): Decision {
  const at = now.toISOString();
  switch (command.kind) {
    case 'login': {
      const { device, user } = command;
      if (!device) return { ok: false, refusal: 'no-such-device' };
      if (!device.hotdesk) return { ok: false, refusal: 'not-a-hotdesk-device' };
      const here = sessions.find((s) => s.deviceId === device.id);
      if (here?.userId === user.id) return ok([{ kind: 'activity-seen', sessionId: here.id, at }]);
      const ended = sessions
        .filter((s) => s.deviceId === device.id || s.userId === user.id)
        .map((session): HotdeskEvent => ({ kind: 'logged-out', session, reason: 'replaced', at }));
      const session: HotdeskSession = {
        id: command.sessionId,
        deviceId: device.id,
        deviceName: device.name,
        userId: user.id,
        extension: user.extension,
        displayName: user.displayName,
        teamId: user.teamId,
        via: command.via,
        startedAt: at,
        lastActivityAt: at,
      };
      return ok([...ended, { kind: 'logged-in', session }]);
    }
    case 'logout': {
      const session = sessions.find((s) => s.deviceId === command.deviceId);
      if (!session) return { ok: false, refusal: 'no-hotdesk-session' };
      return ok([{ kind: 'logged-out', session, reason: command.reason, at }]);
    }
    case 'activity': {
      const session = sessions.find((s) => s.deviceId === command.deviceId);
      return ok(session ? [{ kind: 'activity-seen', sessionId: session.id, at }] : []);
    }
    case 'sweep':
      return ok(
        sessions.flatMap((session): HotdeskEvent[] => {
          const reason = dueReason(session, now, autoLogout);
          if (!reason || command.onCall.has(session.deviceId)) return [];
          return [{ kind: 'logged-out', session, reason, at }];
        }),
      );
    default: {
      const never: never = command;
      throw new Error(`unknown hot desk command ${JSON.stringify(never)}`);
    }
  }
}

/** Why a session should end by itself now, if it should: the scheduled time first, then idleness. */
export function dueReason(
  session: HotdeskSession,
  now: Date,
  autoLogout: AutoLogout,
): Extract<LogoutReason, 'idle' | 'scheduled'> | undefined {
  if (scheduledTimePassed(new Date(session.startedAt), now, autoLogout.logoutAt, autoLogout.timeZone))
    return 'scheduled';
  if (autoLogout.idleMinutes <= 0) return undefined;
  const idleMs = now.getTime() - new Date(session.lastActivityAt).getTime();
  return idleMs >= autoLogout.idleMinutes * 60_000 ? 'idle' : undefined;
}

export function evolve(sessions: readonly HotdeskSession[], event: HotdeskEvent): HotdeskSession[] {
  switch (event.kind) {
    case 'logged-in':
      return [...sessions, event.session];
    case 'logged-out':
      return sessions.filter((s) => s.id !== event.session.id);
    case 'activity-seen':
      return sessions.map((s) => (s.id === event.sessionId ? { ...s, lastActivityAt: event.at } : s));
    default: {
      const never: never = event;
      throw new Error(`unknown hot desk event ${JSON.stringify(never)}`);
    }
  }
}

const ok = (events: HotdeskEvent[]): Decision => ({ ok: true, events });
