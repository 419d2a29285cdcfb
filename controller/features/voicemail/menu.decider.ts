/**
 * Listening to a mailbox on the phone (`*97`, `*98`), as a pure decider: "you have N new messages…", each message
 * (new ones first) followed by the options 1 replay, 7 delete, 9 save, # next (a digit during the message acts at
 * once), "no more messages", goodbye. 0 in the summary or the options records a new greeting (`#` ends it). The
 * shell (`voicemail-phone.ts`) feeds it digits, playback ends, recording ends and timeouts, and carries out its
 * effects.
 */
import { messageMedia, OPTIONS_MEDIA, PROMPTS, summaryMedia } from './voicemail-prompts.js';

export interface MenuMessage {
  id: string;
  recordingName: string;
  heard: boolean;
}

export type MenuPhase = 'summary' | 'message' | 'options' | 'confirm' | 'greeting' | 'goodbye' | 'done';

export interface Menu {
  messages: MenuMessage[];
  index: number;
  phase: MenuPhase;
  /** Each playback's id ends with a sequence number: facts of an older playback are ignored. */
  seq: number;
  prefix: string;
  /** A message was played already ("first message" once, then "next message"). */
  playedAny: boolean;
}

export type MenuInput =
  | { kind: 'digit'; digit: string }
  | { kind: 'playback-finished'; playbackId: string }
  | { kind: 'recording-finished' }
  | { kind: 'recording-failed' }
  | { kind: 'timeout' };

export type MenuEffect =
  | { kind: 'play'; playbackId: string; media: readonly string[] }
  | { kind: 'stop-playback'; playbackId: string }
  | { kind: 'mark-heard'; messageId: string }
  | { kind: 'delete-message'; messageId: string }
  /** The prompt was heard: record the new greeting (`#` ends it). */
  | { kind: 'record-greeting' }
  | { kind: 'keep-greeting' }
  /** Wait this long for a digit after the options. */
  | { kind: 'arm-timeout'; seconds: number }
  | { kind: 'hangup' };

export interface MenuStep {
  menu: Menu;
  effects: MenuEffect[];
}

export const OPTIONS_TIMEOUT_SECONDS = 10;
export const playbackIdOf = (menu: Menu) => `${menu.prefix}-${menu.seq}`;

export function startMenu(prefix: string, messages: MenuMessage[]): MenuStep {
  const ordered = [...messages.filter((m) => !m.heard), ...messages.filter((m) => m.heard)];
  const fresh = ordered.filter((m) => !m.heard).length;
  const menu: Menu = { messages: ordered, index: 0, phase: 'summary', seq: 0, prefix, playedAny: false };
  return play(menu, 'summary', summaryMedia(fresh, ordered.length - fresh));
}

function play(menu: Menu, phase: MenuPhase, media: readonly string[], before: MenuEffect[] = []): MenuStep {
  const next = { ...menu, phase, seq: menu.seq + 1 };
  return { menu: next, effects: [...before, { kind: 'play', playbackId: playbackIdOf(next), media }] };
}

const current = (menu: Menu) => menu.messages[menu.index];

function playMessage(menu: Menu, before: MenuEffect[] = []): MenuStep {
  const message = current(menu);
  if (!message) return play(menu, 'goodbye', [...PROMPTS.noMore, ...PROMPTS.goodbye], before);
  return play(
    { ...menu, playedAny: true },
    'message',
    messageMedia(!menu.playedAny, message.recordingName),
    before,
  );
}

/** On to the next message (or the end). */
const nextMessage = (menu: Menu, before: MenuEffect[] = []) =>
  playMessage({ ...menu, index: menu.index + 1 }, before);

export function decideMenu(menu: Menu, input: MenuInput): MenuStep {
  switch (input.kind) {
    case 'playback-finished':
      return input.playbackId === playbackIdOf(menu) ? onPlayed(menu) : { menu, effects: [] };
    case 'digit':
      return onDigit(menu, input.digit);
    case 'timeout':
      return menu.phase === 'options' ? play(menu, 'goodbye', PROMPTS.goodbye) : { menu, effects: [] };
    case 'recording-finished':
      return menu.phase === 'greeting'
        ? play(menu, 'confirm', PROMPTS.greetingSaved, [{ kind: 'keep-greeting' }])
        : { menu, effects: [] };
    case 'recording-failed':
      return menu.phase === 'greeting' ? play(menu, 'goodbye', PROMPTS.goodbye) : { menu, effects: [] };
    default: {
      const never: never = input;
      throw new Error(`unknown menu input ${JSON.stringify(never)}`);
    }
  }
}

function onPlayed(menu: Menu): MenuStep {
  switch (menu.phase) {
    case 'summary':
      return playMessage(menu);
    case 'message': {
      const message = current(menu)!;
      const heard: MenuEffect[] = message.heard ? [] : [{ kind: 'mark-heard', messageId: message.id }];
      const marked = {
        ...menu,
        messages: menu.messages.map((m, i) => (i === menu.index ? { ...m, heard: true } : m)),
      };
      return play(marked, 'options', OPTIONS_MEDIA, heard);
    }
    case 'options':
      return { menu, effects: [{ kind: 'arm-timeout', seconds: OPTIONS_TIMEOUT_SECONDS }] };
    case 'confirm':
      return nextMessage(menu);
    case 'goodbye':
      return { menu: { ...menu, phase: 'done' }, effects: [{ kind: 'hangup' }] };
    case 'greeting':
      return { menu, effects: [{ kind: 'record-greeting' }] };
    case 'done':
      return { menu, effects: [] };
    default: {
      const never: never = menu.phase;
      throw new Error(`unknown menu phase ${String(never)}`);
    }
  }
}

function onDigit(menu: Menu, digit: string): MenuStep {
  const playing = menu.phase === 'message' || menu.phase === 'options' || menu.phase === 'summary';
  if (!playing) return { menu, effects: [] };
  const stop: MenuEffect[] = [{ kind: 'stop-playback', playbackId: playbackIdOf(menu) }];
  if (digit === '0') {
    // Afterwards the menu goes on where it was: the next message after the options, else this one (again).
    const index = menu.phase === 'options' ? menu.index : menu.index - 1;
    return play({ ...menu, index }, 'greeting', PROMPTS.recordGreeting, stop);
  }
  if (menu.phase === 'summary') return { menu, effects: [] };
  const message = current(menu);
  if (!message) return { menu, effects: [] };
  switch (digit) {
    case '1':
      return playMessage(menu, stop);
    case '7': {
      const left = {
        ...menu,
        messages: menu.messages.filter((_, i) => i !== menu.index),
        index: menu.index - 1,
      };
      return play(left, 'confirm', PROMPTS.deleted, [
        ...stop,
        { kind: 'delete-message', messageId: message.id },
      ]);
    }
    case '9':
      return play(menu, 'confirm', PROMPTS.saved, [
        ...stop,
        ...(message.heard ? [] : [{ kind: 'mark-heard', messageId: message.id } as const]),
      ]);
    case '#':
      return nextMessage(menu, [
        ...stop,
        ...(message.heard ? [] : [{ kind: 'mark-heard', messageId: message.id } as const]),
      ]);
    default:
      return { menu, effects: [] };
  }
}
