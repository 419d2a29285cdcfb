import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { PageTarget } from '../paging/paging.state';

/**
 * The confirmation step before an emergency page: a modal alert dialog, focus on Cancel (the safe choice), Esc
 * cancels, Tab stays inside; focus goes back where it was when it closes.
 */
export function EmergencyConfirm(props: { target: PageTarget; onConfirm: () => void; onCancel: () => void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  const send = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    cancel.current?.focus();
    return () => before?.focus?.();
  }, []);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      props.onCancel();
    } else if (event.key === 'Tab') {
      event.preventDefault();
      (document.activeElement === cancel.current ? send : cancel).current?.focus();
    }
  };
  const { target } = props;
  return (
    <div className="dialog-backdrop">
      <div
        className="dialog card"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="emergency-title"
        aria-describedby="emergency-text"
        onKeyDown={onKeyDown}
      >
        <h2 id="emergency-title">Send an emergency page?</h2>
        <p id="emergency-text">
          Emergency page to <strong>{target.name}</strong> ({target.number}): it reaches phones in Do not
          disturb and takes members out of any other page.
        </p>
        <div className="dialog-actions">
          <button ref={cancel} type="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button ref={send} type="button" className="danger" onClick={props.onConfirm}>
            Send emergency page
          </button>
        </div>
      </div>
    </div>
  );
}
