import { describe, expect, it } from 'vitest';
import { hotdeskReducer, initialHotdeskState, sessionsOf, type HotdeskSession } from './hotdesk.state';

const session = (id: string, deviceId: string, userId: string): HotdeskSession => ({
  id,
  deviceId,
  deviceName: `Desk ${deviceId}`,
  userId,
  extension: '1001',
  displayName: 'Alice',
  startedAt: '2025-01-01T08:00:00.000Z',
});

describe('hot desk sessions (pure)', () => {
  it('a log-in replaces the user’s session elsewhere and whoever was on that desk; a log-out removes it', () => {
    let state = hotdeskReducer(initialHotdeskState, {
      type: 'loaded',
      sessions: [session('s1', 'desk1', 'alice'), session('s2', 'desk2', 'bob')],
    });
    state = hotdeskReducer(state, { type: 'hotdesk.login', data: session('s3', 'desk2', 'alice') });
    expect(state.sessions.map((s) => s.id)).toEqual(['s3']);
    expect(sessionsOf(state, 'alice').map((s) => s.deviceId)).toEqual(['desk2']);
    state = hotdeskReducer(state, { type: 'hotdesk.logout', data: { ...session('s3', 'desk2', 'alice') } });
    expect(state.sessions).toEqual([]);
  });

  it('ignores what is not a session', () => {
    const state = hotdeskReducer(initialHotdeskState, { type: 'hotdesk.login', data: { deviceId: 'x' } });
    expect(state).toBe(initialHotdeskState);
  });
});
