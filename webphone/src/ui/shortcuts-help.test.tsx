// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from './render.test-util';
import { shortcuts } from './shortcuts';
import { ShortcutsHelp } from './shortcuts-help';
import { testSession } from './test-session';
import { useShortcuts } from './use-shortcuts';

function Harness({ onHelp }: { onHelp: () => void }) {
  useShortcuts('', () => undefined, onHelp);
  return <input aria-label="Search contacts" />;
}

const press = (key: string) =>
  act(() => {
    window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  });

describe('keyboard help', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('? opens the help, / goes to the contacts search', () => {
    const { session } = testSession();
    let opened = 0;
    const view = render(session, <Harness onHelp={() => (opened += 1)} />);
    cleanup = view.unmount;
    press('?');
    expect(opened).toBe(1);
    press('/');
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Search contacts');
  });

  it('lists every shortcut in a modal dialog with the focus on Close; Esc closes it', () => {
    const { session } = testSession();
    let closed = 0;
    const view = render(session, <ShortcutsHelp onClose={() => (closed += 1)} />);
    cleanup = view.unmount;
    const dialog = view.container.querySelector('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect([...dialog.querySelectorAll('kbd')].map((k) => k.textContent)).toEqual(
      shortcuts.map((s) => s.keys),
    );
    expect(document.activeElement?.textContent).toBe('Close');
    press('Escape');
    expect(closed).toBe(1);
  });
});
