// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { IncomingPopups } from './incoming-popups';
import { byLabel, click, render } from './render.test-util';
import { testSession } from './test-session';

const me = '1002';
const ringing = {
  id: 'c1',
  state: 'ringing',
  from: { number: '1001', name: 'Alice', userId: 'u1' },
  to: { number: me, name: 'Bob', userId: 'u2' },
  answeredBy: null,
  startedAt: '2025-01-01T10:00:00.000Z',
  answeredAt: null,
  channels: [],
  contact: {
    id: 'k1',
    name: 'Alice Martin',
    company: 'ACME Corp',
    assignedAgents: [{ userId: 'u2', extension: me, displayName: 'Bob' }],
    latestNotes: [{ body: 'Prefers mornings', createdAt: '2025-01-01T09:00:00.000Z', author: 'Carol' }],
  },
};
const event = (type: string, data: unknown) => ({
  type: 'message' as const,
  message: { type, at: 'T', data },
  receivedAt: 1,
});

describe('<IncomingPopups>', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('shows call.ringing for me with its contact card, and closes when another agent answers', () => {
    const { session } = testSession();
    const view = render(session, <IncomingPopups extension={me} />);
    cleanup = view.unmount;
    act(() => session.live.dispatch(event('call.ringing', ringing)));
    const popup = view.container.querySelector('[role="alertdialog"]');
    expect(popup?.getAttribute('aria-label')).toBe('Incoming call from Alice Martin');
    expect(popup?.textContent).toContain('ACME Corp');
    expect(popup?.textContent).toContain('Prefers mornings');
    expect(popup?.textContent).toContain('Ringing your phones');

    const answeredElsewhere = {
      ...ringing,
      state: 'answered',
      answeredBy: { extension: '1003', name: 'Carol', userId: 'u3' },
    };
    act(() => session.live.dispatch(event('call.answered', answeredElsewhere)));
    expect(view.container.querySelector('[role="alertdialog"]')).toBeNull();
    expect(view.container.querySelector('[role="status"]')?.textContent).toBe(
      'Carol took the call from Alice Martin.',
    );
  });

  it('the card names the assigned agents and the latest notes; an outside caller no contact matched is unknown', () => {
    const { session } = testSession();
    const view = render(session, <IncomingPopups extension={me} />);
    cleanup = view.unmount;
    act(() => session.live.dispatch(event('call.ringing', ringing)));
    const card = view.container.querySelector('[aria-label="Contact"]');
    expect(card?.textContent).toContain('Assigned toBob');
    expect(card?.textContent).toContain('Prefers mornings · Carol');
    act(() =>
      session.live.dispatch(
        event('call.ringing', {
          ...ringing,
          id: 'c2',
          direction: 'inbound',
          from: { number: '+15551230000', name: '', userId: null },
          contact: null,
        }),
      ),
    );
    const unknown = [...view.container.querySelectorAll('[role="alertdialog"]')].find(
      (popup) => popup.getAttribute('aria-label') === 'Incoming call from +15551230000',
    );
    expect(unknown?.textContent).toContain('Unknown caller: not in your contacts.');
  });

  it('ignores calls ringing someone else', () => {
    const { session } = testSession();
    const view = render(session, <IncomingPopups extension={me} />);
    cleanup = view.unmount;
    act(() =>
      session.live.dispatch(
        event('call.ringing', { ...ringing, to: { number: '1009', name: '', userId: 'u9' } }),
      ),
    );
    expect(view.container.querySelector('[role="alertdialog"]')).toBeNull();
  });

  it('merges the webphone ringing with the controller call: Answer and Decline act on the SIP session', () => {
    const { session, commands } = testSession();
    const view = render(session, <IncomingPopups extension={me} />);
    cleanup = view.unmount;
    act(() => {
      session.live.dispatch(event('call.ringing', ringing));
      session.phoneState.dispatch({
        type: 'call.incoming',
        id: 's1',
        remote: { number: '1001', name: 'Alice' },
        autoAnswer: false,
      });
    });
    expect(view.container.querySelectorAll('[role="alertdialog"]')).toHaveLength(1);
    click(byLabel(view.container, 'Answer call from Alice Martin'));
    click(byLabel(view.container, 'Decline call from Alice Martin'));
    expect(commands).toEqual(['answer', 'hangup']);
  });

  it('an auto-answered call gets no popup', () => {
    const { session } = testSession();
    const view = render(session, <IncomingPopups extension={me} />);
    cleanup = view.unmount;
    act(() =>
      session.phoneState.dispatch({
        type: 'call.incoming',
        id: 's1',
        remote: { number: '850', name: 'Page' },
        autoAnswer: true,
      }),
    );
    expect(view.container.querySelector('[role="alertdialog"]')).toBeNull();
  });
});
