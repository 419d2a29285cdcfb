// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { MoveHereCard, MoveToDeskButton } from './handoff';
import { byLabel, click, render } from './render.test-util';
import { testSession } from './test-session';

const answered = (id: string, mine: string) => ({
  type: 'message' as const,
  message: {
    type: 'call.answered',
    at: new Date().toISOString(),
    data: {
      id,
      state: 'answered',
      from: { number: '1001', name: 'Ann Caller' },
      to: { number: '1002', name: 'Me' },
      answeredBy: { extension: '1002' },
      startedAt: new Date().toISOString(),
      answeredAt: new Date().toISOString(),
      channels: [
        { id: 'c1', role: 'caller', endpoint: 'PJSIP/1001', state: 'up' },
        { id: 'c2', role: 'callee', endpoint: `PJSIP/${mine}`, state: 'up' },
      ],
    },
  },
  receivedAt: Date.now(),
});

describe('handoff from the webphone', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('a call on my desk phone: "Move here" asks for the webphone', async () => {
    const { session, commands } = testSession();
    const view = render(session, <MoveHereCard extension="1002" />);
    cleanup = view.unmount;
    expect(view.container.textContent).toBe('');
    act(() => session.live.dispatch(answered('call-1', '1002')));
    expect(view.container.textContent).toContain('You are talking to Ann Caller on your desk phone');
    click(byLabel(view.container, 'Move the call to this webphone'));
    await act(async () => undefined);
    expect(commands).toEqual(['handoff call-1 1002-web']);
  });

  it('a call on this webphone: "To desk" asks for the desk phone; no button for a call elsewhere', async () => {
    const { session, commands } = testSession();
    const view = render(session, <MoveToDeskButton extension="1002" />);
    cleanup = view.unmount;
    act(() => session.live.dispatch(answered('call-2', '1002')));
    expect(byLabel(view.container, 'Move the call to my desk phone')).toBeNull();
    act(() => session.live.dispatch(answered('call-3', '1002-web')));
    click(byLabel(view.container, 'Move the call to my desk phone'));
    await act(async () => undefined);
    expect(commands).toEqual(['handoff call-3 1002']);
  });
});
