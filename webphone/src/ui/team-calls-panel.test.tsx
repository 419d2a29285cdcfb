// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { User } from '../api/types';
import type { Session } from '../session';
import { byLabel, click, render } from './render.test-util';
import { SupervisorPanels } from './supervisor-panels';
import { testSession } from './test-session';

const user = (role: User['role'], extension = '1010'): User => ({
  id: `u-${extension}`,
  username: role,
  displayName: `Sue ${role}`,
  extension,
  role,
  teamId: 'A',
});

/** What session.ts does with each `/api/events` message. */
function deliver(session: Session, type: string, data: unknown) {
  const message = { type, at: new Date().toISOString(), data };
  act(() => {
    session.live.dispatch({ type: 'message', message, receivedAt: Date.now() });
    session.supervision.onMessage(message);
    session.paging.onMessage(message);
  });
}

const sessionView = (mode: string, state = 'active') => ({
  id: 'ab12',
  callId: 'c1',
  mode,
  state,
  supervisorExtension: '1010',
  supervisorUserId: 'u-1010',
  targetExtension: '1001',
  targetUserId: 'u-1001',
  targetTeamId: 'A',
  startedAt: new Date().toISOString(),
  activeAt: state === 'active' ? new Date().toISOString() : null,
});

/** The controller's supervision API: POST answers the session ringing, PATCH and DELETE as the routes do. */
function fakeController(refuse?: { status: number; code: string; message: string }) {
  const requests: string[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    requests.push(`${method} ${url} ${init.body ?? ''}`.trim());
    if (refuse) return Response.json({ error: refuse }, { status: refuse.status });
    if (url.includes('/paging/')) return Response.json({ items: [] });
    if (method === 'POST') return Response.json(sessionView('monitor', 'ringing'), { status: 201 });
    if (method === 'PATCH') return Response.json(sessionView('monitor'));
    return new Response(null, { status: 204 });
  });
  return requests;
}

const settle = () => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));

function withTeamCall(session: Session) {
  deliver(session, 'snapshot', {
    presence: [
      { extension: '1001', displayName: 'Alice Agent', state: 'on-call', userId: 'u-1001', teamId: 'A' },
      { extension: '1010', displayName: 'Sue Super', state: 'available', userId: 'u-1010', teamId: 'A' },
      { extension: '1012', displayName: 'Sam Super', state: 'on-call', userId: 'u-1012', teamId: 'A' },
    ],
    calls: [
      {
        id: 'c1',
        state: 'answered',
        from: { number: '+15550001', name: 'Maria Lopez' },
        to: { number: '1001', name: 'Alice Agent' },
        answeredBy: null,
        startedAt: new Date(Date.now() - 90_000).toISOString(),
        answeredAt: new Date(Date.now() - 75_000).toISOString(),
      },
    ],
    supervision: [{ ...sessionView('whisper'), id: 'cd34', supervisorExtension: '1012' }],
  });
}

const pressed = (view: { container: HTMLElement }) =>
  ['Monitor', 'Whisper', 'Barge'].filter(
    (mode) => byLabel(view.container, `${mode} Alice Agent`)?.getAttribute('aria-pressed') === 'true',
  );

describe('<SupervisorPanels> team calls', () => {
  let cleanup = () => {};
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('an agent gets no supervisor panel and no supervise button', () => {
    const { session } = testSession('1001');
    const view = render(session, <SupervisorPanels user={user('agent', '1001')} />);
    cleanup = view.unmount;
    withTeamCall(session);
    expect(view.container.innerHTML).toBe('');
  });

  it('lists the call (who, with whom, since when, supervised by whom), starts, switches and stops', async () => {
    const requests = fakeController();
    const { session } = testSession();
    const view = render(session, <SupervisorPanels user={user('supervisor')} />);
    cleanup = view.unmount;
    expect(view.container.textContent).toContain('No live calls in your team');
    withTeamCall(session);
    const row = view.container.querySelector('[aria-label="Alice Agent with Maria Lopez"]');
    expect(row?.textContent).toContain('Talking since');
    expect(row?.textContent).toContain('1:15');
    expect(row?.textContent).toContain('Supervised by Sam Super (whisper)');
    expect(pressed(view)).toEqual([]);
    expect((byLabel(view.container, 'Stop supervising Alice Agent') as HTMLButtonElement).disabled).toBe(
      true,
    );

    click(byLabel(view.container, 'Monitor Alice Agent'));
    expect(pressed(view)).toEqual(['Monitor']);
    expect(view.container.querySelector('[role="status"]')?.textContent).toBe(
      'Calling your phone to monitor…',
    );
    await settle();
    expect(requests).toEqual([
      'POST /api/supervision {"callId":"c1","targetExtension":"1001","supervisorExtension":"1010","mode":"monitor"}',
    ]);
    expect(row?.textContent).toContain('Your phone is ringing');
    deliver(session, 'supervision.started', sessionView('monitor'));
    expect(row?.textContent).toContain('You are monitoring Alice Agent');
    expect(row?.textContent).toContain('Supervised by Sam Super (whisper), you (monitor)');

    click(byLabel(view.container, 'Barge Alice Agent'));
    await settle();
    expect(requests[1]).toBe('PATCH /api/supervision/ab12 {"mode":"barge"}');
    // The switch is under way until supervision.changed says the supervisor is on the new path.
    expect(pressed(view)).toEqual(['Barge']);
    expect(row?.textContent).toContain('Switching to barge…');
    deliver(session, 'supervision.changed', { ...sessionView('barge'), from: 'monitor' });
    expect(pressed(view)).toEqual(['Barge']);
    expect(row?.textContent).toContain('You are in the call (barge)');
    // The current mode again sends nothing.
    click(byLabel(view.container, 'Barge Alice Agent'));
    await settle();
    expect(requests).toHaveLength(2);

    click(byLabel(view.container, 'Stop supervising Alice Agent'));
    await settle();
    expect(requests[2]).toBe('DELETE /api/supervision/ab12');
    expect(row?.textContent).toContain('Stopping…');
    deliver(session, 'supervision.ended', { ...sessionView('barge'), reason: 'requested' });
    expect(pressed(view)).toEqual([]);
    expect(row?.textContent).toContain('Supervised by Sam Super (whisper)');
  });

  it("shows the controller's refusal on the call and keeps no mode pressed", async () => {
    fakeController({
      status: 403,
      code: 'supervision-forbidden',
      message: 'a supervisor supervises agents of their own team only',
    });
    const { session } = testSession();
    const view = render(session, <SupervisorPanels user={user('supervisor')} />);
    cleanup = view.unmount;
    withTeamCall(session);
    click(byLabel(view.container, 'Whisper Alice Agent'));
    await settle();
    expect(view.container.querySelector('[role="alert"]')?.textContent).toBe(
      'a supervisor supervises agents of their own team only',
    );
    expect(pressed(view)).toEqual([]);
  });

  it('a ringing call cannot be supervised yet', () => {
    const { session } = testSession();
    const view = render(session, <SupervisorPanels user={user('admin', '1020')} />);
    cleanup = view.unmount;
    withTeamCall(session);
    deliver(session, 'call.ringing', {
      id: 'c2',
      state: 'ringing',
      from: { number: '1012', name: 'Sam Super' },
      to: { number: '1001', name: 'Alice Agent' },
      answeredBy: null,
      startedAt: new Date().toISOString(),
      answeredAt: null,
    });
    const ringing = view.container.querySelector('[data-testid="team-call-c2"]');
    expect(ringing?.textContent).toContain('Ringing since');
    expect((ringing?.querySelector('[aria-label="Monitor Alice Agent"]') as HTMLButtonElement).disabled).toBe(
      true,
    );
  });
});
