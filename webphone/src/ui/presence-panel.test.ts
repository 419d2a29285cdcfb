import { describe, expect, it } from 'vitest';
import { sinceText } from './presence-panel';

const person = { extension: '1002', displayName: 'Bob' };

describe('presence times', () => {
  it('someone offline: when a device of theirs was last seen, or never', () => {
    expect(sinceText({ ...person, state: 'offline', lastSeenAt: '2025-01-01T09:05:00.000Z' })).toMatch(
      /^ · last seen \d\d:\d\d/,
    );
    expect(sinceText({ ...person, state: 'offline', lastSeenAt: null })).toBe(' · never seen');
  });

  it('anyone else: since when they are in that state', () => {
    expect(sinceText({ ...person, state: 'on-call', since: '2025-01-01T09:05:00.000Z' })).toMatch(
      /^ · since \d\d:\d\d/,
    );
    expect(sinceText({ ...person, state: 'available' })).toBe('');
  });
});
