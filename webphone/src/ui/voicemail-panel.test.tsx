// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VoicemailMessage } from '../api/voicemail';
import { byLabel, click, render } from './render.test-util';
import { testSession } from './test-session';
import { VoicemailPanel } from './voicemail-panel';

const me = '11111111-1111-4111-8111-111111111111';
const message = (id: string, over: Partial<VoicemailMessage> = {}): VoicemailMessage => ({
  id,
  mailboxUserId: me,
  from: '1001',
  fromName: 'Alice',
  to: '1002',
  receivedAt: new Date().toISOString(),
  durationSeconds: 7,
  heard: false,
  ...over,
});

/** Answers the panel's requests the way the controller does; records them. */
function fakeController(messages: Record<string, VoicemailMessage>) {
  const requests: string[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    requests.push(`${method} ${url}`);
    const id = /\/voicemail\/([^/?]+)/.exec(url)?.[1] ?? '';
    if (url.endsWith('/audio')) return new Response(new Blob(['RIFF']), { status: 200 });
    if (method === 'PATCH') {
      const heard = (JSON.parse(String(init.body)) as { heard: boolean }).heard;
      messages[id] = { ...messages[id]!, heard };
      return Response.json(messages[id]);
    }
    if (method === 'DELETE') return new Response(null, { status: 204 });
    return Response.json({ items: Object.values(messages), nextCursor: null });
  });
  vi.stubGlobal(
    'URL',
    Object.assign(URL, { createObjectURL: () => 'blob:test', revokeObjectURL: () => undefined }),
  );
  return requests;
}

const settle = () => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));

describe('<VoicemailPanel>', () => {
  let cleanup = () => {};
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('shows the new count, plays a message (marking it heard), and deletes it', async () => {
    const requests = fakeController({ a: message('a'), b: message('b', { heard: true, fromName: 'Bob' }) });
    const { session } = testSession();
    const view = render(session, <VoicemailPanel />);
    cleanup = view.unmount;
    expect(view.container.textContent).toContain('Loading');
    await act(() => session.voicemail.refresh(me));
    const count = () => view.container.querySelector('[data-testid="voicemail-count"]')?.textContent;
    expect(count()).toBe('1 new');

    click(byLabel(view.container, 'Play message from Alice'));
    await settle();
    expect(view.container.querySelector('audio[aria-label="Message from Alice"]')?.getAttribute('src')).toBe(
      'blob:test',
    );
    expect(requests).toContain(`PATCH /api/voicemail/a`);
    expect(count()).toBe('0 new');

    click(byLabel(view.container, 'Delete message from Alice'));
    await settle();
    expect(requests).toContain('DELETE /api/voicemail/a');
    expect(byLabel(view.container, 'Play message from Alice')).toBeNull();
    expect(view.container.querySelector('audio')).toBeNull();
    expect(byLabel(view.container, 'Play message from Bob')).not.toBeNull();
  });

  it('follows voicemail events from /api/events and says when there is nothing', async () => {
    fakeController({});
    const { session } = testSession();
    const view = render(session, <VoicemailPanel />);
    cleanup = view.unmount;
    await act(() => session.voicemail.refresh(me));
    expect(view.container.textContent).toContain('No messages.');
    act(() =>
      session.voicemail.onMessage({
        type: 'voicemail.new',
        at: new Date().toISOString(),
        data: message('c'),
      }),
    );
    expect(view.container.querySelector('[data-testid="voicemail-count"]')?.textContent).toBe('1 new');
    expect(byLabel(view.container, 'Mark message from Alice as heard')).not.toBeNull();
  });
});
