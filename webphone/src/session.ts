import { fetchCallNotes, fetchRecentCalls, type CallNote } from './api/call-logs';
import { connectEvents, type EventsConnection } from './api/events-client';
import { ApiError, apiFetch } from './api/http';
import { initialLiveState, liveReducer, type LiveEvent, type LiveState } from './api/live.state';
import { savedCredentials, type Credentials } from './api/credentials';
import { fetchEventsTicket, fetchMe, fetchSipCredentials, login, logout } from './api/session';
import { partyNumber, type LiveCall, type User } from './api/types';
import { createPhoneStore, type PhoneStore } from './phone/phone.store';
import { SipPhone } from './phone/sip-phone';
import { ownPhoneInOneTab, type TabOwnership } from './phone/tab-owner';
import { createStore, type Store } from './store';
import { createMailbox, type Mailbox } from './voicemail/mailbox';
import { createCallHandling, type CallHandling } from './handling/handling';
import { createCallNotes, type CallNotes } from './notes/call-notes';
import { createContacts, type ContactsCommands } from './contacts/contacts';
import { createHotdesk, type Hotdesk } from './hotdesk/hotdesk';
import { createPagingConsole, type PagingConsole } from './paging/paging-console';
import { createSupervisor, type Supervisor } from './supervision/supervisor';
import { isSupervisorRole } from './supervision/team-calls';

export type AuthState =
  | { kind: 'signed-out'; error: string | null }
  | { kind: 'signing-in' }
  | { kind: 'signed-in'; user: User; sipProblem: string | null };

export type LiveStore = Store<LiveState, LiveEvent>;
export type AuthStore = Store<AuthState, AuthState>;

/** Everything the UI reads and commands: built once in main.tsx and handed down through React context. */
export interface Session {
  auth: AuthStore;
  live: LiveStore;
  phoneState: PhoneStore;
  phone: SipPhone;
  /** The user's own voicemail (list, count, player). */
  voicemail: Mailbox;
  /** The user's own DND and forward-all. */
  handling: CallHandling;
  /** Notes typed during calls, auto-saved (kept in the tab until saved). */
  notes: CallNotes;
  /** Contacts search and click to call. */
  contacts: ContactsCommands;
  /** The user's hot desk sessions. */
  hotdesk: Hotdesk;
  /** Supervisors and admins: monitor / whisper / barge on their team's calls. */
  supervision: Supervisor;
  /** Supervisors and admins: the paging console. */
  paging: PagingConsole;
  signIn(username: string, password: string): Promise<void>;
  resume(): Promise<void>;
  signOut(): void;
  /** Takes the phone from the other tab of this browser that has it. */
  takeOverPhone(): void;
  /** The call history from `since` (ISO; undefined: the latest), into `live.recentCalls`. */
  loadHistory(since: string | undefined): Promise<void>;
  /** The notes on one of the user's calls. */
  callNotes(callLogId: string): Promise<CallNote[]>;
  /** Moves the user's live call to another of their devices (`POST /api/calls/{id}/handoff`); resolves once asked. */
  handoff(callId: string, device: string): Promise<void>;
}

export function createSession(): Session {
  const auth: AuthStore = createStore<AuthState, AuthState>(
    { kind: 'signed-out', error: null },
    (_s, next) => next,
  );
  const live: LiveStore = createStore(initialLiveState, liveReducer);
  const phoneState = createPhoneStore();
  const phone = new SipPhone(phoneState);
  let events: EventsConnection | null = null;
  let ownership: TabOwnership | null = null;
  let credentials: Credentials | null = null;
  const token = async () => {
    if (!credentials) throw new ApiError(401, 'unauthorized', 'You are signed out.');
    return credentials.token();
  };
  const voicemail = createMailbox(token);
  const handling = createCallHandling(token);
  const notes = createCallNotes(token);
  const contacts = createContacts(token);
  const hotdesk = createHotdesk(token);
  const ownExtension = () => {
    const state = auth.getState();
    return state.kind === 'signed-in' ? state.user.extension : null;
  };
  const supervision = createSupervisor(token, ownExtension);
  const paging = createPagingConsole(token, ownExtension);

  /** The history's "since" (ISO), kept so that a refresh after a call keeps the agent's choice. */
  let historySince: string | undefined;
  let signedInUser: User | null = null;
  const refreshRecent = (creds: Credentials, user: User) =>
    creds
      .token()
      .then((token) => fetchRecentCalls(token, user.extension, historySince))
      .then((calls) => live.dispatch({ type: 'recent-calls', calls }))
      .catch(() => undefined);

  const start = async (creds: Credentials, user: User) => {
    credentials = creds;
    signedInUser = user;
    auth.dispatch({ kind: 'signed-in', user, sipProblem: null });
    events = connectEvents({
      ticket: () => fetchEventsTicket(creds),
      onStatus: (status) => {
        live.dispatch({ type: 'status', status });
        if (status.kind === 'live') notes.retry();
        if (status.kind === 'unauthorized') session.signOut('Your session has expired. Sign in again.');
      },
      onMessage: (message) => {
        live.dispatch({ type: 'message', message, receivedAt: Date.now() });
        voicemail.onMessage(message);
        handling.onMessage(message);
        hotdesk.onMessage(message);
        // Only once the snapshot has told which calls are live: a draft of any other call is of an ended call.
        if (message.type === 'snapshot' || message.type === 'call.ended')
          notes.liveCalls(new Set(Object.keys(live.getState().calls)));
        supervision.onMessage(message);
        paging.onMessage(message);
        if (message.type === 'snapshot') {
          // A reconnect may have missed events: read the user's own settings again.
          void voicemail.refresh(user.id).catch(() => undefined);
          void handling.refresh(user.id).catch(() => undefined);
          void hotdesk.refresh().catch(() => undefined);
          void refreshRecent(creds, user);
          if (isSupervisorRole(user.role)) void paging.refresh();
        }
        if (message.type === 'call.ended' && involves(message.data as LiveCall, user.extension)) {
          void refreshRecent(creds, user);
        }
      },
    });
    void refreshRecent(creds, user);
    try {
      const sip = await fetchSipCredentials(creds);
      // One tab of this browser registers; the others show where the phone is and may take it over.
      ownership = ownPhoneInOneTab(globalThis.navigator?.locks, `ari-pbx-phone:${user.id}`, {
        own: () => void phone.start(sip),
        elsewhere: () => {
          phoneState.dispatch({ type: 'phone.elsewhere' });
          phone.stop();
        },
      });
    } catch (error) {
      const detail = error instanceof ApiError ? error.message : 'unknown error';
      auth.dispatch({
        kind: 'signed-in',
        user,
        sipProblem: `Your SIP account could not be loaded (${detail}).`,
      });
    }
  };

  const session = {
    auth,
    live,
    phoneState,
    phone,
    voicemail,
    handling,
    notes,
    contacts,
    hotdesk,
    supervision,
    paging,
    async signIn(username: string, password: string) {
      auth.dispatch({ kind: 'signing-in' });
      try {
        const signedIn = await login(username, password);
        await start(signedIn.credentials, signedIn.user);
      } catch (error) {
        const message =
          error instanceof ApiError && error.status === 401 ? 'Wrong username or password.' : describe(error);
        auth.dispatch({ kind: 'signed-out', error: message });
      }
    },
    async resume() {
      const saved = savedCredentials();
      if (!saved || auth.getState().kind !== 'signed-out') return;
      auth.dispatch({ kind: 'signing-in' });
      try {
        await start(saved, await fetchMe(saved));
      } catch {
        saved.clear();
        auth.dispatch({ kind: 'signed-out', error: null });
      }
    },
    async loadHistory(since: string | undefined) {
      historySince = since;
      if (credentials && signedInUser) await refreshRecent(credentials, signedInUser);
    },
    callNotes: async (callLogId: string) => fetchCallNotes(await token(), callLogId),
    async handoff(callId: string, device: string) {
      if (!credentials) throw new ApiError(401, 'unauthorized', 'You are signed out.');
      await apiFetch(`/calls/${encodeURIComponent(callId)}/handoff`, {
        token: await credentials.token(),
        method: 'POST',
        body: { device },
      });
    },
    takeOverPhone: () => ownership?.takeOver(),
    signOut(reason: string | null = null) {
      events?.close();
      events = null;
      ownership?.release();
      ownership = null;
      phone.stop();
      if (credentials) void logout(credentials);
      credentials = null;
      signedInUser = null;
      historySince = undefined;
      live.dispatch({ type: 'reset' });
      voicemail.reset();
      handling.reset();
      notes.reset();
      hotdesk.reset();
      supervision.reset();
      paging.reset();
      auth.dispatch({ kind: 'signed-out', error: reason });
    },
  };
  return session;
}

function involves(call: LiveCall | null | undefined, extension: string): boolean {
  if (!call) return false;
  return [call.from, call.to, call.answeredBy].some((party) => partyNumber(party ?? null) === extension);
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Sign-in failed. Try again.';
}
