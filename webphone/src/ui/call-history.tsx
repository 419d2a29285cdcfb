import { useState } from 'react';
import { filterHistory, type CallNote, type HistoryKind } from '../api/call-logs';
import type { RecentCall } from '../api/types';
import { useStore } from '../store';
import { useSession } from './context';
import { formatClock, formatDuration } from './format';

const arrows = { in: '↙', out: '↗', other: '↔' } as const;
const kinds: { value: HistoryKind; label: string }[] = [
  { value: 'all', label: 'All calls' },
  { value: 'missed', label: 'Missed' },
  { value: 'in', label: 'Incoming' },
  { value: 'out', label: 'Outgoing' },
];
const periods = [
  { value: 'latest', label: 'Latest', days: 0 },
  { value: 'today', label: 'Today', days: 0 },
  { value: 'week', label: 'Last 7 days', days: 7 },
  { value: 'month', label: 'Last 30 days', days: 30 },
] as const;

/** The start of the period, as the controller's `from` filter takes it (undefined: the latest calls). */
function sinceOf(period: string, now = new Date()): string | undefined {
  if (period === 'latest') return undefined;
  if (period === 'today') return new Date(now.getFullYear(), now.getMonth(), now.getDate()).toISOString();
  const days = periods.find((p) => p.value === period)?.days ?? 0;
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}

/** The user's own calls (`GET /api/call-logs`), filtered, each with its notes on request and call back. */
export function CallHistory() {
  const session = useSession();
  const calls = useStore(session.live, (s) => s.recentCalls);
  const [kind, setKind] = useState<HistoryKind>('all');
  const [text, setText] = useState('');
  const [period, setPeriod] = useState('latest');
  const shown = filterHistory(calls, { kind, text });
  const choosePeriod = (value: string) => {
    setPeriod(value);
    void session.loadHistory(sinceOf(value)).catch(() => undefined);
  };
  return (
    <section className="card panel" aria-labelledby="history-title" data-testid="recent-calls">
      <h2 id="history-title">Call history</h2>
      <div className="history-filters" role="group" aria-label="Filter the call history">
        <select
          aria-label="Which calls"
          value={kind}
          onChange={(e) => setKind(e.target.value as HistoryKind)}
        >
          {kinds.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
        <select aria-label="Period" value={period} onChange={(e) => choosePeriod(e.target.value)}>
          {periods.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
        <input
          type="search"
          aria-label="Search the call history"
          placeholder="Name or number"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      {shown.length === 0 ? (
        <p className="empty">{calls.length === 0 ? 'No calls yet.' : 'No call matches.'}</p>
      ) : (
        <ul className="recent-list">
          {shown.map((call) => (
            <HistoryRow key={call.id} call={call} />
          ))}
        </ul>
      )}
    </section>
  );
}

function HistoryRow({ call }: { call: RecentCall }) {
  const session = useSession();
  const registered = useStore(session.phoneState, (s) => s.registration.kind === 'registered');
  const [notes, setNotes] = useState<CallNote[] | 'loading' | 'failed' | null>(null);
  const who = call.name || call.number;
  const toggleNotes = () => {
    if (notes !== null && notes !== 'failed') return setNotes(null);
    setNotes('loading');
    session.callNotes(call.id).then(setNotes, () => setNotes('failed'));
  };
  return (
    <li className={`recent-row ${call.answered ? '' : 'missed'}`}>
      <span className="recent-dir" aria-label={call.direction === 'out' ? 'Outgoing' : 'Incoming'}>
        {arrows[call.direction]}
      </span>
      <span className="recent-who">{who}</span>
      <span className="recent-meta">
        {formatClock(call.startedAt)}
        {call.durationSeconds !== null ? ` · ${formatDuration(call.durationSeconds * 1000)}` : ' · missed'}
      </span>
      <button
        type="button"
        className="ghost small"
        aria-expanded={notes !== null}
        aria-label={`Notes of the call with ${who}`}
        onClick={toggleNotes}
      >
        ✎
      </button>
      <button
        type="button"
        className="ghost small"
        disabled={!registered || !call.number}
        aria-label={`Call back ${who}`}
        onClick={() => void session.phone.call(call.number)}
      >
        ✆
      </button>
      {notes !== null && (
        <div className="history-notes" role="region" aria-label={`Notes of the call with ${who}`}>
          {notes === 'loading' && <p className="empty">Loading…</p>}
          {notes === 'failed' && <p className="empty">The notes cannot be loaded right now.</p>}
          {Array.isArray(notes) && notes.length === 0 && <p className="empty">No notes.</p>}
          {Array.isArray(notes) &&
            notes.map((note) => (
              <p key={note.id} className="history-note">
                {note.body}
                <span className="note-meta">
                  {' '}
                  · {note.authorName ?? 'someone'}, {formatClock(note.createdAt)}
                </span>
              </p>
            ))}
        </div>
      )}
    </li>
  );
}
