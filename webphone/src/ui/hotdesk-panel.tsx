import { useMemo, useState, type FormEvent } from 'react';
import { ApiError } from '../api/http';
import { sessionsOf } from '../hotdesk/hotdesk.state';
import { useStore } from '../store';
import { useSession } from './context';
import { formatClock } from './format';

/** Where the user is logged in on a shared desk phone; logging in at one with the PIN, or out. */
export function HotdeskPanel({ userId, extension }: { userId: string; extension: string }) {
  const { hotdesk } = useSession();
  const sessions = useStore(hotdesk.store, (s) => s.sessions);
  const mine = useMemo(() => sessionsOf({ sessions }, userId), [sessions, userId]);
  const [deviceId, setDeviceId] = useState('');
  const [pin, setPin] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = (work: Promise<void>) => {
    setBusy(true);
    setProblem(null);
    work
      .then(() => setPin(''))
      .catch((error: unknown) =>
        setProblem(error instanceof ApiError ? error.message : 'The PBX server cannot be reached.'),
      )
      .finally(() => setBusy(false));
  };
  const login = (event: FormEvent) => {
    event.preventDefault();
    if (deviceId.trim() && pin) run(hotdesk.login(deviceId.trim(), extension, pin));
  };
  return (
    <section className="card panel" aria-labelledby="hotdesk-title" data-testid="hotdesk">
      <h2 id="hotdesk-title">Hot desk</h2>
      {mine.length === 0 ? (
        <p className="empty">You are not logged in at a shared desk phone.</p>
      ) : (
        <ul className="hotdesk-list">
          {mine.map((s) => (
            <li key={s.id}>
              <span>
                Logged in at <strong>{s.deviceName || s.deviceId}</strong> since {formatClock(s.startedAt)}
              </span>
              <button
                type="button"
                className="ghost small"
                disabled={busy}
                aria-label={`Log out of ${s.deviceName || s.deviceId}`}
                onClick={() => run(hotdesk.logout(s.deviceId))}
              >
                Log out
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="hotdesk-form" onSubmit={login}>
        <input
          aria-label="Desk phone"
          placeholder="Desk phone (device id)"
          value={deviceId}
          onChange={(e) => setDeviceId(e.target.value)}
        />
        <input
          aria-label="Hot desk PIN"
          placeholder="PIN"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          value={pin}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
        />
        <button type="submit" className="ghost" disabled={busy || !deviceId.trim() || pin.length < 4}>
          Log in at this desk
        </button>
      </form>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
