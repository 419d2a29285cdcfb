import { describe, expect, it } from 'vitest';
import {
  initialSupervisionState,
  modeCommand,
  ownSession,
  shownMode,
  supervisionReducer,
  type SupervisionEvent,
  type SupervisionState,
} from './supervision.state';

const ME = '1010';
const session = (over: Record<string, unknown> = {}) => ({
  id: 's1',
  callId: 'c1',
  mode: 'monitor',
  state: 'active',
  supervisorExtension: ME,
  supervisorUserId: 'u-sup',
  targetExtension: '1001',
  targetUserId: 'u-agent',
  targetTeamId: 't1',
  startedAt: '2026-01-01T10:00:00.000Z',
  activeAt: '2026-01-01T10:00:01.000Z',
  ...over,
});
const msg = (type: string, data: unknown): SupervisionEvent => ({
  type: 'message',
  message: { type, at: '2026-01-01T10:00:00.000Z', data },
});
const fold = (events: SupervisionEvent[], from: SupervisionState = initialSupervisionState) =>
  events.reduce(supervisionReducer, from);

describe('supervision state: sessions from the snapshot and supervision.* events', () => {
  it('the snapshot lists the sessions; started/changed upsert, ended removes; junk is ignored', () => {
    let state = fold([msg('snapshot', { supervision: [session(), { id: 'bad', mode: 'shout' }, null] })]);
    expect(Object.keys(state.sessions)).toEqual(['s1']);
    state = fold(
      [msg('supervision.started', session({ id: 's2', callId: 'c2', supervisorExtension: '1012' }))],
      state,
    );
    state = fold([msg('supervision.changed', session({ mode: 'barge', from: 'monitor' }))], state);
    expect(state.sessions.s1!.mode).toBe('barge');
    expect(ownSession(state, 'c1', ME)?.id).toBe('s1');
    expect(ownSession(state, 'c2', ME)).toBeUndefined();
    state = fold([msg('supervision.ended', session({ reason: 'requested' }))], state);
    expect(Object.keys(state.sessions)).toEqual(['s2']);
    // A snapshot without the part (an older controller, or its source failed) leaves no session.
    expect(fold([msg('snapshot', { calls: [] })], state).sessions).toEqual({});
    expect(fold([msg('call.answered', { id: 'c1' })], state)).toBe(state);
  });
});

describe('supervision controls: start, switch, stop', () => {
  it('with no session of mine a mode starts one; the answer adds it ringing; started makes it active', () => {
    expect(modeCommand(initialSupervisionState, 'c1', ME, 'whisper')).toEqual({ kind: 'start' });
    let state = fold([{ type: 'start-requested', callId: 'c1', mode: 'whisper' }]);
    expect(shownMode(state, 'c1', ME)).toBe('whisper');
    // While the start is on its way nothing else is sent.
    expect(modeCommand(state, 'c1', ME, 'barge')).toEqual({ kind: 'none', why: 'busy' });
    state = fold(
      [
        {
          type: 'start-answered',
          callId: 'c1',
          session: session({ mode: 'whisper', state: 'ringing', activeAt: null }),
        },
      ],
      state,
    );
    expect(state.controls).toEqual({});
    expect(state.sessions.s1!.state).toBe('ringing');
    state = fold([msg('supervision.started', session({ mode: 'whisper' }))], state);
    expect(state.sessions.s1!.state).toBe('active');
    expect(shownMode(state, 'c1', ME)).toBe('whisper');
  });

  it('a start answered after its supervision.started keeps the newer state from the event', () => {
    const state = fold([
      { type: 'start-requested', callId: 'c1', mode: 'monitor' },
      msg('supervision.started', session()),
      { type: 'start-answered', callId: 'c1', session: session({ state: 'ringing' }) },
    ]);
    expect(state.sessions.s1!.state).toBe('active');
  });

  it('switching: the asked mode shows until supervision.changed confirms it, whichever comes first', () => {
    const active = fold([msg('snapshot', { supervision: [session()] })]);
    expect(modeCommand(active, 'c1', ME, 'monitor')).toEqual({ kind: 'none', why: 'current' });
    expect(modeCommand(active, 'c1', ME, 'barge')).toEqual({ kind: 'switch', sessionId: 's1' });
    const asked = fold([{ type: 'switch-requested', callId: 'c1', sessionId: 's1', mode: 'barge' }], active);
    expect(shownMode(asked, 'c1', ME)).toBe('barge');
    // The PATCH answered before the event: still switching (the session is on monitor's path).
    const patched = fold([{ type: 'answered', callId: 'c1' }], asked);
    expect(patched.controls.c1).toEqual({ kind: 'switching', sessionId: 's1', mode: 'barge' });
    const changed = fold([msg('supervision.changed', session({ mode: 'barge' }))], patched);
    expect(changed.controls).toEqual({});
    expect(changed.sessions.s1!.mode).toBe('barge');
    // The event first, then the PATCH's answer: done as well.
    const eventFirst = fold(
      [msg('supervision.changed', session({ mode: 'barge' })), { type: 'answered', callId: 'c1' }],
      asked,
    );
    expect(eventFirst.controls).toEqual({});
    // Another switch while one is under way is sent (the controller lets the last one win).
    expect(modeCommand(asked, 'c1', ME, 'whisper')).toEqual({ kind: 'switch', sessionId: 's1' });
    expect(modeCommand(asked, 'c1', ME, 'barge')).toEqual({ kind: 'none', why: 'current' });
  });

  it('a refused switch shows the controller message and the session keeps its mode; 404 forgets the session', () => {
    const active = fold([msg('snapshot', { supervision: [session()] })]);
    const asked = fold([{ type: 'switch-requested', callId: 'c1', sessionId: 's1', mode: 'barge' }], active);
    const refused = fold(
      [{ type: 'failed', callId: 'c1', message: 'only the supervisor changes a session' }],
      asked,
    );
    expect(shownMode(refused, 'c1', ME)).toBe('monitor');
    expect(refused.errors.c1).toBe('only the supervisor changes a session');
    const gone = fold([{ type: 'failed', callId: 'c1', message: 'not found', gone: 's1' }], asked);
    expect(gone.sessions).toEqual({});
    expect(modeCommand(gone, 'c1', ME, 'barge')).toEqual({ kind: 'start' });
    // The next request clears the message.
    expect(fold([{ type: 'start-requested', callId: 'c1', mode: 'monitor' }], gone).errors).toEqual({});
  });

  it('stopping waits for supervision.ended; a reconnect snapshot without the session ends the wait', () => {
    const active = fold([msg('snapshot', { supervision: [session()] })]);
    const stopping = fold([{ type: 'stop-requested', callId: 'c1', sessionId: 's1' }], active);
    expect(modeCommand(stopping, 'c1', ME, 'barge')).toEqual({ kind: 'none', why: 'busy' });
    const answered = fold([{ type: 'answered', callId: 'c1' }], stopping);
    expect(answered.controls.c1).toEqual({ kind: 'stopping', sessionId: 's1' });
    const ended = fold([msg('supervision.ended', session({ reason: 'requested' }))], answered);
    expect(ended).toEqual(initialSupervisionState);
    expect(fold([msg('snapshot', { supervision: [] })], stopping).controls).toEqual({});
    expect(fold([{ type: 'reset' }], stopping)).toBe(initialSupervisionState);
  });
});
