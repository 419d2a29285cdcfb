import { useState } from 'react';
import { callUpOn } from '../api/handoff';
import { ApiError } from '../api/http';
import { partyName, partyNumber } from '../api/types';
import { useStore } from '../store';
import { useSession } from './context';

/** Asks the controller to move the call; shows what went wrong, if anything. */
function useHandoff() {
  const session = useSession();
  const [state, setState] = useState<{ kind: 'idle' | 'asking' } | { kind: 'failed'; message: string }>({
    kind: 'idle',
  });
  const move = (callId: string, device: string) => {
    setState({ kind: 'asking' });
    session.handoff(callId, device).then(
      () => setState({ kind: 'idle' }),
      (error: unknown) =>
        setState({
          kind: 'failed',
          message: error instanceof ApiError ? error.message : 'The call could not be moved.',
        }),
    );
  };
  return { state, move };
}

/** In a call on the webphone: move it to the desk phone (it rings; answered there, the webphone is released). */
export function MoveToDeskButton({ extension }: { extension: string }) {
  const session = useSession();
  const call = useStore(session.live, (s) => callUpOn(s.calls, `${extension}-web`));
  const { state, move } = useHandoff();
  if (!call) return null;
  return (
    <>
      <button
        type="button"
        aria-label="Move the call to my desk phone"
        disabled={state.kind === 'asking'}
        onClick={() => move(call.id, extension)}
      >
        To desk
      </button>
      {state.kind === 'failed' && (
        <p className="call-note" role="alert">
          {state.message}
        </p>
      )}
    </>
  );
}

/** The user is talking on their desk phone: take the call over here (the webphone rings; answer it). */
export function MoveHereCard({ extension }: { extension: string }) {
  const session = useSession();
  const call = useStore(session.live, (s) => callUpOn(s.calls, extension));
  const { state, move } = useHandoff();
  if (!call) return null;
  const other = partyNumber(call.from) === extension ? call.to : call.from;
  const who = partyName(other) || partyNumber(other) || 'the other party';
  return (
    <div className="card move-here" aria-label="Call on your desk phone">
      <p>
        You are talking to <strong>{who}</strong> on your desk phone.
      </p>
      <button
        type="button"
        className="primary"
        aria-label="Move the call to this webphone"
        disabled={state.kind === 'asking'}
        onClick={() => move(call.id, `${extension}-web`)}
      >
        {state.kind === 'asking' ? 'Ringing here…' : 'Move here'}
      </button>
      {state.kind === 'failed' && <p role="alert">{state.message}</p>}
    </div>
  );
}
