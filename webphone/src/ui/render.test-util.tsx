import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { Session } from '../session';
import { SessionContext } from './context';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** Renders into a fresh container in jsdom (react-dom/client, no testing library). */
export function render(
  session: Session,
  node: ReactNode,
): { container: HTMLElement; root: Root; unmount(): void } {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const root = createRoot(container);
  act(() => root.render(<SessionContext value={session}>{node}</SessionContext>));
  return {
    container,
    root,
    unmount() {
      act(() => root.unmount());
      container.remove();
    },
  };
}

export const click = (element: Element | null | undefined) => {
  if (!element) throw new Error('nothing to click');
  act(() => (element as HTMLElement).click());
};

export const byLabel = (container: HTMLElement, label: string) =>
  container.querySelector(`[aria-label="${label}"]`);
