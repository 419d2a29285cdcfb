import { useEffect, useRef } from 'react';
import { isLive } from '../phone/call.state';
import { useSession } from './context';
import { cleanNumber } from './dialer';

/**
 * Keyboard (listed in `shortcuts.ts`): Enter dials or answers, Esc hangs up or declines, digits type (or send DTMF
 * during a call), M mutes, H holds, / searches contacts, ? shows the shortcuts. Ignored inside other text fields
 * (e.g. the transfer target) and on focused buttons.
 */
export function useShortcuts(number: string, setNumber: (value: string) => void, openHelp: () => void): void {
  const session = useSession();
  const latest = useRef({ number, setNumber, openHelp });
  latest.current = { number, setNumber, openHelp };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      const inDialInput = target?.hasAttribute?.('data-dial-input') ?? false;
      const inOtherField = !inDialInput && !!target?.closest?.('input, textarea, select, [contenteditable]');
      if (inOtherField) return;
      const handled = handleKey(event.key, inDialInput, target?.tagName === 'BUTTON');
      if (handled) event.preventDefault();
    };
    const handleKey = (key: string, inDialInput: boolean, onButton: boolean): boolean => {
      const { phone, phoneState } = session;
      const call = phoneState.getState().call;
      const { number: current, setNumber: set } = latest.current;
      if (key === 'Enter') {
        if (onButton) return false;
        if (call.kind === 'incoming') void phone.answer();
        else if (!isLive(call) && current) void phone.call(current);
        else return false;
        return true;
      }
      if (key === 'Escape') {
        if (!isLive(call)) return false;
        phone.hangup();
        return true;
      }
      if (/^[0-9*#]$/.test(key)) {
        if (call.kind === 'established') {
          phone.sendDtmf(key);
          return true;
        }
        if (isLive(call) || inDialInput) return false;
        set(cleanNumber(current + key));
        return true;
      }
      if (inDialInput) return false;
      if (key === '?') {
        latest.current.openHelp();
        return true;
      }
      if (key === '/') {
        const search = document.querySelector<HTMLInputElement>('input[aria-label="Search contacts"]');
        search?.focus();
        return Boolean(search);
      }
      const lower = key.toLowerCase();
      if (lower === 'm' && isLive(call)) phone.toggleMute();
      else if (lower === 'h' && isLive(call)) phone.toggleHold();
      else if (key === 'Backspace' && !isLive(call) && current) set(current.slice(0, -1));
      else return false;
      return true;
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [session]);
}
