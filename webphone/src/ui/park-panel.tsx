import { useMemo } from 'react';
import type { ParkSlot } from '../api/types';
import { useStore } from '../store';
import { useSession } from './context';
import { formatDuration } from './format';
import { useNow } from './use-now';

export const SLOTS = Array.from({ length: 99 }, (_, i) => String(701 + i));

/** Park slots 701-799: occupied ones with caller and time parked; clicking one dials the slot to pick it up. */
export function ParkPanel() {
  const session = useSession();
  const slots = useStore(session.live, (s) => s.parkSlots);
  const registered = useStore(session.phoneState, (s) => s.registration.kind === 'registered');
  const occupied = useMemo(
    () =>
      Object.values(slots)
        .filter((slot) => slot.occupied)
        .sort((a, b) => a.slot.localeCompare(b.slot)),
    [slots],
  );
  const now = useNow(occupied.length > 0);
  const pickUp = (slot: string) => void session.phone.call(slot);
  return (
    <section className="card panel park-panel" aria-labelledby="park-title" data-testid="park-panel">
      <h2 id="park-title">
        Parked calls <span className="count">{occupied.length}</span>
      </h2>
      {occupied.length === 0 ? (
        <p className="empty">
          No parked calls. Park a call with the Park button or by transferring it to 700.
        </p>
      ) : (
        <ul className="parked-list">
          {occupied.map((slot) => (
            <ParkedRow key={slot.slot} slot={slot} now={now} disabled={!registered} onPickUp={pickUp} />
          ))}
        </ul>
      )}
      <div className="slot-grid" role="group" aria-label="Park slots 701 to 799">
        {SLOTS.map((number) => {
          const busy = slots[number]?.occupied ?? false;
          return (
            <button
              key={number}
              type="button"
              className={`slot ${busy ? 'occupied' : ''}`}
              disabled={!busy || !registered}
              aria-label={busy ? `Pick up parked call on ${number}` : `Slot ${number} free`}
              title={busy ? `Pick up ${number}` : `${number} free`}
              onClick={() => pickUp(number)}
            >
              {number}
            </button>
          );
        })}
      </div>
    </section>
  );
}

function ParkedRow(props: {
  slot: ParkSlot;
  now: number;
  disabled: boolean;
  onPickUp: (slot: string) => void;
}) {
  const { slot, now } = props;
  const caller = slot.callerIdName || slot.callerIdNumber || 'Unknown caller';
  const parkedFor = slot.parkedAt ? formatDuration(now - Date.parse(slot.parkedAt)) : '';
  const left = slot.timeoutAt ? Date.parse(slot.timeoutAt) - now : null;
  return (
    <li className="parked-row" data-testid={`parked-${slot.slot}`}>
      <span className="slot-number">{slot.slot}</span>
      <span className="parked-who">
        <span className="parked-caller">{caller}</span>
        <span className="parked-meta">
          {slot.callerIdName && slot.callerIdNumber ? `${slot.callerIdNumber} · ` : ''}
          {parkedFor && `parked ${parkedFor}`}
          {slot.parkerExtension && ` by ${slot.parkerExtension}`}
          {left !== null && left < 60_000 && left > 0 && (
            <strong className="timeout-soon"> · returns soon</strong>
          )}
        </span>
      </span>
      <button
        type="button"
        className="primary small"
        disabled={props.disabled}
        aria-label={`Pick up parked call on ${slot.slot} from ${caller}`}
        onClick={() => props.onPickUp(slot.slot)}
      >
        Pick up
      </button>
    </li>
  );
}
