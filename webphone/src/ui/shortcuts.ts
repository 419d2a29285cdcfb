/** Every keyboard shortcut of the main screen, as the help overlay lists them (and `use-shortcuts.ts` acts on). */
export const shortcuts: readonly { keys: string; what: string }[] = [
  { keys: '0-9 * #', what: 'Type the number (during a call: send the tone)' },
  { keys: 'Enter', what: 'Call the number typed, or answer the ringing call' },
  { keys: 'Esc', what: 'Hang up, or decline the ringing call' },
  { keys: 'Backspace', what: 'Delete the last digit typed' },
  { keys: 'M', what: 'Mute or unmute the call' },
  { keys: 'H', what: 'Hold or resume the call' },
  { keys: '/', what: 'Search contacts' },
  { keys: '?', what: 'Show these shortcuts' },
];
