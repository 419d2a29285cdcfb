import { describe, expect, it } from 'vitest';
import { decideRecording } from '../../controller/features/recording/recording.decider.js';
import {
  audioAccessOf,
  callOfAnnouncement,
  announcementIdOf,
  mayControlRecording,
  parseSegmentName,
  retentionCutoff,
  segmentNameOf,
} from '../../controller/features/recording/recording.rules.js';
import { appendSegment, readWav, secondsOf, writeWav } from '../../controller/features/recording/wav.js';
import type { Principal } from '../../controller/http/auth.js';
import { wavOf } from '../ari-double/recordings.js';

const name = (seq: number) => segmentNameOf('abc123', seq);

describe('decideRecording', () => {
  it.each([
    [
      'nothing yet, start',
      { live: null, lastSeq: 0 },
      'start',
      { kind: 'start', seq: 1, name: 'call-abc123-1' },
    ],
    [
      'nothing yet, toggle',
      { live: null, lastSeq: 0 },
      'toggle',
      { kind: 'start', seq: 1, name: 'call-abc123-1' },
    ],
    [
      'stopped once, start',
      { live: null, lastSeq: 1 },
      'start',
      { kind: 'start', seq: 2, name: 'call-abc123-2' },
    ],
    [
      'live, toggle',
      { live: 'call-abc123-2', lastSeq: 2 },
      'toggle',
      { kind: 'stop', name: 'call-abc123-2' },
    ],
    ['live, stop', { live: 'call-abc123-1', lastSeq: 1 }, 'stop', { kind: 'stop', name: 'call-abc123-1' }],
    [
      'live, start',
      { live: 'call-abc123-1', lastSeq: 1 },
      'start',
      { kind: 'refuse', code: 'recording-active' },
    ],
    ['not live, stop', { live: null, lastSeq: 3 }, 'stop', { kind: 'refuse', code: 'recording-not-active' }],
  ] as const)('%s', (_what, status, action, expected) => {
    expect(decideRecording(status, action, name)).toEqual(expected);
  });
});

const who = (role: Principal['role'], userId: string, teamId: string | null): Principal => ({
  userId,
  role,
  teamId,
  username: userId,
  extension: '1000',
});

describe('mayControlRecording', () => {
  const parties = [
    { userId: 'agent-a', teamId: 'team-a' },
    { userId: null, teamId: null },
  ];
  it.each([
    ['the agent on the call', who('agent', 'agent-a', 'team-a'), true],
    ['another agent of the team', who('agent', 'agent-b', 'team-a'), false],
    ["the agent's supervisor", who('supervisor', 'sup-a', 'team-a'), true],
    ["another team's supervisor", who('supervisor', 'sup-b', 'team-b'), false],
    ['a supervisor without a team', who('supervisor', 'sup-c', null), false],
    ['an admin', who('admin', 'admin', null), true],
  ] as const)('%s: %s', (_what, actor, expected) =>
    expect(mayControlRecording(actor, parties)).toBe(expected),
  );
});

describe('names, retention, audit of the audio', () => {
  it('segment names round-trip; voicemail names are not ours', () => {
    expect(parseSegmentName(segmentNameOf('0a1b2c', 12))).toEqual({ callId: '0a1b2c', seq: 12 });
    expect(parseSegmentName('vm-1234')).toBeUndefined();
    expect(callOfAnnouncement(announcementIdOf('0a1b2c'))).toBe('0a1b2c');
    expect(callOfAnnouncement('0a1b2c-announce')).toBeUndefined();
  });
  it('retention cuts off days ago, 0 keeps for ever', () => {
    const now = new Date('2026-12-03T10:00:00Z');
    expect(retentionCutoff(now, 30)?.toISOString()).toBe('2026-11-03T10:00:00.000Z');
    expect(retentionCutoff(now, 0)).toBeUndefined();
  });
  it('a whole file is a download, a range from 0 a listening, later ranges nothing', () => {
    expect(audioAccessOf(undefined)).toBe('downloaded');
    expect(audioAccessOf({ start: 0 })).toBe('listened');
    expect(audioAccessOf({ start: 4096 })).toBeUndefined();
  });
});

describe('WAV segments', () => {
  it('appends a segment after the ones before, with its offset and length', () => {
    const first = appendSegment(undefined, wavOf(1000, [440]))!;
    expect(first).toMatchObject({ offsetSeconds: 0, durationSeconds: 1 });
    const second = appendSegment(first.file, wavOf(500, [660]))!;
    expect(second).toMatchObject({ offsetSeconds: 1, durationSeconds: 0.5 });
    expect(secondsOf(readWav(second.file)!)).toBe(1.5);
    expect(second.file.length).toBe(44 + 1.5 * 16000);
  });
  it('refuses what is not a WAV, or a WAV of another format', () => {
    expect(appendSegment(undefined, Buffer.from('not a wav at all'))).toBeUndefined();
    const other = writeWav({ format: { channels: 1, rate: 16000, bits: 16 }, data: Buffer.alloc(320) });
    expect(appendSegment(wavOf(100, [440]), other)).toBeUndefined();
  });
  it('reads past chunks before the data (LIST)', () => {
    const plain = wavOf(100, [440]);
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([4, 0, 0, 0]), Buffer.from('INFO')]);
    const withList = Buffer.concat([plain.subarray(0, 36), list, plain.subarray(36)]);
    expect(readWav(withList)!.data.length).toBe(plain.length - 44);
  });
});
