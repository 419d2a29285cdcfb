// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Session } from '../session';
import { PagingPanel } from './paging-panel';
import { byLabel, click, render } from './render.test-util';
import { testSession } from './test-session';

const groups = [
  { id: 'g-all', number: '800', name: 'Everyone', members: [], everyone: true, priority: 'normal' },
  {
    id: 'g-floor',
    number: '801',
    name: 'Sales floor',
    members: ['1001', '1002'],
    everyone: false,
    priority: 'normal',
  },
  {
    id: 'g-fire',
    number: '802',
    name: 'Fire wardens',
    members: ['1003'],
    everyone: false,
    priority: 'emergency',
  },
];
const zones = [{ id: 'z-east', number: '850', name: 'East wing', groupIds: ['g-floor'] }];
const livePage = (over: Record<string, unknown> = {}) => ({
  id: 'abcdef012345',
  number: '801',
  name: 'Sales floor',
  priority: 'normal',
  fromExtension: '1010',
  startedAt: new Date().toISOString(),
  phase: 'starting',
  endReason: null,
  members: [
    { extension: '1001', status: 'calling' },
    { extension: '1002', status: 'skipped', reason: 'on-call' },
  ],
  ...over,
});

/** The controller's paging API as the routes answer; records the requests that change something. */
function fakeController() {
  const requests: string[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    if (method === 'GET') return Response.json({ items: url.endsWith('/zones') ? zones : groups });
    requests.push(`${method} ${url} ${init.body ?? ''}`.trim());
    if (method === 'POST') return Response.json(livePage(), { status: 201 });
    return new Response(null, { status: 204 });
  });
  return requests;
}

function deliver(session: Session, type: string, data: unknown) {
  const message = { type, at: new Date().toISOString(), data };
  act(() => session.paging.onMessage(message));
}

const settle = () => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
const dialog = () => document.querySelector('[role="alertdialog"]');
const key = (target: Element, name: string) =>
  act(() => {
    target.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true }));
  });

async function openConsole() {
  const requests = fakeController();
  const { session } = testSession();
  const view = render(session, <PagingPanel />);
  expect(view.container.textContent).toContain('Loading paging groups');
  await act(() => session.paging.refresh());
  return { requests, session, view };
}

describe('<PagingPanel>', () => {
  let cleanup = () => {};
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('lists all staff, groups and zones; a normal page is sent at once and rings my phone', async () => {
    const { requests, session, view } = await openConsole();
    cleanup = view.unmount;
    const text = view.container.textContent;
    for (const part of [
      'All staff',
      'Everyone',
      'Groups',
      'Sales floor',
      '2 members',
      'Fire wardens',
      'Zones',
      'East wing',
    ]) {
      expect(text).toContain(part);
    }
    // An emergency group has only the emergency button.
    expect(byLabel(view.container, 'Page Fire wardens')).toBeNull();
    expect(byLabel(view.container, 'Emergency page Fire wardens')).not.toBeNull();

    click(byLabel(view.container, 'Page Sales floor'));
    await settle();
    expect(requests).toEqual(['POST /api/paging/pages {"groupId":"g-floor","fromExtension":"1010"}']);
    expect(view.container.textContent).toContain('Your phone is ringing: answer it to speak to Sales floor');
    expect(view.container.textContent).toContain('waiting for the pager to answer');

    deliver(session, 'page.started', livePage({ phase: 'live' }));
    deliver(session, 'page.member-joined', {
      pageId: 'abcdef012345',
      number: '801',
      extension: '1001',
      channelId: 'x',
    });
    const members = byLabel(view.container, 'Members of page Sales floor');
    expect(members?.textContent).toContain('1001: hearing the page');
    expect(members?.textContent).toContain('1002: skipped (on-call)');
    expect(view.container.textContent).toContain('1 of 2 hearing');
    expect(view.container.textContent).not.toContain('Your phone is ringing');

    click(byLabel(view.container, 'Stop page Sales floor'));
    await settle();
    expect(requests[1]).toBe('DELETE /api/paging/pages/abcdef012345');
    deliver(session, 'page.ended', livePage({ phase: 'ended', endReason: 'stopped' }));
    expect(view.container.textContent).toContain('No page is on now');
  });

  it('an emergency asks first: Esc or Cancel sends nothing, confirming sends it as emergency', async () => {
    const { requests, view } = await openConsole();
    cleanup = view.unmount;
    const button = byLabel(view.container, 'Emergency page East wing') as HTMLButtonElement;
    button.focus();
    click(button);
    expect(dialog()?.getAttribute('aria-modal')).toBe('true');
    expect(dialog()?.textContent).toContain('Emergency page to East wing (850)');
    // Focus starts on Cancel (the safe choice); Tab stays in the dialog.
    expect(document.activeElement?.textContent).toBe('Cancel');
    key(document.activeElement!, 'Tab');
    expect(document.activeElement?.textContent).toBe('Send emergency page');
    key(document.activeElement!, 'Escape');
    expect(dialog()).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(requests).toEqual([]);

    click(byLabel(view.container, 'Emergency page Fire wardens'));
    click([...dialog()!.querySelectorAll('button')].find((b) => b.textContent === 'Cancel'));
    expect(dialog()).toBeNull();
    expect(requests).toEqual([]);

    click(byLabel(view.container, 'Emergency page Fire wardens'));
    // Nothing else can be paged while the question is open.
    expect((byLabel(view.container, 'Page Sales floor') as HTMLButtonElement).disabled).toBe(true);
    click([...dialog()!.querySelectorAll('button')].find((b) => b.textContent === 'Send emergency page'));
    await settle();
    expect(dialog()).toBeNull();
    expect(requests).toEqual([
      'POST /api/paging/pages {"groupId":"g-fire","fromExtension":"1010","priority":"emergency"}',
    ]);
  });

  it("shows the controller's refusal until dismissed", async () => {
    const { view } = await openConsole();
    cleanup = view.unmount;
    vi.stubGlobal('fetch', async () =>
      Response.json({ error: { code: 'page-busy', message: 'group 801 is being paged' } }, { status: 409 }),
    );
    click(byLabel(view.container, 'Page Sales floor'));
    await settle();
    expect(view.container.querySelector('[role="alert"]')?.textContent).toContain('group 801 is being paged');
    click([...view.container.querySelectorAll('button')].find((b) => b.textContent === 'Dismiss'));
    expect(view.container.querySelector('[role="alert"]')).toBeNull();
  });
});
