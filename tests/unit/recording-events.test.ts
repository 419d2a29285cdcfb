import { describe, expect, it } from 'vitest';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import { recordingEventVisible } from '../../controller/features/recording/recording.events.js';
import type { Principal } from '../../controller/http/auth.js';

const who = (role: Principal['role'], userId: string): Principal => ({
  userId,
  role,
  teamId: null,
  username: userId,
  extension: '1000',
});

const event = (type: string) =>
  ({
    type,
    at: '',
    data: { callId: 'c1', segment: 1, recording: {}, userIds: ['agent-a', 'agent-b'] },
  }) as unknown as AnyPbxEvent;

describe('recording events on the WebSocket', () => {
  it.each([
    ['an agent on the call', who('agent', 'agent-a'), true],
    ['an agent not on it', who('agent', 'agent-c'), false],
    ['a supervisor (as for calls)', who('supervisor', 'sup'), true],
    ['an admin', who('admin', 'admin'), true],
  ] as const)('%s', (_what, principal, expected) => {
    expect(recordingEventVisible(event('recording.started'), principal)).toBe(expected);
    expect(recordingEventVisible(event('recording.stopped'), principal)).toBe(expected);
  });
  it('says nothing about other events', () => {
    expect(recordingEventVisible(event('call.answered'), who('agent', 'agent-c'))).toBeUndefined();
  });
});
