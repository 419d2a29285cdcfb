// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PhoneEvent } from '../phone/phone.state';
import { render } from './render.test-util';
import { testSession } from './test-session';
import { TopBar } from './top-bar';

const user = {
  id: 'u',
  username: 'bob',
  displayName: 'Bob Agent',
  extension: '1002',
  role: 'agent' as const,
  teamId: null,
};

describe('<TopBar> registration status', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  const cases: [string, PhoneEvent[], string, string | null][] = [
    [
      'registered',
      [{ type: 'ua.starting' }, { type: 'ws.connected' }, { type: 'reg.registered' }],
      'Registered',
      null,
    ],
    [
      'refused socket',
      [{ type: 'ua.starting' }, { type: 'ws.disconnected' }],
      'WebSocket to Asterisk refused',
      'SIP_WS_URL',
    ],
    [
      'lost socket',
      [{ type: 'ua.starting' }, { type: 'ws.connected' }, { type: 'ws.disconnected' }],
      'Connection to Asterisk lost',
      'Reconnecting',
    ],
    [
      'refused credentials',
      [
        { type: 'ua.starting' },
        { type: 'ws.connected' },
        { type: 'reg.failed', statusCode: 403, cause: 'Rejected' },
      ],
      'SIP credentials refused',
      'Ask an administrator',
    ],
  ];
  it.each(cases)('%s', (_name, events, title, help) => {
    const { session } = testSession();
    const view = render(session, <TopBar user={user} />);
    cleanup = view.unmount;
    act(() => events.forEach((e) => session.phoneState.dispatch(e)));
    expect(view.container.querySelector('[data-testid="registration"]')?.textContent).toBe(title);
    const alert = view.container.querySelector('.registration-help');
    if (help) expect(alert?.textContent).toContain(help);
    else expect(alert).toBeNull();
  });
});
