import type { VoicemailMessage } from '../api/voicemail';

/**
 * The signed-in user's own mailbox: the list fetched on sign-in and after every (re)connect, then each
 * `voicemail.new|updated|deleted` folded in. Supervisors also receive their team's events: only `ownerId`'s count.
 * Pure.
 */
export interface VoicemailState {
  ownerId: string | null;
  /** Whether the list was fetched at least once (before, the panel says "loading", not "no messages"). */
  loaded: boolean;
  messages: Readonly<Record<string, VoicemailMessage>>;
}

export type VoicemailEvent =
  | { type: 'listed'; ownerId: string; messages: VoicemailMessage[] }
  | { type: 'event'; kind: 'voicemail.new' | 'voicemail.updated' | 'voicemail.deleted'; message: unknown }
  | { type: 'reset' };

export const initialVoicemailState: VoicemailState = { ownerId: null, loaded: false, messages: {} };

export function voicemailReducer(state: VoicemailState, event: VoicemailEvent): VoicemailState {
  switch (event.type) {
    case 'reset':
      return initialVoicemailState;
    case 'listed':
      return {
        ownerId: event.ownerId,
        loaded: true,
        messages: Object.fromEntries(
          event.messages.filter((m) => m.mailboxUserId === event.ownerId).map((m) => [m.id, m]),
        ),
      };
    case 'event': {
      const message = toMessage(event.message);
      if (!message || message.mailboxUserId !== state.ownerId) return state;
      if (event.kind === 'voicemail.deleted') {
        if (!state.messages[message.id]) return state;
        const { [message.id]: _gone, ...messages } = state.messages;
        return { ...state, messages };
      }
      return { ...state, messages: { ...state.messages, [message.id]: message } };
    }
  }
}

/** Newest first. */
export const messagesOf = (state: VoicemailState): VoicemailMessage[] =>
  Object.values(state.messages).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));

export const newCount = (state: VoicemailState): number =>
  Object.values(state.messages).filter((m) => !m.heard).length;

const voicemailTypes = new Set(['voicemail.new', 'voicemail.updated', 'voicemail.deleted']);

export const isVoicemailEvent = (
  type: string,
): type is 'voicemail.new' | 'voicemail.updated' | 'voicemail.deleted' => voicemailTypes.has(type);

function toMessage(value: unknown): VoicemailMessage | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'string' || typeof v.mailboxUserId !== 'string') return null;
  return {
    id: v.id,
    mailboxUserId: v.mailboxUserId,
    from: typeof v.from === 'string' ? v.from : '',
    fromName: typeof v.fromName === 'string' ? v.fromName : '',
    to: typeof v.to === 'string' ? v.to : '',
    receivedAt: typeof v.receivedAt === 'string' ? v.receivedAt : '',
    durationSeconds: typeof v.durationSeconds === 'number' ? v.durationSeconds : 0,
    heard: v.heard === true,
  };
}
