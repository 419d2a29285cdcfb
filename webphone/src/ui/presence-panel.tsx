import { useMemo } from 'react';
import type { Presence, PresenceState } from '../api/types';
import { useStore } from '../store';
import { useSession } from './context';
import { formatClock } from './format';

const labels: Record<PresenceState, string> = {
  available: 'Available',
  ringing: 'Ringing',
  'on-call': 'On a call',
  dnd: 'Do not disturb',
  offline: 'Offline',
};

/** "last seen 10:42" for someone offline (when a device of theirs last (un)registered), else "since 10:42". */
export function sinceText(person: Presence): string {
  if (person.state === 'offline')
    return person.lastSeenAt ? ` · last seen ${formatClock(person.lastSeenAt)}` : ' · never seen';
  return person.since ? ` · since ${formatClock(person.since)}` : '';
}

/** The team's presence as the controller computes it (registrations and channels), live over `/api/events`. */
export function PresencePanel({ extension }: { extension: string }) {
  const session = useSession();
  const presence = useStore(session.live, (s) => s.presence);
  const registered = useStore(session.phoneState, (s) => s.registration.kind === 'registered');
  const people = useMemo(
    () =>
      Object.values(presence).sort((a, b) =>
        a.extension.localeCompare(b.extension, undefined, { numeric: true }),
      ),
    [presence],
  );
  return (
    <section className="card panel" aria-labelledby="presence-title" data-testid="presence-panel">
      <h2 id="presence-title">Team</h2>
      {people.length === 0 ? (
        <p className="empty">No presence information yet.</p>
      ) : (
        <ul className="presence-list">
          {people.map((person) => (
            <li
              key={person.extension}
              className={`presence-row${person.stale ? ' stale' : ''}`}
              title={person.stale ? 'Last known: the PBX cannot reach Asterisk right now' : undefined}
            >
              <span className={`presence-dot ${person.state}`} aria-hidden="true" />
              <span className="presence-name">
                {person.displayName || person.extension}
                {person.extension === extension && ' (you)'}
                {person.status && <span className="presence-status">{person.status}</span>}
              </span>
              <span className="presence-ext">{person.extension}</span>
              <span className="presence-state">
                {labels[person.state]}
                {person.stale && '?'}
                <span className="presence-since">{sinceText(person)}</span>
              </span>
              {person.extension === extension ? (
                <span className="spacer" />
              ) : (
                <button
                  type="button"
                  className="ghost small"
                  disabled={!registered}
                  aria-label={`Call ${person.displayName || person.extension}`}
                  onClick={() => void session.phone.call(person.extension)}
                >
                  ✆
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
