import { onFact, onOrphanFact } from './park-facts.js';
import { onEffectFailed, onReconcile } from './park-recovery.js';
import { ringFailed, startRing, timeOut } from './park-ring.js';
import { adoptPark, onReplace, startPark } from './park-start.js';
import { effect, emit, finishAnnouncer, parkOf, stopRinging, type Step } from './park-step.js';
import type { ParkDecision, ParkInput, ParkState } from './parking.types.js';

/**
 * Parking as a pure function: one park (one occupied slot), one input, what happened and what to do. The shell
 * (parking.runner.ts) allocates the slot before the first input, saves, publishes and carries the effects out.
 */
export function decide(input: ParkInput, state: ParkState | undefined, now: Date): ParkDecision {
  const step: Step = { state, events: [], effects: [], now };
  react(step, input);
  return { events: step.events, effects: step.effects };
}

const active = (park: ParkState | undefined): park is ParkState => !!park && park.stage !== 'done';

function react(step: Step, input: ParkInput): void {
  const park = step.state;
  switch (input.kind) {
    case 'park':
      return park ? undefined : startPark(step, input.park);
    case 'adopt':
      return park ? undefined : adoptPark(step, input.park, input.bridgeId);
    case 'fact':
      return active(park) ? onFact(step, input.fact) : onOrphanFact(step, input.fact);
    case 'tick':
      return active(park) ? onTick(step, input) : undefined;
    case 'retrieve-by-dial':
      return onRetrieveByDial(step, input);
    case 'retrieve-to':
      return active(park) && park.stage === 'parked' && park.inBridge && !park.ring
        ? void startRing(step, 'retrieve', input.to, input.targets)
        : undefined;
    case 'replace':
      return active(park) ? onReplace(step, input) : undefined;
    case 'effect-failed':
      return active(park) ? onEffectFailed(step, input.effect, input.reason) : undefined;
    case 'reconcile':
      return active(park) ? onReconcile(step, new Set(input.channelIds), input.bridges) : undefined;
    default: {
      const never: never = input;
      throw new Error(`unknown park input ${JSON.stringify(never)}`);
    }
  }
}

function onTick(step: Step, input: Extract<ParkInput, { kind: 'tick' }>): void {
  const deadline = parkOf(step).announcer?.deadline;
  // The announcement's PlaybackFinished never came: it is over anyway (the transferer is released).
  if (deadline && step.now.getTime() >= Date.parse(deadline)) finishAnnouncer(step);
  const park = parkOf(step);
  if (park.ring && step.now.getTime() >= Date.parse(park.ring.deadline)) return ringFailed(step);
  const waiting = park.stage === 'parking' || park.stage === 'parked';
  if (waiting && !park.timedOut && step.now.getTime() >= Date.parse(park.timeoutAt)) {
    timeOut(step, input.parkerTargets, input.fallback);
  }
}

/** Someone dialled the slot: the parked call is theirs (a recall or API ring still under way stops). */
function onRetrieveByDial(step: Step, input: Extract<ParkInput, { kind: 'retrieve-by-dial' }>): void {
  const park = step.state;
  if (!active(park) || park.stage !== 'parked' || !park.inBridge) {
    return effect(step, {
      kind: 'prompt-and-hangup',
      channelId: input.channelId,
      media: ['sound:pbx-invalidpark'],
    });
  }
  stopRinging(step);
  emit(step, { kind: 'handing-over', handover: { to: input.by, channelId: input.channelId, via: 'dial' } });
  effect(step, {
    kind: 'hand-over',
    slot: park.slot,
    parked: { channelId: park.channelId, person: park.caller },
    to: { channelId: input.channelId, endpoint: input.endpoint, person: input.by, up: false },
  });
}
