import { legAppArgs, newLeg, TRANSFER_HANDLING } from './call-state.js';
import { startRing } from './call-ring.js';
import {
  callOf,
  clearTimer,
  effect,
  emit,
  endCall,
  hangupLeg,
  originateLeg,
  startTimer,
  type Step,
  writeLog,
} from './call-step.js';
import type {
  CallMode,
  CallState,
  ClickToCallInput,
  Leg,
  Person,
  PhoneCallInput,
  RingBackInput,
  TransferCallInput,
} from './call.types.js';
import { isTrunkEndpoint } from '../trunks/trunk-names.js';

function initialCall(
  input: Pick<
    PhoneCallInput | ClickToCallInput,
    'callId' | 'caller' | 'dialled' | 'destination' | 'dialTimeoutSeconds'
  >,
  mode: CallMode,
  legs: Leg[],
  aLegId: string | null,
  now: Date,
): CallState {
  return {
    id: input.callId,
    mode,
    caller: input.caller,
    dialled: input.dialled,
    destination: input.destination,
    stage: 'setup',
    legs,
    aLegId,
    answeredLegId: null,
    answeredBy: null,
    bridgeId: null,
    ringingAnnounced: false,
    answerAnnounced: false,
    ringbackId: null,
    startedAt: now.toISOString(),
    answeredAt: null,
    endedAt: null,
    disposition: null,
    timerAt: null,
    dialTimeoutSeconds: input.dialTimeoutSeconds,
    legSeq: 0,
  };
}

/**
 * `shown` is what the rung phone displays. An origin leg also carries the clicking user as its own caller ID
 * (`ownCallerId`), so that the destination, dialled with this leg as `caller`, sees the clicking user.
 */
function createLegs(step: Step, legs: Leg[], shown: Person, ownCallerId?: Person): void {
  const call = callOf(step);
  const own: Record<string, string> = ownCallerId
    ? { 'CALLERID(name)': ownCallerId.name, 'CALLERID(num)': ownCallerId.number }
    : {};
  for (const leg of legs) {
    effect(step, {
      kind: 'create-channel',
      request: {
        channelId: leg.id,
        endpoint: leg.endpoint,
        appArgs: legAppArgs(call.id),
        callerId: { name: shown.name, number: shown.number },
        variables: { [TRANSFER_HANDLING.name]: TRANSFER_HANDLING.value, ...own },
      },
    });
  }
}

/**
 * A phone dialled an extension. The caller is not answered: it gets 180 once a callee leg rings, and is answered
 * only when the callee answers.
 */
export function startPhoneCall(step: Step, input: PhoneCallInput): void {
  const callerLeg = newLeg(input.channel.id, 'caller', input.channel.name, 'entered');
  emit(step, {
    kind: 'call-started',
    call: {
      ...initialCall(input, 'phone', [callerLeg], callerLeg.id, step.now),
      ...(input.routing ? { routing: input.routing } : {}),
    },
  });
  writeLog(step);
  // The callee's INVITE first: the caller's transfer handling matters only once it can transfer (answered).
  ringDestination(step);
  effect(step, { kind: 'set-variable', channelId: callerLeg.id, ...TRANSFER_HANDLING });
}

/** Click to call: ring the clicking user's own devices first; the one that answers becomes the A side. */
export function startClickToCall(step: Step, input: ClickToCallInput): void {
  const legs = input.originTargets.map((target, i) =>
    newLeg(`${input.callId}-${i + 1}`, 'origin', target.endpoint),
  );
  const call = { ...initialCall(input, 'click', legs, null, step.now), legSeq: legs.length };
  emit(step, { kind: 'call-started', call });
  writeLog(step);
  // The clicking user's phone shows whom it is about to call.
  const shown =
    input.destination.kind !== 'unknown'
      ? input.destination.user
      : { number: input.dialled, name: '', userId: null };
  createLegs(step, legs, { ...shown, name: shown.name || input.dialled }, input.caller);
  startTimer(step);
}

/**
 * A refused transfer's survivor rings the transferer back: a new call whose caller is the survivor, answered and in
 * its old bridge already (the callee joins that bridge), hearing ringback meanwhile.
 */
export function startRingBack(step: Step, input: RingBackInput): void {
  startSurvivorCall(step, { ...input, dialled: input.to.number }, {});
}

/**
 * A blind transfer's new call (call-transfer.ts): the transferee, answered and in its old bridge, rings the
 * destination as a ring-back does, and the destination's phones show the transferee (as Asterisk's blind transfer).
 */
export function startTransferCall(step: Step, input: TransferCallInput): void {
  startSurvivorCall(step, input, {
    transfer: input.transfer,
    ...(isTrunkEndpoint(input.survivor.endpoint) ? { fromOutside: true } : {}),
  });
}

function startSurvivorCall(
  step: Step,
  input: Omit<RingBackInput, 'kind' | 'to'> & { dialled: string },
  extra: Partial<CallState>,
): void {
  const survivor: Leg = {
    ...newLeg(input.survivor.channelId, 'caller', input.survivor.endpoint, 'up'),
    inBridge: input.bridgeId !== null,
  };
  const call: CallState = {
    ...initialCall({ ...input, caller: input.survivor.person }, 'phone', [survivor], survivor.id, step.now),
    bridgeId: input.bridgeId,
    ...extra,
  };
  emit(step, { kind: 'call-started', call });
  writeLog(step);
  if (input.destination.kind !== 'unknown') {
    const playbackId = `${input.callId}-ringback`;
    emit(step, { kind: 'ringback-started', playbackId });
    effect(step, { kind: 'play', playbackId, channelId: survivor.id, media: ['tone:ring'] });
  }
  ringDestination(step);
}

/**
 * One originated leg per target of the dialled user, all ringing at once (each INVITE leaves with its one request),
 * showing the caller; and the dial timeout. Asterisk's own ring timeout only backs ours up (a controller restart).
 */
export function ringDestination(step: Step): void {
  const call = callOf(step);
  if (call.destination.kind === 'unknown') return endCall(step, 'unknown-number', 'unallocated');
  // A destination that is a prompt from the start (a routed call nobody can take): the call ends unavailable.
  if (call.destination.kind !== 'user' || call.destination.plan)
    return startRing(step, call.destination, 'unavailable');
  const legs = call.destination.targets.map((target, i) => ({
    ...newLeg(`${call.id}-${call.legSeq + i + 1}`, 'callee', target.endpoint),
    originated: true,
  }));
  emit(step, { kind: 'legs-added', legs, legSeq: call.legSeq + legs.length });
  const shown = call.destination.outside?.callerId ?? call.caller;
  for (const leg of legs) originateLeg(step, leg, shown, call.dialTimeoutSeconds);
  if (legs.length > 0) startTimer(step);
}

/** One of the clicking user's devices answered: stop the others, play ringback to it and ring the destination. */
export function originAnswered(step: Step, leg: Leg): void {
  emit(step, { kind: 'origin-answered', legId: leg.id });
  clearTimer(step);
  for (const other of callOf(step).legs)
    if (other.role === 'origin' && other.id !== leg.id) hangupLeg(step, other, 'answered-elsewhere');
  if (callOf(step).destination.kind !== 'unknown') {
    const playbackId = `${callOf(step).id}-ringback`;
    emit(step, { kind: 'ringback-started', playbackId });
    effect(step, { kind: 'play', playbackId, channelId: leg.id, media: ['tone:ring'] });
  }
  ringDestination(step);
}
