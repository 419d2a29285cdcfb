import { useMemo } from 'react';
import type { User } from '../api/types';
import { useStore } from '../store';
import {
  modes,
  ownSession,
  shownMode,
  type SupervisionMode,
  type SupervisionState,
} from '../supervision/supervision.state';
import { teamCalls, type TeamCallRow } from '../supervision/team-calls';
import { useSession } from './context';
import { formatClock, formatDuration } from './format';
import { useNow } from './use-now';

const modeLabels: Record<SupervisionMode, string> = {
  monitor: 'Monitor',
  whisper: 'Whisper',
  barge: 'Barge',
};
const modeDoing: Record<SupervisionMode, string> = {
  monitor: 'monitoring',
  whisper: 'whispering',
  barge: 'barging',
};

/**
 * Supervisors and admins: the team's live calls (who with whom, since when, supervised by whom), from `/api/events`,
 * with monitor / whisper / barge toggles (the pressed one is the current mode) and stop.
 */
export function TeamCallsPanel({ user }: { user: User }) {
  const session = useSession();
  const calls = useStore(session.live, (s) => s.calls);
  const presence = useStore(session.live, (s) => s.presence);
  const supervision = useStore(session.supervision.store, (s) => s);
  const rows = useMemo(
    () => teamCalls(calls, presence, supervision.sessions, user),
    [calls, presence, supervision.sessions, user],
  );
  const now = useNow(rows.length > 0);
  return (
    <section
      className="card panel team-calls"
      aria-labelledby="team-calls-title"
      data-testid="team-calls-panel"
    >
      <h2 id="team-calls-title">
        Team calls <span className="count">{rows.length}</span>
      </h2>
      {rows.length === 0 ? (
        <p className="empty">No live calls in your team.</p>
      ) : (
        <ul className="team-call-list">
          {rows.map((row) => (
            <TeamCall key={row.callId} row={row} state={supervision} extension={user.extension} now={now} />
          ))}
        </ul>
      )}
      <p className="hint">
        Monitor listens; whisper coaches the agent (the caller does not hear you); barge joins the call. Your
        phones ring and answer by themselves: the first to answer is the one you listen on.
      </p>
    </section>
  );
}

function TeamCall(props: { row: TeamCallRow; state: SupervisionState; extension: string; now: number }) {
  const { row, state, extension, now } = props;
  const { supervision } = useSession();
  const mine = ownSession(state, row.callId, extension);
  const shown = shownMode(state, row.callId, extension);
  const control = state.controls[row.callId];
  const error = state.errors[row.callId];
  const agent = row.agent.name;
  const since = Date.parse(row.since);
  return (
    <li
      className="team-call"
      aria-label={`${agent} with ${row.other.name}`}
      data-testid={`team-call-${row.callId}`}
    >
      <div className="team-call-who">
        <strong>{agent}</strong> <span className="presence-ext">{row.agent.number}</span> with{' '}
        <strong>{row.other.name}</strong>
        {row.other.number && row.other.number !== row.other.name && (
          <span className="presence-ext"> {row.other.number}</span>
        )}
      </div>
      <div className="team-call-meta">
        {row.talking ? 'Talking' : 'Ringing'} since {formatClock(row.since)}
        {Number.isFinite(since) && ` · ${formatDuration(now - since)}`}
      </div>
      <div className="team-call-supervisors">
        {row.supervisors.length === 0
          ? 'Not supervised'
          : `Supervised by ${row.supervisors
              .map((s) => `${s.supervisorExtension === extension ? 'you' : s.supervisorName} (${s.mode})`)
              .join(', ')}`}
      </div>
      <div className="supervise-buttons" role="group" aria-label={`Supervise ${agent}`}>
        {modes.map((mode) => (
          <button
            key={mode}
            type="button"
            className={`mode-button ${shown === mode ? 'current' : ''}`}
            aria-pressed={shown === mode}
            aria-label={`${modeLabels[mode]} ${agent}`}
            disabled={!row.talking || control?.kind === 'starting' || control?.kind === 'stopping'}
            onClick={() => void supervision.choose(row.callId, row.agent.number, mode)}
          >
            {modeLabels[mode]}
          </button>
        ))}
        <button
          type="button"
          className="ghost"
          aria-label={`Stop supervising ${agent}`}
          disabled={!mine || control?.kind === 'stopping'}
          onClick={() => void supervision.stop(row.callId)}
        >
          Stop
        </button>
      </div>
      <p className="team-call-status" role="status">
        {statusText(control, mine?.state, mine?.mode, agent)}
      </p>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

function statusText(
  control: SupervisionState['controls'][string] | undefined,
  sessionState: string | undefined,
  mode: SupervisionMode | undefined,
  agent: string,
): string {
  if (control?.kind === 'starting') return `Calling your phone to ${control.mode}…`;
  if (control?.kind === 'switching') return `Switching to ${control.mode}…`;
  if (control?.kind === 'stopping') return 'Stopping…';
  if (!sessionState || !mode) return '';
  if (sessionState === 'ringing') return 'Your phone is ringing: it answers by itself…';
  if (sessionState !== 'active') return 'Connecting…';
  if (mode === 'whisper') return `You are whispering to ${agent}`;
  if (mode === 'barge') return 'You are in the call (barge)';
  return `You are ${modeDoing[mode]} ${agent}`;
}
