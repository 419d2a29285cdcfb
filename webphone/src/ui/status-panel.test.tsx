// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render } from './render.test-util';
import { StatusPanel } from './status-panel';
import { testSession } from './test-session';

/** The controller's DND and forwarding routes, with its validation of a forward target. */
function fakeController() {
  const saved = { dnd: false, always: null as string | null };
  const requests: string[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    requests.push(`${method} ${url} ${init.body ?? ''}`.trim());
    const body = init.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : {};
    if (url.endsWith('/dnd')) {
      if (method === 'PUT') saved.dnd = body.enabled === true;
      return Response.json({ userId: 'u1', extension: '1001', enabled: saved.dnd });
    }
    if (method === 'PUT') {
      if (typeof body.always === 'string' && !/^\+?\d{3,15}$/.test(body.always))
        return Response.json(
          { error: { code: 'validation-failed', message: 'body/always: an extension or a phone number' } },
          { status: 400 },
        );
      saved.always = (body.always as string | null) ?? null;
    }
    return Response.json({
      userId: 'u1',
      extension: '1001',
      always: saved.always,
      busy: null,
      noAnswer: null,
    });
  });
  return requests;
}

const settle = () => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
const input = (el: HTMLInputElement, value: string) =>
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });

describe('<StatusPanel>', () => {
  let cleanup = () => {};
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('toggles DND, forwards (showing the controller’s validation error on the field) and stops forwarding', async () => {
    const requests = fakeController();
    const { session } = testSession();
    const view = render(session, <StatusPanel />);
    cleanup = view.unmount;
    await act(() => session.handling.refresh('u1'));
    const dnd = view.container.querySelector('input[type="checkbox"]') as HTMLInputElement;
    expect(dnd.checked).toBe(false);
    act(() => dnd.click());
    await settle();
    expect(requests).toContain('PUT /api/users/u1/dnd {"enabled":true}');
    expect(dnd.checked).toBe(true);

    const field = view.container.querySelector('input[inputmode="tel"]') as HTMLInputElement;
    await input(field, '12');
    act(() => (view.container.querySelector('button[type="submit"]') as HTMLButtonElement).click());
    await settle();
    expect(view.container.querySelector('[role="alert"]')?.textContent).toContain(
      'an extension or a phone number',
    );
    expect(field.getAttribute('aria-invalid')).toBe('true');

    await input(field, '1003');
    act(() => (view.container.querySelector('button[type="submit"]') as HTMLButtonElement).click());
    await settle();
    expect(view.container.textContent).toContain('Forwarding every call to 1003');
    expect(view.container.querySelector('[role="alert"]')).toBeNull();

    // The desk phone's *73 turns it off: the panel follows the event.
    act(() =>
      session.handling.onMessage({
        type: 'user.forwarding-changed',
        at: new Date().toISOString(),
        data: { userId: 'u1', always: null, by: 'phone' },
      }),
    );
    expect(view.container.textContent).not.toContain('Forwarding every call to');
  });
});
