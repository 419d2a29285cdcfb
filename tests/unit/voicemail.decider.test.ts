import { describe, expect, it } from 'vitest';
import {
  decideDeposit,
  startDeposit,
  type Deposit,
  type DepositInput,
} from '../../controller/features/voicemail/deposit.decider.js';
import {
  decideMenu,
  startMenu,
  type Menu,
  type MenuInput,
} from '../../controller/features/voicemail/menu.decider.js';
import {
  countOf,
  greetingMedia,
  summaryMedia,
} from '../../controller/features/voicemail/voicemail-prompts.js';
import {
  byteRange,
  settingsRefusal,
  wavSeconds,
} from '../../controller/features/voicemail/voicemail.rules.js';
import { wavOf } from '../ari-double/recordings.js';

/** Voicemail's pure parts as given/when/then tables. */
const GREETING = ['sound:beep'];
function deposit(...inputs: DepositInput[]) {
  let step = startDeposit('ch-1', 'vm-1', GREETING);
  const all = [...step.effects];
  for (const input of inputs) {
    step = decideDeposit(step.deposit, input);
    all.push(...step.effects);
  }
  return {
    deposit: step.deposit as Deposit,
    last: step.effects.map((e) => e.kind),
    all: all.map((e) => e.kind),
  };
}
const greeted: DepositInput = { kind: 'playback-finished', playbackId: 'vm-1-greeting', ok: true };
const greetingCut: DepositInput = { kind: 'playback-finished', playbackId: 'vm-1-greeting', ok: false };
const finished: DepositInput = { kind: 'recording-finished', durationSeconds: 4 };
const left: DepositInput = { kind: 'caller-left' };
const goodbyeDone: DepositInput = { kind: 'playback-finished', playbackId: 'vm-1-goodbye', ok: true };

describe('deposit decider', () => {
  it.each([
    ['start: the greeting plays', [], 'greeting', ['play']],
    ['greeting heard: recording starts', [greeted], 'recording', ['play', 'record']],
    [
      '# or silence or the length: kept, goodbye',
      [greeted, finished],
      'goodbye',
      ['play', 'record', 'keep-message', 'play'],
    ],
    [
      'goodbye heard: hang up',
      [greeted, finished, goodbyeDone],
      'done',
      ['play', 'record', 'keep-message', 'play', 'hangup'],
    ],
    ['hang-up during the greeting: nothing kept', [left], 'done', ['play']],
    ['greeting cut by the hang-up: nothing kept', [greetingCut, left], 'done', ['play']],
    [
      'hang-up mid-message: wait for the recording, then keep it (no goodbye)',
      [greeted, left, finished],
      'done',
      ['play', 'record', 'arm-recording-timeout', 'keep-message'],
    ],
    [
      'hang-up mid-message and no recording end: keep what was stored',
      [greeted, left, { kind: 'recording-timeout' }],
      'done',
      ['play', 'record', 'arm-recording-timeout', 'keep-message'],
    ],
    [
      'recording failed: goodbye, nothing kept',
      [greeted, { kind: 'recording-failed', cause: 'x' }],
      'goodbye',
      ['play', 'record', 'play'],
    ],
    [
      'a stray playback end changes nothing',
      [{ kind: 'playback-finished', playbackId: 'other', ok: true }],
      'greeting',
      ['play'],
    ],
  ] as [string, DepositInput[], string, string[]][])('%s', (_, inputs, phase, effects) => {
    const result = deposit(...inputs);
    expect(result.deposit.phase).toBe(phase);
    expect(result.all).toEqual(effects);
  });

  it('keeps the duration Asterisk reported', () => {
    const step = decideDeposit(deposit(greeted).deposit, finished);
    expect(step.effects[0]).toEqual({ kind: 'keep-message', name: 'vm-1', durationSeconds: 4 });
  });
});

const m = (id: string, heard = false) => ({ id, recordingName: `vm-${id}`, heard });
function menu(messages: ReturnType<typeof m>[], ...inputs: (MenuInput | 'played')[]) {
  let step = startMenu('p', messages);
  const log: string[] = [];
  const record = () =>
    step.effects.forEach((e) =>
      log.push(
        e.kind === 'play'
          ? `play:${e.media.join('+')}`
          : e.kind === 'mark-heard' || e.kind === 'delete-message'
            ? `${e.kind}:${e.messageId}`
            : e.kind,
      ),
    );
  record();
  for (const input of inputs) {
    const current: Menu = step.menu;
    step = decideMenu(
      current,
      input === 'played' ? { kind: 'playback-finished', playbackId: `p-${current.seq}` } : input,
    );
    record();
  }
  return { menu: step.menu, log };
}
const digit = (d: string): MenuInput => ({ kind: 'digit', digit: d });
const OPTIONS =
  'play:sound:vm-press+sound:digits/1+sound:vm-repeat+sound:vm-press+sound:digits/7+sound:vm-delete+sound:vm-press+sound:digits/9+sound:vm-savemessage';

describe('menu decider', () => {
  it('new messages first, then old; each followed by the options; the end says no more, goodbye', () => {
    const { log, menu: end } = menu(
      [m('a', true), m('b')],
      'played',
      'played',
      'played',
      digit('#'),
      'played',
      'played',
      digit('#'),
    );
    expect(log).toEqual([
      'play:sound:vm-youhave+sound:digits/1+sound:vm-INBOX+sound:vm-and+sound:digits/1+sound:vm-Old+sound:vm-messages',
      'play:sound:vm-first+sound:vm-message+recording:vm-b',
      'mark-heard:b',
      OPTIONS,
      'arm-timeout',
      'stop-playback',
      'play:sound:vm-next+sound:vm-message+recording:vm-a',
      OPTIONS,
      'arm-timeout',
      'stop-playback',
      'play:sound:vm-nomore+sound:vm-goodbye',
    ]);
    expect(end.phase).toBe('goodbye');
  });

  it.each([
    ['1 replays the message', '1', ['stop-playback', 'play:sound:vm-next+sound:vm-message+recording:vm-a']],
    ['7 deletes it', '7', ['stop-playback', 'delete-message:a', 'play:sound:vm-deleted']],
    ['9 saves it', '9', ['stop-playback', 'play:sound:vm-saved']],
    ['# goes on', '#', ['stop-playback', 'play:sound:vm-nomore+sound:vm-goodbye']],
    ['0 records a greeting', '0', ['stop-playback', 'play:sound:vm-rec-unv+sound:beep']],
    ['other digits do nothing', '5', []],
  ])('after a message: %s', (_, d, effects) => {
    const { log } = menu([m('a')], 'played', 'played', digit(d));
    expect(log.slice(4)).toEqual(effects);
  });

  it('a digit during the message acts at once, and marks it heard (#)', () => {
    const { log } = menu([m('a'), m('b')], 'played', digit('#'));
    expect(log.slice(2)).toEqual([
      'stop-playback',
      'mark-heard:a',
      'play:sound:vm-next+sound:vm-message+recording:vm-b',
    ]);
  });

  it('after a delete the next message follows; an empty mailbox says so and says goodbye', () => {
    const { log } = menu([m('a'), m('b')], 'played', 'played', digit('7'), 'played');
    expect(log.at(-1)).toBe('play:sound:vm-next+sound:vm-message+recording:vm-b');
    expect(menu([], 'played').log).toEqual([
      'play:sound:vm-youhave+sound:vm-no+sound:vm-messages',
      'play:sound:vm-nomore+sound:vm-goodbye',
    ]);
  });

  it('no digit after the options: goodbye; goodbye heard: hang up', () => {
    const { log, menu: end } = menu([m('a')], 'played', 'played', 'played', { kind: 'timeout' }, 'played');
    expect(log.slice(-2)).toEqual(['play:sound:vm-goodbye', 'hangup']);
    expect(end.phase).toBe('done');
  });

  it('greeting: the prompt, the recording, kept, and the menu goes on', () => {
    const { log } = menu(
      [m('a')],
      'played',
      'played',
      digit('0'),
      'played',
      { kind: 'recording-finished' },
      'played',
    );
    expect(log.slice(4)).toEqual([
      'stop-playback',
      'play:sound:vm-rec-unv+sound:beep',
      'record-greeting',
      'keep-greeting',
      'play:sound:vm-msgsaved',
      'play:sound:vm-nomore+sound:vm-goodbye',
    ]);
  });
});

describe('prompts and rules', () => {
  it.each([
    [0, ['sound:digits/0']],
    [7, ['sound:digits/7']],
    [20, ['sound:digits/20']],
    [42, ['sound:digits/40', 'sound:digits/2']],
    [50, ['sound:digits/50']],
    [123, ['sound:digits/1', 'sound:digits/2', 'sound:digits/3']],
  ])('count %i', (n, media) => expect(countOf(n)).toEqual(media));

  it.each([
    [1, 0, ['sound:vm-youhave', 'sound:digits/1', 'sound:vm-INBOX', 'sound:vm-message']],
    [0, 2, ['sound:vm-youhave', 'sound:digits/2', 'sound:vm-Old', 'sound:vm-messages']],
  ])('summary %i new %i old', (fresh, old, media) => expect(summaryMedia(fresh, old)).toEqual(media));

  it('greetings: stock (busy / unavailable) or recorded, then the intro and the beep', () => {
    expect(greetingMedia({ extension: '12', busy: true })).toEqual([
      'sound:vm-theperson',
      'sound:digits/1',
      'sound:digits/2',
      'sound:vm-isonphone',
      'sound:vm-intro',
      'sound:beep',
    ]);
    expect(greetingMedia({ recording: 'g1' })).toEqual(['recording:g1', 'sound:vm-intro', 'sound:beep']);
  });

  const admin = { userId: 'a', role: 'admin', username: 'a', extension: '1', teamId: null } as const;
  const user = { userId: 'u', role: 'agent', username: 'u', extension: '2', teamId: 't' } as const;
  const boss = { userId: 's', role: 'supervisor', username: 's', extension: '3', teamId: 't' } as const;
  it.each([
    ['an admin enables', admin, 'u', { enabled: true, current: false }, false],
    ['the user changes their PIN', user, 'u', { enabled: true, current: true }, false],
    ['the user may not enable', user, 'u', { enabled: true, current: false }, true],
    ['the user may not disable', user, 'u', { enabled: false, current: true }, true],
    ['a supervisor may not change', boss, 'u', { enabled: true, current: true }, true],
  ] as const)('settings: %s', (_, actor, userId, change, refused) =>
    expect(settingsRefusal(actor, userId, change) !== undefined).toBe(refused),
  );

  it.each([
    [undefined, 100, undefined],
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=50-500', 100, { start: 50, end: 99 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=9-3', 100, 'unsatisfiable'],
    ['items=0-1', 100, undefined],
  ])('range %s of %i bytes', (header, size, expected) => expect(byteRange(header, size)).toEqual(expected));

  it('a WAV file knows its length', () => {
    expect(wavSeconds(wavOf(2500, [440]))).toBeCloseTo(2.5, 3);
    expect(wavSeconds(Buffer.from('not a wav file at all, really not, not even close'))).toBe(0);
  });
});
