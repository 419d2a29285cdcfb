import { autoAnsweredText } from './auto-answer-label';
import type { CallEndReason, Notice, Registration } from '../phone/phone.types';

/** 0:07, 12:34, 1:02:03 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function formatClock(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? ''
    : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export type Tone = 'ok' | 'busy' | 'warn' | 'error';

/** The registration status as the always-visible badge shows it: a title, and what to do when it is a problem. */
export function describeRegistration(registration: Registration): {
  tone: Tone;
  title: string;
  help: string | null;
} {
  switch (registration.kind) {
    case 'registered':
      return { tone: 'ok', title: 'Registered', help: null };
    case 'registering':
      return { tone: 'busy', title: 'Registering…', help: null };
    case 'unregistered':
      return { tone: 'warn', title: 'Not registered', help: null };
    case 'elsewhere':
      return {
        tone: 'warn',
        title: 'Phone in another tab',
        help: 'Your phone is open in another tab of this browser: calls ring there. This tab takes it over when that tab closes.',
      };
    case 'failed': {
      const next = `Retrying (attempt ${registration.failures + 1})…`;
      if (registration.problem === 'credentials-refused')
        return {
          tone: 'error',
          title: 'SIP credentials refused',
          help: registration.retrying
            ? `Asterisk refused this phone's account (${registration.detail}), perhaps because it has just restarted and does not have the account yet. ${next} If this lasts, ask an administrator to check your SIP account.`
            : `Asterisk kept refusing this phone's account (${registration.detail}), so the phone stopped trying. Ask an administrator to check your SIP account, then sign in again.`,
        };
      return {
        tone: 'error',
        title: 'Registration failed',
        help: registration.retrying
          ? `Asterisk did not accept the registration (${registration.detail}). ${next}`
          : `Asterisk did not accept the registration (${registration.detail}). Sign in again, or tell an administrator if it lasts.`,
      };
    }
    case 'disconnected':
      return registration.problem === 'ws-refused'
        ? {
            tone: 'error',
            title: 'WebSocket to Asterisk refused',
            help: `The phone cannot reach Asterisk's WebSocket. Check that Asterisk is running and SIP_WS_URL is reachable from this browser. Retrying (attempt ${registration.attempts}).`,
          }
        : {
            tone: 'error',
            title: 'Connection to Asterisk lost',
            help: `Calls cannot be made or received. Reconnecting (attempt ${registration.attempts})… If this lasts more than a minute, check your network connection or tell an administrator.`,
          };
  }
}

const endReasons: Record<CallEndReason, string> = {
  'hung-up': 'Call ended',
  'remote-hung-up': 'The other side hung up',
  declined: 'Declined',
  busy: 'Busy',
  'not-found': 'Number not found',
  'no-answer': 'No answer',
  unavailable: 'Unavailable',
  canceled: 'Call cancelled',
  'answered-elsewhere': 'Answered elsewhere',
  transferred: 'Transferred',
  'microphone-denied': 'Microphone blocked',
  'connection-lost': 'Connection lost',
  failed: 'Call failed',
};

export const describeEnd = (reason: CallEndReason) => endReasons[reason];

export function describeNotice(notice: Notice): { tone: Tone; text: string } {
  switch (notice.kind) {
    case 'microphone-denied':
      return {
        tone: 'error',
        text: 'Microphone access is blocked. Allow the microphone for this site (the icon in the address bar), then call again.',
      };
    case 'microphone-missing':
      return {
        tone: 'error',
        text: 'No microphone is available. Connect one, or open the webphone over HTTPS: browsers only allow microphones on secure pages.',
      };
    case 'auto-answered':
      return { tone: 'warn', text: autoAnsweredText(notice.from, false) };
    case 'auto-answer-ended':
      return { tone: 'ok', text: autoAnsweredText(notice.from, true) };
    case 'transfer-failed':
      return { tone: 'error', text: `Transfer to ${notice.target} failed; the call is still yours.` };
  }
}
