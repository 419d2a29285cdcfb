/**
 * Keypad entry on a phone prompt (SPEC "Feature codes on the phone"): digits, then `#` — or a pause — ends it. Pure:
 * the shell (digit-collector.ts) feeds it the DTMF digits, the prompt's end and the clock, and carries out what it
 * says. Used by hot desk log-in (`*11`: extension, then PIN); voicemail's PIN entry can use it as it is.
 */

export interface DigitEntryRules {
  /** A pause this long after the last digit ends the entry (SPEC: 3 s). */
  pauseMs: number;
  /** Nothing typed this long after the prompt ended: the entry times out. */
  firstDigitMs: number;
  /** An entry this long ends by itself (a phone stuck sending digits). */
  maxDigits: number;
}

export const defaultEntryRules: DigitEntryRules = { pauseMs: 3000, firstDigitMs: 10_000, maxDigits: 16 };

export interface DigitEntry {
  digits: string;
  /** Whether the prompt is still playing (no deadline runs while it does, unless a digit came). */
  prompting: boolean;
  /** When the entry ends without another digit (epoch ms); null while the prompt plays and nothing was typed. */
  deadline: number | null;
}

export type EntryInput =
  | { kind: 'digit'; digit: string; at: number }
  | { kind: 'prompt-finished'; at: number }
  | { kind: 'tick'; at: number };

export type EntryStep =
  /** Still collecting; `stopPrompt`: the first digit interrupts the prompt (type ahead). */
  | { kind: 'collecting'; entry: DigitEntry; stopPrompt: boolean }
  | { kind: 'entered'; digits: string }
  | { kind: 'empty' };

export const startEntry = (): DigitEntry => ({ digits: '', prompting: true, deadline: null });

export function stepEntry(entry: DigitEntry, input: EntryInput, rules: DigitEntryRules): EntryStep {
  switch (input.kind) {
    case 'digit':
      return onDigit(entry, input.digit, input.at, rules);
    case 'prompt-finished': {
      if (!entry.prompting) return collecting(entry);
      const wait = entry.digits ? rules.pauseMs : rules.firstDigitMs;
      return collecting({ ...entry, prompting: false, deadline: entry.deadline ?? input.at + wait });
    }
    case 'tick':
      if (entry.deadline === null || input.at < entry.deadline) return collecting(entry);
      return entry.digits ? { kind: 'entered', digits: entry.digits } : { kind: 'empty' };
    default: {
      const never: never = input;
      throw new Error(`unknown entry input ${JSON.stringify(never)}`);
    }
  }
}

function onDigit(entry: DigitEntry, digit: string, at: number, rules: DigitEntryRules): EntryStep {
  if (digit === '#') return entry.digits ? { kind: 'entered', digits: entry.digits } : { kind: 'empty' };
  if (!/^[0-9]$/.test(digit)) return collecting(entry);
  const digits = entry.digits + digit;
  if (digits.length >= rules.maxDigits) return { kind: 'entered', digits };
  return {
    kind: 'collecting',
    entry: { ...entry, digits, deadline: at + rules.pauseMs },
    stopPrompt: entry.prompting && entry.digits === '',
  };
}

const collecting = (entry: DigitEntry): EntryStep => ({ kind: 'collecting', entry, stopPrompt: false });
