import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from '../store';
import { useSession } from './context';
import { formatClock } from './format';
import { incomingPopups, ringingFor, takenElsewhere, type IncomingPopup, type TakenCall } from './incoming';

/** How long "<agent> took the call" stays after a popup closed because another agent answered. */
const TAKEN_NOTICE_MS = 5000;

/** Incoming-call popups; one closes as soon as another agent answers that call (`call.answered`), saying who did. */
export function IncomingPopups({ extension }: { extension: string }) {
  const session = useSession();
  const calls = useStore(session.live, (s) => s.calls);
  const phoneCall = useStore(session.phoneState, (s) => s.call);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => new Set());
  const shown = useRef(new Map<string, string>());
  const [taken, setTaken] = useState<TakenCall[]>([]);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  const popups = useMemo(
    () => incomingPopups(ringingFor(calls, extension), phoneCall, dismissed),
    [calls, extension, phoneCall, dismissed],
  );
  useEffect(() => {
    for (const popup of popups) shown.current.set(popup.key, popup.name || popup.number || 'Unknown caller');
    const now = takenElsewhere(calls, shown.current, extension);
    for (const call of now) shown.current.delete(call.callId);
    for (const id of [...shown.current.keys()]) if (!calls[id]) shown.current.delete(id);
    if (now.length === 0) return;
    setTaken((before) => [...before, ...now]);
    timers.current.add(
      setTimeout(() => setTaken((before) => before.filter((t) => !now.includes(t))), TAKEN_NOTICE_MS),
    );
  }, [popups, calls, extension]);
  useEffect(() => () => timers.current.forEach(clearTimeout), []);
  if (popups.length === 0 && taken.length === 0) return null;
  const dismiss = (key: string) => setDismissed(new Set([...dismissed, key]));
  return (
    <div className="incoming-stack">
      {taken.map((call) => (
        <p key={call.callId} className="incoming taken" role="status">
          {call.takenBy} took the call from {call.caller}.
        </p>
      ))}
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
      {popup.unknown && <p className="contact-card unknown">Unknown caller: not in your contacts.</p>}
      {contact && (
        <dl className="contact-card" aria-label="Contact">
          {contact.company && (
            <>
              <dt>Company</dt>
              <dd>{contact.company}</dd>
            </>
          )}
          {contact.assignedAgents && contact.assignedAgents.length > 0 && (
            <>
              <dt>Assigned to</dt>
              <dd>{contact.assignedAgents.map((a) => a.displayName || a.extension).join(', ')}</dd>
            </>
          )}
          {contact.latestNotes && contact.latestNotes.length > 0 && (
            <>
              <dt>Notes</dt>
              <dd>
                <ul className="contact-notes">
                  {contact.latestNotes.slice(0, 3).map((note) => (
                    <li key={`${note.createdAt}-${note.body}`}>
                      {note.body}
                      <span className="note-meta">
                        {' '}
                        · {note.author ?? 'someone'}, {formatClock(note.createdAt)}
                      </span>
                    </li>
                  ))}
                </ul>
              </dd>
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
