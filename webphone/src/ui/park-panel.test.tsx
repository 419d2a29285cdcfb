// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ParkPanel } from './park-panel';
import { byLabel, click, render } from './render.test-util';
import { testSession } from './test-session';

const event = (type: string, data: unknown) => ({
  type: 'message' as const,
  message: { type, at: new Date().toISOString(), data },
  receivedAt: Date.now(),
});

describe('<ParkPanel>', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('shows 99 slots, updates on call.parked, and picks up by dialling the slot', () => {
    const { session, commands } = testSession();
    session.phoneState.dispatch({ type: 'ua.starting' });
    session.phoneState.dispatch({ type: 'reg.registered' });
    const view = render(session, <ParkPanel />);
    cleanup = view.unmount;
    expect(view.container.querySelectorAll('.slot')).toHaveLength(99);
    expect(view.container.textContent).toContain('No parked calls');

    act(() =>
      session.live.dispatch(
        event('call.parked', {
          slot: '712',
          occupied: true,
          callerIdNumber: '+15551234',
          callerIdName: 'ACME Corp',
          parkerExtension: '1001',
          parkedAt: new Date(Date.now() - 65_000).toISOString(),
          timeoutAt: new Date(Date.now() + 235_000).toISOString(),
        }),
      ),
    );
    const row = view.container.querySelector('[data-testid="parked-712"]');
    expect(row?.textContent).toContain('ACME Corp');
    expect(row?.textContent).toContain('parked 1:05');
    expect(row?.textContent).toContain('by 1001');
    expect(byLabel(view.container, 'Slot 712 free')).toBeNull();

    click(byLabel(view.container, 'Pick up parked call on 712'));
    expect(commands).toEqual(['call 712']);

    act(() => session.live.dispatch(event('call.unparked', { slot: '712' })));
    expect(view.container.querySelector('[data-testid="parked-712"]')).toBeNull();
    expect(byLabel(view.container, 'Slot 712 free')).not.toBeNull();
  });

  it('cannot pick up while not registered', () => {
    const { session } = testSession();
    const view = render(session, <ParkPanel />);
    cleanup = view.unmount;
    act(() => session.live.dispatch(event('call.parked', { slot: '701', callerIdNumber: '1005' })));
    expect((byLabel(view.container, 'Pick up parked call on 701') as HTMLButtonElement).disabled).toBe(true);
  });
});
