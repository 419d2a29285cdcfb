import { useStore } from '../store';
import { useSession } from './context';
import { Dialpad } from './dialpad';
import { describeEnd, formatDuration } from './format';

/** What a number input accepts: digits, `*`, `#` and a leading `+`. */
export const cleanNumber = (value: string) => value.replace(/[^0-9*#+]/g, '').replace(/(?!^)\+/g, '');

export function Dialer({ number, setNumber }: { number: string; setNumber: (value: string) => void }) {
  const session = useSession();
  const call = useStore(session.phoneState, (s) => s.call);
  const registered = useStore(session.phoneState, (s) => s.registration.kind === 'registered');
  const dial = () => {
    if (!number) return;
    void session.phone.call(number);
  };
  return (
    <div className="card dialer">
      {call.kind === 'ended' && (
        <p className="call-ended" role="status">
          {describeEnd(call.reason)}
          {call.remote.number && ` · ${call.remote.name || call.remote.number}`}
          {call.answeredAt !== null && ` · ${formatDuration(call.at - call.answeredAt)}`}
        </p>
      )}
      <div className="number-row">
        <input
          className="number-input"
          data-dial-input
          aria-label="Number to dial"
          placeholder="Extension, code or number"
          inputMode="tel"
          autoComplete="off"
          value={number}
          onChange={(e) => setNumber(cleanNumber(e.target.value))}
        />
        {number && (
          <button
            type="button"
            className="ghost"
            aria-label="Delete last digit"
            onClick={() => setNumber(number.slice(0, -1))}
          >
            ⌫
          </button>
        )}
      </div>
      <Dialpad label="Dial" onKey={(key) => setNumber(cleanNumber(number + key))} />
      <button
        type="button"
        className="call-button"
        aria-label={number ? `Call ${number}` : 'Call'}
        disabled={!number || !registered}
        title={registered ? undefined : 'The phone is not registered'}
        onClick={dial}
      >
        ✆ Call
      </button>
      <p className="hint">Enter to call · Esc to hang up · M mute · H hold</p>
    </div>
  );
}
