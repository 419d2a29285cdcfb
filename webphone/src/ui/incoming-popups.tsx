import { useMemo, useState } from 'react';
import { useStore } from '../store';
import { useSession } from './context';
import { incomingPopups, ringingFor, type IncomingPopup } from './incoming';

/** Incoming-call popups; one closes as soon as another agent answers that call (`call.answered`). */
export function IncomingPopups({ extension }: { extension: string }) {
  const session = useSession();
  const calls = useStore(session.live, (s) => s.calls);
  const phoneCall = useStore(session.phoneState, (s) => s.call);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => new Set());
  const popups = useMemo(
    () => incomingPopups(ringingFor(calls, extension), phoneCall, dismissed),
    [calls, extension, phoneCall, dismissed],
  );
  if (popups.length === 0) return null;
  const dismiss = (key: string) => setDismissed(new Set([...dismissed, key]));
  return (
    <div className="incoming-stack">
      {popups.map((popup) => (
        <Popup key={popup.key} popup={popup} onDismiss={() => dismiss(popup.key)} />
      ))}
    </div>
  );
}

function Popup({ popup, onDismiss }: { popup: IncomingPopup; onDismiss: () => void }) {
  const { phone } = useSession();
  const who = popup.name || popup.number || 'Unknown caller';
  const contact = popup.contact;
  return (
    <div
      className="incoming"
      role="alertdialog"
      aria-label={`Incoming call from ${who}`}
      data-testid="incoming-popup"
    >
      <div className="incoming-head">
        <span className="ring-icon" aria-hidden="true">
          ☎
        </span>
        <div>
          <div className="incoming-label">Incoming call</div>
          <div className="incoming-name">{who}</div>
          {popup.name && <div className="incoming-number">{popup.number}</div>}
        </div>
      </div>
      {contact && (
        <dl className="contact-card" aria-label="Contact">
          {contact.company && (
            <>
              <dt>Company</dt>
              <dd>{contact.company}</dd>
            </>
          )}
          {contact.phone && (
            <>
              <dt>Phone</dt>
              <dd>{contact.phone}</dd>
            </>
          )}
          {contact.email && (
            <>
              <dt>Email</dt>
              <dd>{contact.email}</dd>
            </>
          )}
          {contact.notes && (
            <>
              <dt>Notes</dt>
              <dd>{contact.notes}</dd>
            </>
          )}
        </dl>
      )}
      {popup.sip ? (
        <div className="incoming-actions">
          <button
            type="button"
            className="answer-button"
            aria-label={`Answer call from ${who}`}
            onClick={() => void phone.answer()}
          >
            ✆ Answer
          </button>
          <button
            type="button"
            className="decline-button"
            aria-label={`Decline call from ${who}`}
            onClick={() => phone.hangup()}
          >
            ✕ Decline
          </button>
        </div>
      ) : (
        <div className="incoming-actions">
          <span className="incoming-note">Ringing your phones</span>
          <button type="button" className="ghost" aria-label={`Hide call from ${who}`} onClick={onDismiss}>
            Hide
          </button>
        </div>
      )}
    </div>
  );
}
