// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { CallPanel } from './call-panel';
import { render } from './render.test-util';
import { testSession } from './test-session';

const pickedUp = (fromName: string) => ({
  type: 'message' as const,
  receivedAt: Date.now(),
  message: {
    type: 'call.answered',
    at: new Date().toISOString(),
    data: {
      id: 'c1',
      state: 'answered',
      from: { number: '1003', name: fromName, userId: null },
      to: { number: '1001', name: 'Ext 1001', userId: null },
      answeredBy: null,
      startedAt: new Date().toISOString(),
      answeredAt: new Date().toISOString(),
      channels: [
        { id: 'a', role: 'caller', endpoint: 'PJSIP/1003', state: 'up' },
        { id: 'b', role: 'callee', endpoint: 'PJSIP/1001-web', state: 'up' },
      ],
    },
  },
});

describe('<CallPanel>', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('names the party the controller says, not the number dialled (a parked call picked up on 701)', () => {
    const { session } = testSession();
    session.phoneState.dispatch({ type: 'call.outgoing', id: 's1', remote: { number: '701', name: '' } });
    const view = render(session, <CallPanel extension="1001" />);
    cleanup = view.unmount;
    const name = () => view.container.querySelector('.remote-name')?.textContent;
    expect(name()).toBe('701');
    act(() => session.phoneState.dispatch({ type: 'call.confirmed', id: 's1', at: Date.now() }));
    expect(name()).toBe('701');
    act(() => session.live.dispatch(pickedUp('Ext 1003')));
    expect(name()).toBe('Ext 1003');
    expect(view.container.querySelector('.remote-number')?.textContent).toBe('1003');
  });

  it('a call the webphone placed: the called party', () => {
    const { session } = testSession();
    session.phoneState.dispatch({ type: 'call.outgoing', id: 's1', remote: { number: '1003', name: '' } });
    session.phoneState.dispatch({ type: 'call.confirmed', id: 's1', at: Date.now() });
    const view = render(session, <CallPanel extension="1003" />);
    cleanup = view.unmount;
    const other = pickedUp('Ext 1003');
    other.message.data.channels = [
      { id: 'a', role: 'caller', endpoint: 'PJSIP/1003-web', state: 'up' },
      { id: 'b', role: 'callee', endpoint: 'PJSIP/1001', state: 'up' },
    ];
    act(() => session.live.dispatch(other));
    expect(view.container.querySelector('.remote-name')?.textContent).toBe('Ext 1001');
  });

  it('parks on a chosen free slot: the slots come from the live park panel', () => {
    const { session, commands } = testSession();
    session.phoneState.dispatch({ type: 'call.outgoing', id: 's1', remote: { number: '1003', name: '' } });
    session.phoneState.dispatch({ type: 'call.confirmed', id: 's1', at: Date.now() });
    const slot = (number: string, occupied: boolean) => ({
      slot: number,
      occupied,
      callerIdNumber: null,
      callerIdName: null,
      parkerExtension: null,
      parkedAt: null,
      timeoutAt: null,
    });
    session.live.dispatch({
      type: 'message',
      receivedAt: Date.now(),
      message: {
        type: 'snapshot',
        at: new Date().toISOString(),
        data: { calls: [], parkSlots: [slot('701', true), slot('702', false), slot('703', false)] },
      },
    });
    const view = render(session, <CallPanel extension="1001" />);
    cleanup = view.unmount;
    const button = (name: string) =>
      view.container.querySelector<HTMLButtonElement>(`button[aria-label="${name}"]`)!;
    act(() => button('Park on a chosen slot').click());
    const picker = view.container.querySelector<HTMLSelectElement>('select[aria-label="Park slot"]')!;
    expect([...picker.options].map((o) => o.value)).toEqual(['702', '703']);
    act(() => {
      picker.value = '703';
      picker.dispatchEvent(new Event('change', { bubbles: true }));
    });
    act(() => button('Park on 703').click());
    expect(commands).toContain('park 703');
  });
});
