/** Hot desk sessions the user may see (`GET /api/hotdesk/sessions`), kept current by `hotdesk.login|logout`. Pure. */
export interface HotdeskSession {
  id: string;
  deviceId: string;
  deviceName: string;
  userId: string;
  extension: string;
  displayName: string;
  startedAt: string;
}

export interface HotdeskState {
  sessions: readonly HotdeskSession[];
}

export type HotdeskEvent =
  | { type: 'loaded'; sessions: HotdeskSession[] }
  | { type: 'hotdesk.login'; data: unknown }
  | { type: 'hotdesk.logout'; data: unknown }
  | { type: 'reset' };

export const initialHotdeskState: HotdeskState = { sessions: [] };

const isSession = (value: unknown): value is HotdeskSession => {
  const v = value as Partial<HotdeskSession> | null;
  return !!v && typeof v.id === 'string' && typeof v.deviceId === 'string' && typeof v.userId === 'string';
};

export function hotdeskReducer(state: HotdeskState, event: HotdeskEvent): HotdeskState {
  switch (event.type) {
    case 'loaded':
      return { sessions: event.sessions };
    case 'hotdesk.login': {
      if (!isSession(event.data)) return state;
      const session = event.data;
      // A log-in ends the user's session elsewhere and any other session on that device.
      const others = state.sessions.filter(
        (s) => s.deviceId !== session.deviceId && s.userId !== session.userId,
      );
      return { sessions: [...others, session] };
    }
    case 'hotdesk.logout': {
      if (!isSession(event.data)) return state;
      const id = event.data.id;
      return state.sessions.some((s) => s.id === id)
        ? { sessions: state.sessions.filter((s) => s.id !== id) }
        : state;
    }
    case 'reset':
      return initialHotdeskState;
  }
}

/** The sessions of one user (where they are logged in). */
export const sessionsOf = (state: HotdeskState, userId: string) =>
  state.sessions.filter((s) => s.userId === userId);
