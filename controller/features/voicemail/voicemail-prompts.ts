/**
 * The stock prompts voicemail plays (asterisk-core-sounds-en, as app_voicemail uses them), as media lists. Pure.
 */
export const digitsOf = (number: string) =>
  [...number].filter((c) => /\d/.test(c)).map((d) => `sound:digits/${d}`);

/** A count as Asterisk's digit files say it (0-20, then tens and ones; beyond 99 digit by digit). */
export function countOf(n: number): string[] {
  if (n <= 20) return [`sound:digits/${n}`];
  if (n < 100) return [`sound:digits/${n - (n % 10)}`, ...(n % 10 ? [`sound:digits/${n % 10}`] : [])];
  return digitsOf(String(n));
}

/**
 * What a caller hears before the beep: the recorded greeting, or "The person at extension 1 0 0 2 is unavailable"
 * ("…is on the phone" when busy); then "Please leave your message after the tone…" and the beep.
 */
export function greetingMedia(
  greeting: { recording: string } | { extension: string; busy: boolean },
): string[] {
  const own =
    'recording' in greeting
      ? [`recording:${greeting.recording}`]
      : [
          'sound:vm-theperson',
          ...digitsOf(greeting.extension),
          greeting.busy ? 'sound:vm-isonphone' : 'sound:vm-isunavail',
        ];
  return [...own, 'sound:vm-intro', 'sound:beep'];
}

/** "You have 2 new messages and 1 old message" / "You have no messages". */
export function summaryMedia(fresh: number, old: number): string[] {
  if (fresh === 0 && old === 0) return ['sound:vm-youhave', 'sound:vm-no', 'sound:vm-messages'];
  const part = (n: number, folder: string) => [...countOf(n), folder];
  const parts = [
    ...(fresh > 0 ? part(fresh, 'sound:vm-INBOX') : []),
    ...(fresh > 0 && old > 0 ? ['sound:vm-and'] : []),
    ...(old > 0 ? part(old, 'sound:vm-Old') : []),
  ];
  return ['sound:vm-youhave', ...parts, fresh + old === 1 ? 'sound:vm-message' : 'sound:vm-messages'];
}

/** "First message" / "Next message", then the message itself (Asterisk's stored recording). */
export const messageMedia = (first: boolean, recording: string) => [
  first ? 'sound:vm-first' : 'sound:vm-next',
  'sound:vm-message',
  `recording:${recording}`,
];

/** After a message: press 1 to repeat it, 7 to delete it, 9 to save it, # for the next one. */
export const OPTIONS_MEDIA = [
  'sound:vm-press',
  'sound:digits/1',
  'sound:vm-repeat',
  'sound:vm-press',
  'sound:digits/7',
  'sound:vm-delete',
  'sound:vm-press',
  'sound:digits/9',
  'sound:vm-savemessage',
];

export const PROMPTS = {
  mailbox: ['sound:vm-login'],
  password: ['sound:vm-password'],
  incorrect: ['sound:vm-incorrect'],
  deleted: ['sound:vm-deleted'],
  saved: ['sound:vm-saved'],
  noMore: ['sound:vm-nomore'],
  goodbye: ['sound:vm-goodbye'],
  noMailbox: ['sound:vm-nobox', 'sound:vm-goodbye'],
  recordGreeting: ['sound:vm-rec-unv', 'sound:beep'],
  greetingSaved: ['sound:vm-msgsaved'],
  invalid: ['sound:pbx-invalid'],
} as const;
