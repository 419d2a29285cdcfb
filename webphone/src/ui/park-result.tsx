import { useState } from 'react';
import { useStore } from '../store';
import { useSession } from './context';

/** After "Park", the slot the controller announced in `call.parked` for this user's park. */
export function ParkResult({ extension }: { extension: string }) {
  const session = useSession();
  const requestedAt = useStore(session.phoneState, (s) => s.parkRequestedAt);
  const parked = useStore(session.live, (s) => s.lastParkBy[extension]);
  const [dismissed, setDismissed] = useState<number | null>(null);
  if (!requestedAt || !parked || parked.receivedAt < requestedAt || dismissed === parked.receivedAt)
    return null;
  return (
    <p className="banner ok" role="status" data-testid="park-result">
      <span>
        Parked on <strong>{parked.slot}</strong>. Dial {parked.slot} from any phone to pick it up.
      </span>
      <button
        type="button"
        className="ghost small"
        aria-label="Dismiss"
        onClick={() => setDismissed(parked.receivedAt)}
      >
        ✕
      </button>
    </p>
  );
}
