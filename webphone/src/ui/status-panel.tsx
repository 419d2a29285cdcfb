import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/http';
import { useStore } from '../store';
import { useSession } from './context';

/** Do not disturb and forward-all for the signed-in user, kept in step with their desk phone's `*76` / `*72`. */
export function StatusPanel() {
  const session = useSession();
  const state = useStore(session.handling.store, (s) => s);
  const [target, setTarget] = useState('');
  const [problem, setProblem] = useState<{ field: 'dnd' | 'forward'; message: string } | null>(null);

  const run = (field: 'dnd' | 'forward', work: Promise<void>) =>
    work.then(
      () => setProblem(null),
      (error: unknown) =>
        setProblem({
          field,
          message: error instanceof ApiError ? error.message : 'That did not work. Try again.',
        }),
    );
  const forward = (event: FormEvent) => {
    event.preventDefault();
    const number = target.trim();
    if (number) void run('forward', session.handling.setForwardAlways(number)).then(() => setTarget(''));
  };

  if (!state.loaded)
    return (
      <section className="card panel" aria-labelledby="status-title" data-testid="status-panel">
        <h2 id="status-title">My status</h2>
        <p className="empty">Loading…</p>
      </section>
    );
  return (
    <section className="card panel" aria-labelledby="status-title" data-testid="status-panel">
      <h2 id="status-title">My status</h2>
      <label className="toggle-row">
        <input
          type="checkbox"
          checked={state.dnd}
          aria-describedby={problem?.field === 'dnd' ? 'dnd-error' : undefined}
          onChange={(e) => void run('dnd', session.handling.setDnd(e.target.checked))}
        />
        Do not disturb
      </label>
      {problem?.field === 'dnd' && (
        <p id="dnd-error" className="inline-error" role="alert">
          {problem.message}
        </p>
      )}
      {state.forwardAlways ? (
        <p className="forward-row">
          <span>Forwarding every call to {state.forwardAlways}</span>
          <button
            type="button"
            className="ghost small"
            onClick={() => void run('forward', session.handling.setForwardAlways(null))}
          >
            Stop forwarding
          </button>
        </p>
      ) : (
        <form className="forward-row" onSubmit={forward}>
          <label>
            Forward every call to
            <input
              inputMode="tel"
              value={target}
              aria-invalid={problem?.field === 'forward'}
              aria-describedby={problem?.field === 'forward' ? 'forward-error' : undefined}
              onChange={(e) => setTarget(e.target.value)}
            />
          </label>
          <button type="submit" className="ghost small" disabled={!target.trim()}>
            Forward
          </button>
        </form>
      )}
      {problem?.field === 'forward' && (
        <p id="forward-error" className="inline-error" role="alert">
          {problem.message}
        </p>
      )}
    </section>
  );
}
