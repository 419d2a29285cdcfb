import { useStore } from '../store';
import { useSession } from './context';
import { formatClock, formatDuration } from './format';

const arrows = { in: '↙', out: '↗', other: '↔' } as const;

export function RecentCalls() {
  const session = useSession();
  const calls = useStore(session.live, (s) => s.recentCalls);
  const registered = useStore(session.phoneState, (s) => s.registration.kind === 'registered');
  return (
    <section className="card panel" aria-labelledby="recent-title" data-testid="recent-calls">
      <h2 id="recent-title">Recent calls</h2>
      {calls.length === 0 ? (
        <p className="empty">No calls yet.</p>
      ) : (
        <ul className="recent-list">
          {calls.map((call) => (
            <li key={call.id} className={`recent-row ${call.answered ? '' : 'missed'}`}>
              <span className="recent-dir" aria-label={call.direction === 'out' ? 'Outgoing' : 'Incoming'}>
                {arrows[call.direction]}
              </span>
              <span className="recent-who">{call.name || call.number}</span>
              <span className="recent-meta">
                {formatClock(call.startedAt)}
                {call.durationSeconds !== null
                  ? ` · ${formatDuration(call.durationSeconds * 1000)}`
                  : ' · missed'}
              </span>
              <button
                type="button"
                className="ghost small"
                disabled={!registered || !call.number}
                aria-label={`Call back ${call.name || call.number}`}
                onClick={() => void session.phone.call(call.number)}
              >
                ✆
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
