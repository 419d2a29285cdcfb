import type { User } from '../api/types';
import { useStore } from '../store';
import { useSession } from './context';
import { describeRegistration } from './format';

export function TopBar({ user, onHelp }: { user: User; onHelp?: () => void }) {
  const session = useSession();
  const registration = useStore(session.phoneState, (s) => s.registration);
  const events = useStore(session.live, (s) => s.status);
  const reg = describeRegistration(registration);
  const live = events.kind === 'live';
  return (
    <header className="top-bar">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          ☎
        </span>
        <strong>ari-pbx</strong>
      </div>
      <div className="identity">
        <span className="name">{user.displayName}</span>
        <span className="ext">ext. {user.extension}</span>
      </div>
      <div className="statuses">
        <div
          className={`status-pill ${reg.tone}`}
          role="status"
          aria-live="polite"
          data-testid="registration"
        >
          <span className="dot" aria-hidden="true" />
          {reg.title}
        </div>
        <div
          className={`status-pill ${live ? 'ok' : 'warn'}`}
          role="status"
          title={live ? 'Live updates connected' : 'Live updates reconnecting'}
          data-testid="events-status"
        >
          <span className="dot" aria-hidden="true" />
          {live ? 'Live' : events.kind === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'}
        </div>
        {onHelp && (
          <button type="button" className="ghost" onClick={onHelp} aria-label="Keyboard shortcuts">
            ?
          </button>
        )}
        <button type="button" className="ghost" onClick={() => session.signOut()} aria-label="Sign out">
          Sign out
        </button>
      </div>
      {reg.help && (
        <p className={`registration-help ${reg.tone}`} role="alert">
          {reg.help}
          {registration.kind === 'elsewhere' && (
            <button type="button" className="ghost small" onClick={() => session.takeOverPhone()}>
              Use the phone here
            </button>
          )}
        </p>
      )}
    </header>
  );
}
