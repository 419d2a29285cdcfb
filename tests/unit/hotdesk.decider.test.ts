import { describe, expect, it } from 'vitest';
import { decide, dueReason, evolve } from '../../controller/features/hotdesk/hotdesk.decider.js';
import { scheduledTimePassed } from '../../controller/features/hotdesk/hotdesk-schedule.js';
import {
  afterFailure,
  defaultPinLockPolicy,
  pinVerdict,
} from '../../controller/features/hotdesk/pin-lock.rules.js';
import type {
  AutoLogout,
  HotdeskCommand,
  HotdeskSession,
} from '../../controller/features/hotdesk/hotdesk.types.js';

const t0 = new Date('2026-12-02T15:00:00.000Z'); // 10:00 in New York
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const auto: AutoLogout = { idleMinutes: 30, logoutAt: '18:00', timeZone: 'America/New_York' };

const session = (
  id: string,
  deviceId: string,
  userId: string,
  startedMin = 0,
  activeMin = startedMin,
): HotdeskSession => ({
  id,
  deviceId,
  deviceName: deviceId,
  userId,
  extension: userId === 'alice' ? '1001' : '1002',
  displayName: userId,
  teamId: null,
  via: 'phone',
  startedAt: at(startedMin).toISOString(),
  lastActivityAt: at(activeMin).toISOString(),
});
const desk = (id: string, hotdesk = true) => ({ id, name: id, hotdesk });
const alice = { id: 'alice', extension: '1001', displayName: 'alice', teamId: null };
const login = (deviceId: string | undefined, hotdesk = true): HotdeskCommand => ({
  kind: 'login',
  sessionId: 'new',
  device: deviceId ? desk(deviceId, hotdesk) : undefined,
  user: alice,
  via: 'api',
});

/** The outcome in short: `refused:<why>`, or the events as `in:<device>` / `out:<device>:<reason>` / `seen:<session>`. */
function outcome(command: HotdeskCommand, sessions: HotdeskSession[], now = at(1)): string[] {
  const decision = decide(command, sessions, now, auto);
  if (!decision.ok) return [`refused:${decision.refusal}`];
  return decision.events.map((e) =>
    e.kind === 'logged-in'
      ? `in:${e.session.deviceId}:${e.session.userId}`
      : e.kind === 'logged-out'
        ? `out:${e.session.deviceId}:${e.reason}`
        : `seen:${e.sessionId}`,
  );
}

const onCall = (...devices: string[]): HotdeskCommand => ({ kind: 'sweep', onCall: new Set(devices) });

describe('hot desk sessions: given sessions, when a command, then events', () => {
  it.each<[string, HotdeskCommand, HotdeskSession[], string[], Date?]>([
    ['log-in on a free desk', login('desk1'), [], ['in:desk1:alice']],
    ['log-in on an unknown device', login(undefined), [], ['refused:no-such-device']],
    [
      'log-in on a device that is not a hot desk',
      login('lobby', false),
      [],
      ['refused:not-a-hotdesk-device'],
    ],
    [
      'roaming: her session elsewhere ends (replaced)',
      login('desk2'),
      [session('s1', 'desk1', 'alice')],
      ['out:desk1:replaced', 'in:desk2:alice'],
    ],
    [
      "taking over bob's desk ends his (replaced)",
      login('desk1'),
      [session('s2', 'desk1', 'bob')],
      ['out:desk1:replaced', 'in:desk1:alice'],
    ],
    [
      'both at once',
      login('desk2'),
      [session('s1', 'desk1', 'alice'), session('s2', 'desk2', 'bob')],
      ['out:desk1:replaced', 'out:desk2:replaced', 'in:desk2:alice'],
    ],
    [
      'logging in again where she is: only activity',
      login('desk1'),
      [session('s1', 'desk1', 'alice')],
      ['seen:s1'],
    ],
    [
      'log-out by the user',
      { kind: 'logout', deviceId: 'desk1', reason: 'user' },
      [session('s1', 'desk1', 'alice')],
      ['out:desk1:user'],
    ],
    [
      'log-out by an admin',
      { kind: 'logout', deviceId: 'desk1', reason: 'admin' },
      [session('s1', 'desk1', 'alice')],
      ['out:desk1:admin'],
    ],
    [
      'log-out of a desk nobody is on',
      { kind: 'logout', deviceId: 'desk1', reason: 'user' },
      [],
      ['refused:no-hotdesk-session'],
    ],
    [
      'activity on a logged-in desk',
      { kind: 'activity', deviceId: 'desk1' },
      [session('s1', 'desk1', 'alice')],
      ['seen:s1'],
    ],
    ['activity on a guest desk', { kind: 'activity', deviceId: 'desk1' }, [], []],
    ['sweep: not idle yet (29 min)', onCall(), [session('s1', 'desk1', 'alice')], [], at(29)],
    ['sweep: idle (30 min)', onCall(), [session('s1', 'desk1', 'alice')], ['out:desk1:idle'], at(30)],
    ['sweep: idle but on a call: deferred', onCall('desk1'), [session('s1', 'desk1', 'alice')], [], at(90)],
    ['sweep: recent activity keeps it', onCall(), [session('s1', 'desk1', 'alice', 0, 20)], [], at(40)],
    [
      'sweep: 18:00 in New York (scheduled before idle)',
      onCall(),
      [session('s1', 'desk1', 'alice', 470, 479)],
      ['out:desk1:scheduled'],
      at(480),
    ],
    [
      'sweep: 18:00 but on a call: deferred',
      onCall('desk1'),
      [session('s1', 'desk1', 'alice', 470, 479)],
      [],
      at(480),
    ],
    [
      'sweep: only the due ones',
      onCall(),
      [session('s1', 'desk1', 'alice', 0, 0), session('s2', 'desk2', 'bob', 0, 25)],
      ['out:desk1:idle'],
      at(30),
    ],
  ])('%s', (_name, command, sessions, expected, now) => {
    expect(outcome(command, sessions, now)).toEqual(expected);
  });

  it('evolve folds the events in', () => {
    const decision = decide(login('desk2'), [session('s1', 'desk1', 'alice')], at(1), auto);
    if (!decision.ok) throw new Error('refused');
    const after = decision.events.reduce(evolve, [session('s1', 'desk1', 'alice')]);
    expect(after.map((s) => `${s.deviceId}:${s.userId}`)).toEqual(['desk2:alice']);
    const seen = evolve(after, { kind: 'activity-seen', sessionId: 'new', at: at(5).toISOString() });
    expect(seen[0]!.lastActivityAt).toBe(at(5).toISOString());
  });

  it('no idle log-out with idleMinutes 0, none scheduled with an empty logoutAt', () => {
    const s = session('s1', 'desk1', 'alice');
    expect(dueReason(s, at(10_000), { ...auto, idleMinutes: 0, logoutAt: '' })).toBeUndefined();
  });
});

describe('the scheduled time of day, in the PBX time zone', () => {
  it.each<[string, string, string, string, boolean]>([
    ['before 18:00 the same day', '2026-12-02T20:00:00Z', '2026-12-02T22:59:00Z', 'America/New_York', false],
    ['at 18:00', '2026-12-02T20:00:00Z', '2026-12-02T23:00:00Z', 'America/New_York', true],
    [
      'begun after 18:00: tomorrow 18:00',
      '2026-12-02T23:30:00Z',
      '2026-12-03T22:59:00Z',
      'America/New_York',
      false,
    ],
    ['…and then it is due', '2026-12-02T23:30:00Z', '2026-12-03T23:00:00Z', 'America/New_York', true],
    ['another zone, another instant', '2026-12-02T10:00:00Z', '2026-12-02T17:00:00Z', 'Europe/Paris', true],
    ['summer time (EDT, UTC-4)', '2026-07-01T20:00:00Z', '2026-07-01T22:00:00Z', 'America/New_York', true],
  ])('%s', (_name, since, now, zone, due) => {
    expect(scheduledTimePassed(new Date(since), new Date(now), '18:00', zone)).toBe(due);
  });
});

describe('wrong PINs: 5 in 15 minutes lock for 15 minutes', () => {
  const min = 60_000;
  it.each<[string, number[], number, boolean]>([
    ['the 5th failure locks', [0, 1, 2, 3].map((m) => m * min), 4 * min, true],
    ['4 do not', [0, 1, 2].map((m) => m * min), 3 * min, false],
    ['failures older than 15 minutes do not count', [0, 1, 2, 3].map((m) => m * min), 16 * min, false],
  ])('%s', (_name, before, now, locks) => {
    expect(afterFailure(before, defaultPinLockPolicy, now).locks).toBe(locks);
  });

  it.each<[string, number | null, number, string]>([
    ['no lock', null, 0, 'allowed'],
    ['locked, 15 minutes to go', 15 * min, 0, 'wait 900 s'],
    ['locked, a second to go', 15 * min, 15 * min - 1000, 'wait 1 s'],
    ['the lock is over', 15 * min, 15 * min, 'allowed'],
  ])('%s', (_name, lockedUntil, now, expected) => {
    const verdict = pinVerdict({ failures: [], lockedUntil }, now);
    expect(verdict.allowed ? 'allowed' : `wait ${verdict.retryAfterSeconds} s`).toBe(expected);
  });
});
