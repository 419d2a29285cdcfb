// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { CallHistory } from './call-history';
import { render } from './render.test-util';
import { testSession } from './test-session';

const settle = () => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));

describe('<CallHistory>', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('filters, asks the controller for a period, and shows a call’s notes', async () => {
    const { session, commands } = testSession();
    session.live.dispatch({
      type: 'recent-calls',
      calls: [
        {
          id: 'log-1',
          direction: 'in',
          number: '+15551230000',
          name: 'Maria Lopez',
          startedAt: '2025-01-01T10:00:00.000Z',
          answered: true,
          durationSeconds: 65,
        },
        {
          id: 'log-2',
          direction: 'in',
          number: '1004',
          name: '',
          startedAt: '2025-01-01T11:00:00.000Z',
          answered: false,
          durationSeconds: null,
        },
      ],
    });
    const view = render(session, <CallHistory />);
    cleanup = view.unmount;
    const rows = () => [...view.container.querySelectorAll('.recent-who')].map((el) => el.textContent);
    expect(rows()).toEqual(['Maria Lopez', '1004']);
    const which = view.container.querySelector<HTMLSelectElement>('select[aria-label="Which calls"]')!;
    act(() => {
      which.value = 'missed';
      which.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(rows()).toEqual(['1004']);
    act(() => {
      which.value = 'all';
      which.dispatchEvent(new Event('change', { bubbles: true }));
    });

    const period = view.container.querySelector<HTMLSelectElement>('select[aria-label="Period"]')!;
    act(() => {
      period.value = 'week';
      period.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(commands.find((c) => c.startsWith('history '))).toMatch(/^history \d{4}-\d\d-\d\dT/);

    act(() =>
      view.container
        .querySelector<HTMLButtonElement>('button[aria-label="Notes of the call with Maria Lopez"]')!
        .click(),
    );
    await settle();
    expect(commands).toContain('notes log-1');
    const notes = view.container.querySelector(
      '[role="region"][aria-label="Notes of the call with Maria Lopez"]',
    );
    expect(notes?.textContent).toContain('Wants a refund');
  });
});
