import { describe, expect, it } from 'vitest';
import {
  defaultEntryRules,
  startEntry,
  stepEntry,
  type DigitEntry,
  type EntryInput,
  type EntryStep,
} from '../../controller/features/phone-input/digit-entry.js';

/** Keypad entry as given/when/then: the inputs in order, then what the last one gives. */
const digit = (d: string, at: number): EntryInput => ({ kind: 'digit', digit: d, at });
const promptEnds = (at: number): EntryInput => ({ kind: 'prompt-finished', at });
const tick = (at: number): EntryInput => ({ kind: 'tick', at });

function run(inputs: EntryInput[]): EntryStep {
  let entry: DigitEntry = startEntry();
  let step: EntryStep = { kind: 'collecting', entry, stopPrompt: false };
  for (const input of inputs) {
    step = stepEntry(entry, input, defaultEntryRules);
    if (step.kind !== 'collecting') return step;
    entry = step.stopPrompt ? { ...step.entry, prompting: false } : step.entry;
  }
  return step;
}

const shown = (step: EntryStep) =>
  step.kind === 'collecting'
    ? `collecting ${step.entry.digits || '-'} until ${step.entry.deadline ?? 'the prompt ends'}${step.stopPrompt ? ', stop the prompt' : ''}`
    : step.kind === 'entered'
      ? `entered ${step.digits}`
      : 'empty';

describe('digit entry: digits end with # or a 3 s pause', () => {
  it.each<[string, EntryInput[], string]>([
    ['# ends the entry', [promptEnds(0), digit('1', 100), digit('0', 200), digit('#', 300)], 'entered 10'],
    ['a 3 s pause ends it', [promptEnds(0), digit('4', 1000), tick(3999)], 'collecting 4 until 4000'],
    ['…at 3 s exactly', [promptEnds(0), digit('4', 1000), tick(4000)], 'entered 4'],
    [
      'each digit restarts the pause',
      [promptEnds(0), digit('4', 1000), digit('2', 3500), tick(4000)],
      'collecting 42 until 6500',
    ],
    ['nothing typed for 10 s after the prompt', [promptEnds(0), tick(10_000)], 'empty'],
    ['no deadline while the prompt plays', [tick(60_000)], 'collecting - until the prompt ends'],
    ['a bare # is nothing', [promptEnds(0), digit('#', 10)], 'empty'],
    ['typing over the prompt stops it', [digit('1', 5)], 'collecting 1 until 3005, stop the prompt'],
    [
      'typed ahead: the prompt ending keeps the pause running',
      [digit('1', 5), promptEnds(900), tick(3005)],
      'entered 1',
    ],
    [
      '* and letters are ignored',
      [promptEnds(0), digit('*', 10), digit('A', 20), digit('7', 30), digit('#', 40)],
      'entered 7',
    ],
    [
      '16 digits end it by themselves',
      [promptEnds(0), ...'1234567890123456'.split('').map((d, i) => digit(d, i))],
      'entered 1234567890123456',
    ],
  ])('%s', (_name, inputs, expected) => {
    expect(shown(run(inputs))).toBe(expected);
  });
});
