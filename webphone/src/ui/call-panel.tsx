import { useState, type FormEvent } from 'react';
import { otherPartyOf } from '../api/call-parties';
import { callUpOn } from '../api/handoff';
import { isLive } from '../phone/call.state';
import type { Call } from '../phone/phone.types';
import { isParkTarget, PARK_NUMBER } from '../phone/sip-phone';
import { useStore } from '../store';
import { useSession } from './context';
import { CallNotesField } from './call-notes';
import { Dialpad } from './dialpad';
import { cleanNumber } from './dialer';
import { formatDuration } from './format';
import { MoveToDeskButton } from './handoff';
import { useNow } from './use-now';

type ActiveCall = Extract<Call, { kind: 'outgoing' | 'ringing' | 'established' | 'held' }>;

/** The call in progress: who, how long, and every in-call action. */
export function CallPanel({ extension }: { extension: string }) {
  const session = useSession();
  const call = useStore(session.phoneState, (s) => s.call);
  const consult = useStore(session.phoneState, (s) => s.consult);
  const [keypad, setKeypad] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [consulting, setConsulting] = useState(false);
  const [choosingSlot, setChoosingSlot] = useState(false);
  const consultLive = isLive(consult);
  if (
    call.kind !== 'outgoing' &&
    call.kind !== 'ringing' &&
    call.kind !== 'established' &&
    call.kind !== 'held'
  ) {
    return consultLive ? <ConsultCard held={null} /> : null;
  }
  const { phone } = session;
  const talking = call.kind === 'established' || call.kind === 'held';
  const busyTransfer = talking && call.transferTo !== null;
  return (
    <div className={`card call-panel ${call.kind}`} aria-label="Current call" data-testid="call-panel">
      <CallHeader call={call} extension={extension} />
      {talking && (
        <div className="call-actions" role="group" aria-label="Call controls">
          <button
            type="button"
            aria-pressed={call.muted}
            aria-label={call.muted ? 'Unmute' : 'Mute'}
            onClick={() => phone.toggleMute()}
          >
            {call.muted ? 'Unmute' : 'Mute'}
          </button>
          <button
            type="button"
            aria-pressed={call.kind === 'held'}
            aria-label={call.kind === 'held' ? 'Resume' : 'Hold'}
            onClick={() => phone.toggleHold()}
          >
            {call.kind === 'held' ? 'Resume' : 'Hold'}
          </button>
          <button type="button" aria-pressed={keypad} aria-label="Keypad" onClick={() => setKeypad(!keypad)}>
            Keypad
          </button>
          <button
            type="button"
            aria-pressed={transferring}
            aria-label="Transfer"
            disabled={busyTransfer || consultLive}
            onClick={() => setTransferring(!transferring)}
          >
            Transfer
          </button>
          <button
            type="button"
            aria-pressed={consulting || consultLive}
            aria-label="Consult, then transfer"
            disabled={busyTransfer || consultLive}
            onClick={() => setConsulting(!consulting)}
          >
            Consult
          </button>
          <button type="button" aria-label="Park call" disabled={busyTransfer} onClick={() => phone.park()}>
            Park
          </button>
          <button
            type="button"
            aria-pressed={choosingSlot}
            aria-label="Park on a chosen slot"
            disabled={busyTransfer}
            onClick={() => setChoosingSlot(!choosingSlot)}
          >
            Park on…
          </button>
          <MoveToDeskButton extension={extension} />
        </div>
      )}
      {talking && call.transferTo && (
        <p className="call-note" role="status">
          {call.transferTo === PARK_NUMBER
            ? 'Parking…'
            : isParkTarget(call.transferTo)
              ? `Parking on ${call.transferTo}…`
              : `Transferring to ${call.transferTo}…`}
        </p>
      )}
      {talking && transferring && !busyTransfer && <TransferForm onDone={() => setTransferring(false)} />}
      {talking && consulting && !consultLive && !busyTransfer && (
        <TransferForm
          label="Consult"
          onSubmit={(target) => void phone.consult(target)}
          onDone={() => setConsulting(false)}
        />
      )}
      {consultLive && <ConsultCard held={call.remote.name || call.remote.number} />}
      {talking && choosingSlot && !busyTransfer && <ParkSlotPicker onDone={() => setChoosingSlot(false)} />}
      {call.kind === 'established' && keypad && (
        <div className="in-call-keypad">
          <output className="dtmf" aria-label="Tones sent">
            {call.dtmf || '\u00a0'}
          </output>
          <Dialpad label="Send tone" onKey={(key) => phone.sendDtmf(key)} />
        </div>
      )}
      {talking && <LiveCallNotes extension={extension} />}
      <button type="button" className="hangup-button" aria-label="End call" onClick={() => phone.hangup()}>
        ✕ End call
      </button>
    </div>
  );
}

/** Notes once the controller's call behind this SIP session is known (its id names the call log). */
function LiveCallNotes({ extension }: { extension: string }) {
  const account = `${extension}-web`;
  const live = useStore(useSession().live, (s) => callUpOn(s.calls, account));
  if (!live) return null;
  const party = otherPartyOf(live, account);
  return <CallNotesField callId={live.id} party={party ? party.name || party.number : ''} />;
}

function CallHeader({ call, extension }: { call: ActiveCall; extension: string }) {
  const talking = call.kind === 'established' || call.kind === 'held';
  const account = `${extension}-web`;
  const live = useStore(useSession().live, (s) => (talking ? callUpOn(s.calls, account) : undefined));
  const remote = (live && otherPartyOf(live, account)) ?? call.remote;
  const now = useNow(talking);
  const state =
    call.kind === 'outgoing'
      ? 'Calling…'
      : call.kind === 'ringing'
        ? 'Ringing…'
        : call.kind === 'held'
          ? `On hold · ${formatDuration(now - call.answeredAt)}`
          : formatDuration(now - call.answeredAt);
  return (
    <div className="call-header">
      <div className="avatar" aria-hidden="true">
        {(remote.name || remote.number).slice(0, 2).toUpperCase()}
      </div>
      <div>
        <div className="remote-name">{remote.name || remote.number}</div>
        {remote.name && <div className="remote-number">{remote.number}</div>}
        <div className="call-state" data-testid="call-state">
          {call.direction === 'incoming' ? '↙ ' : '↗ '}
          {state}
          {talking && call.muted && <span className="muted-flag"> · muted</span>}
        </div>
      </div>
    </div>
  );
}

/** A target typed, then a blind transfer to it (or, labelled Consult, a consultation call to it). */
function TransferForm({
  onDone,
  label = 'Transfer',
  onSubmit,
}: {
  onDone: () => void;
  label?: 'Transfer' | 'Consult';
  onSubmit?: (target: string) => void;
}) {
  const session = useSession();
  const [target, setTarget] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!target) return;
    if (onSubmit) onSubmit(target);
    else session.phone.transfer(target);
    onDone();
  };
  return (
    <form className="transfer-form" onSubmit={submit}>
      <input
        aria-label={`${label} to`}
        placeholder={`${label} to (extension or number)`}
        inputMode="tel"
        value={target}
        autoFocus
        onChange={(e) => setTarget(cleanNumber(e.target.value))}
        onKeyDown={(e) => e.key === 'Escape' && onDone()}
      />
      <button
        type="submit"
        className="primary"
        disabled={!target}
        aria-label={target ? `${label} ${label === 'Transfer' ? 'to ' : ''}${target}` : label}
      >
        {label}
      </button>
    </form>
  );
}

/** The consultation of an attended transfer: who, how it stands, complete (they talk, you leave) or cancel. */
function ConsultCard({ held }: { held: string | null }) {
  const session = useSession();
  const consult = useStore(session.phoneState, (s) => s.consult);
  const talking = consult.kind === 'established' || consult.kind === 'held';
  const now = useNow(talking);
  if (!isLive(consult)) return null;
  const who = consult.remote.name || consult.remote.number;
  const state =
    consult.kind === 'outgoing'
      ? 'Calling…'
      : consult.kind === 'ringing'
        ? 'Ringing…'
        : talking
          ? formatDuration(now - consult.answeredAt)
          : '';
  return (
    <div className="consult-card" role="group" aria-label={`Consultation with ${who}`} data-testid="consult">
      <p>
        Consulting <strong>{who}</strong> · <span data-testid="consult-state">{state}</span>
        {held && <span className="call-note"> ({held} on hold)</span>}
      </p>
      <div className="call-actions">
        <button
          type="button"
          className="primary"
          disabled={!talking || !held}
          aria-label={held ? `Complete transfer of ${held} to ${who}` : 'Complete transfer'}
          onClick={() => session.phone.completeTransfer()}
        >
          Complete transfer
        </button>
        <button
          type="button"
          aria-label={`Cancel consultation with ${who}`}
          onClick={() => session.phone.cancelConsult()}
        >
          Cancel
        </button>
      </div>
    </div>
  );
}

/** The free park slots (from the live park panel); one picked parks the call there. */
function ParkSlotPicker({ onDone }: { onDone: () => void }) {
  const session = useSession();
  const slots = useStore(session.live, (s) => s.parkSlots);
  const free = Object.values(slots)
    .filter((slot) => !slot.occupied)
    .map((slot) => slot.slot)
    .sort();
  const [slot, setSlot] = useState('');
  const chosen = slot || free[0] || '';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    session.phone.park(chosen);
    onDone();
  };
  if (free.length === 0)
    return (
      <p className="call-note" role="status">
        No free park slot is known; Park takes the next free one.
      </p>
    );
  return (
    <form className="transfer-form" onSubmit={submit}>
      <select aria-label="Park slot" value={chosen} onChange={(e) => setSlot(e.target.value)} autoFocus>
        {free.map((number) => (
          <option key={number} value={number}>
            {number}
          </option>
        ))}
      </select>
      <button type="submit" className="primary" aria-label={`Park on ${chosen}`}>
        Park here
      </button>
    </form>
  );
}
