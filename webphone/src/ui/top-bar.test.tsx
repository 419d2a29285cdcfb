// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PhoneEvent } from '../phone/phone.types';
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
      'Calls cannot be made or received. Reconnecting (attempt 1)… If this lasts more than a minute',
    ],
    [
      'refused credentials, retrying',
      [
        { type: 'ua.starting' },
        { type: 'ws.connected' },
        { type: 'reg.failed', statusCode: 401, cause: 'Authentication Error', failures: 2, retryInMs: 4000 },
      ],
      'SIP credentials refused',
      'just restarted and does not have the account yet. Retrying (attempt 3)… If this lasts, ask an administrator',
    ],
    [
      'refused credentials, given up',
      [
        { type: 'ua.starting' },
        { type: 'ws.connected' },
        { type: 'reg.failed', statusCode: 403, cause: 'Rejected', failures: 9, retryInMs: null },
      ],
      'SIP credentials refused',
      'so the phone stopped trying. Ask an administrator to check your SIP account, then sign in again.',
    ],
    [
      'registrar error, retrying',
      [
        { type: 'ua.starting' },
        { type: 'ws.connected' },
        { type: 'reg.failed', statusCode: null, cause: 'Request Timeout', failures: 1, retryInMs: 2000 },
      ],
      'Registration failed',
      '(Request Timeout). Retrying (attempt 2)…',
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
