/** Small channel operations behind REST: answer, ring, hold, MOH, mute, DTMF, continue. */
import type { Sim } from './sim.js';
import type { Channel, SnoopDirection } from './types.js';
import { emitChannel } from './events.js';
import { leaveStasis, requestHangup, setState } from './channels.js';
import { leaveBridge } from './bridges.js';
import { phoneSide, callOf } from './phone-side.js';
import { answerLocal } from './transfer.js';

export function answer(sim: Sim, ch: Channel): void {
  if (ch.state === 'Up') return;
  if (ch.kind === 'local') return answerLocal(sim, ch);
  setState(sim, ch, 'Up');
  phoneSide.answered(sim, ch);
}

/** 180 Ringing to the caller's phone; the channel's state does not change. */
export function ring(sim: Sim, ch: Channel, on: boolean): void {
  ch.ringing = on;
  if (on) phoneSide.ringback(sim, ch);
}

export function hold(sim: Sim, ch: Channel, on: boolean): void {
  if (ch.onHold === on) return;
  ch.onHold = on;
  emitChannel(sim, on ? 'ChannelHold' : 'ChannelUnhold', ch);
}

export function moh(sim: Sim, ch: Channel, mohClass: string | undefined): void {
  ch.moh = mohClass;
}

export function mute(ch: Channel, direction: SnoopDirection, on: boolean): void {
  const has = (d: 'in' | 'out'): boolean => ch.mute === 'both' || ch.mute === d;
  const want = (d: 'in' | 'out'): boolean => {
    const touched = direction === 'both' || direction === d;
    return touched ? on : has(d);
  };
  const i = want('in');
  const o = want('out');
  ch.mute = i && o ? 'both' : i ? 'in' : o ? 'out' : 'none';
}

/** DTMF sent to the phone, one digit per `between` ms. */
export function sendDtmf(sim: Sim, ch: Channel, digits: string, betweenMs: number): void {
  [...digits].forEach((d, i) =>
    sim.later(i * betweenMs, () => {
      if (!ch.gone) phoneSide.dtmf(sim, ch, d);
    }),
  );
}

/**
 * POST /channels/{id}/continue: StasisEnd, then the dialplan goes on; the project's dialplan falls
 * back to Dial(PJSIP/${EXTEN}), which the double models as hanging up unless it is a phone's leg.
 */
export function continueInDialplan(sim: Sim, ch: Channel): void {
  if (ch.bridgeId) leaveBridge(sim, ch, 'remove');
  leaveStasis(sim, ch);
  const call = callOf(sim, ch);
  if (!call) return requestHangup(sim, ch, { cause: 16 });
  sim.later(sim.opts.sipDelayMs, () => requestHangup(sim, ch, { cause: 16, sipStatus: 480 }));
}
