import { bridgeIdOf, bridgeNameOf, findLeg, newLeg, TRANSFER_HANDLING } from './call-state.js';
import { callOf, effect, emit, type Step, writeLog } from './call-step.js';
import type { AdoptInput, CallState } from './call.types.js';
import { isTrunkEndpoint } from '../trunks/trunk-names.js';

/**
 * Legs passing between the calls feature and parking: `#72` asks parking to take a talking call's legs, a released
 * leg leaves the call without a hang-up, and two existing channels (a parked call and whoever picked it up) are
 * adopted as a new talking call.
 */

/** In-call feature codes: `#72` parks the other party, `*1` starts or stops recording the call. */
export const PARK_CODE = '#72';
export const RECORD_CODE = '*1';
/** Digits further apart than this start a new code. */
const DTMF_GAP_MS = 3000;

/**
 * A DTMF digit from a leg of a talking call: `#72` asks for the other party to be parked, `*1` for the recording to
 * be toggled (by this leg's party; the recording feature decides whether they may).
 */
export function onDtmf(step: Step, channelId: string, digit: string): void {
  const call = callOf(step);
  const leg = findLeg(call, channelId);
  if (!leg || leg.status === 'gone' || call.stage !== 'talking') return;
  // An outside caller's digits are never a feature code (the trunk fence).
  if (isTrunkEndpoint(leg.endpoint)) return;
  const sinceLast = leg.dtmfAt ? step.now.getTime() - Date.parse(leg.dtmfAt) : Infinity;
  const recent = sinceLast <= DTMF_GAP_MS ? (leg.dtmf ?? '') : '';
  const digits = `${recent}${digit}`.slice(-PARK_CODE.length);
  const code = digits === PARK_CODE ? 'park' : digits.endsWith(RECORD_CODE) ? 'record' : undefined;
  emit(step, { kind: 'dtmf', legId: leg.id, digits: code ? '' : digits, digit, at: step.now.toISOString() });
  if (!code || !call.answerAnnounced) return;
  if (code === 'record') return effect(step, { kind: 'record-code', callId: call.id, channelId: leg.id });
  const peer = [call.aLegId, call.answeredLegId].find((id) => id && id !== leg.id);
  const peerLeg = peer ? findLeg(call, peer) : undefined;
  if (!peerLeg || peerLeg.status === 'gone') return;
  effect(step, { kind: 'park-code', callId: call.id, parkerChannelId: leg.id, parkeeChannelId: peerLeg.id });
}

/** Another feature takes these legs: they are no longer the call's (no hang-up); the call's bridge goes with them. */
export function onRelease(step: Step, channelIds: string[]): void {
  const call = callOf(step);
  const legIds = channelIds.filter((id) => {
    const leg = findLeg(call, id);
    return leg && leg.status !== 'gone';
  });
  if (legIds.length > 0) emit(step, { kind: 'legs-released', legIds });
}

/** Two channels that exist already become a talking call: answered where needed, bridged, logged. */
export function startAdopted(step: Step, input: AdoptInput): void {
  const callerLeg = { ...newLeg(input.caller.channelId, 'caller', input.caller.endpoint, 'up') };
  const answererLeg = { ...newLeg(input.answerer.channelId, 'callee', input.answerer.endpoint, 'up') };
  const bridgeId = bridgeIdOf(input.callId);
  const at = step.now.toISOString();
  const call: CallState = {
    id: input.callId,
    mode: 'phone',
    caller: input.caller.person,
    dialled: input.dialled,
    destination: { kind: 'user', user: input.answerer.person, targets: [] },
    stage: 'talking',
    legs: [callerLeg, answererLeg],
    aLegId: callerLeg.id,
    answeredLegId: answererLeg.id,
    answeredBy: input.answerer.person,
    bridgeId,
    ringingAnnounced: true,
    answerAnnounced: false,
    ringbackId: null,
    startedAt: at,
    answeredAt: at,
    endedAt: null,
    disposition: null,
    timerAt: null,
    dialTimeoutSeconds: 0,
    legSeq: 0,
  };
  emit(step, { kind: 'call-started', call });
  for (const party of [input.caller, input.answerer]) {
    if (!party.up) effect(step, { kind: 'answer', channelId: party.channelId });
    effect(step, { kind: 'set-variable', channelId: party.channelId, ...TRANSFER_HANDLING });
  }
  effect(
    step,
    { kind: 'create-bridge', bridgeId, name: bridgeNameOf(input.callId) },
    { kind: 'add-to-bridge', bridgeId, channelIds: [callerLeg.id, answererLeg.id] },
  );
  writeLog(step);
}
