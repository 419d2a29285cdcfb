import { initialLiveState, liveReducer } from '../api/live.state';
import { createPhoneStore } from '../phone/phone.store';
import type { SipPhone } from '../phone/sip-phone';
import type { AuthState, Session } from '../session';
import { createStore } from '../store';
import { createMailbox } from '../voicemail/mailbox';
import { createCallHandling } from '../handling/handling';
import { createCallNotes } from '../notes/call-notes';
import { createContacts } from '../contacts/contacts';
import { createHotdesk } from '../hotdesk/hotdesk';
import { createPagingConsole } from '../paging/paging-console';
import { createSupervisor } from '../supervision/supervisor';

/** A session for component tests: real stores, a phone that records the commands it gets. */
export function testSession(extension = '1010') {
  const commands: string[] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      commands.push([name, ...args].join(' '));
    };
  const phone = {
    call: async (target: string) => record('call')(target),
    answer: async () => record('answer')(),
    hangup: record('hangup'),
    toggleMute: record('mute'),
    toggleHold: record('hold'),
    sendDtmf: record('dtmf'),
    transfer: record('transfer'),
    park: record('park'),
    consult: async (target: string) => record('consult')(target),
    completeTransfer: record('complete-transfer'),
    cancelConsult: record('cancel-consult'),
    dismissNotice: record('dismiss'),
    start: async () => undefined,
    stop: () => undefined,
  } as unknown as SipPhone;
  const session: Session = {
    auth: createStore<AuthState, AuthState>({ kind: 'signed-out', error: null }, (_s, next) => next),
    live: createStore(initialLiveState, liveReducer),
    phoneState: createPhoneStore(),
    phone,
    voicemail: createMailbox(async () => 'test-token'),
    handling: createCallHandling(async () => 'test-token'),
    notes: createCallNotes(async () => 'test-token', memoryStorage()),
    contacts: createContacts(async () => 'test-token'),
    hotdesk: createHotdesk(async () => 'test-token'),
    supervision: createSupervisor(async () => 'test-token', () => extension),
    paging: createPagingConsole(async () => 'test-token', () => extension),
    signIn: async () => undefined,
    resume: async () => undefined,
    signOut: () => undefined,
    handoff: async (callId: string, device: string) => record('handoff')(callId, device),
    takeOverPhone: record('take-over'),
    loadHistory: async (since: string | undefined) => record('history')(since ?? 'latest'),
    callNotes: async (callLogId: string) => {
      record('notes')(callLogId);
      return [
        { id: 'n1', body: 'Wants a refund', authorName: 'Test agent', createdAt: '2025-01-01T10:00:00.000Z' },
      ];
    },
  };
  return { session, commands };
}

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}
