import type { PbxFact } from '../../ari/pbx.facts.js';
import { isTrunkEndpoint } from '../trunks/trunk-names.js';
import { routeOfDialled } from './dial-plan.js';
import { aLeg, answeredLeg, findLeg, newLeg } from './call-state.js';
import { callOf, effect, emit, hangupLeg, type Step } from './call-step.js';
import type {
  CallState,
  CallTransfer,
  HandedParty,
  Leg,
  Person,
  TakeOverInput,
  TransferInput,
} from './call.types.js';

/**
 * Blind and attended transfers between ordinary calls (a phone's REFER under `ari-only` transfer handling), as pure
 * decisions: what a REFER asks for (`planTransfer`), where a blind transfer may go (`blindTargetOf`), and what the
 * calls of a transfer do (`onTransfer` on the transferer's call, `onTakeOver` on an attended transfer's consultation
 * call; a blind transfer's new call starts in `call-start.ts`). See README "Transfers".
 */

type TransferFact = Extract<PbxFact, { kind: 'transfer-requested' }>;

export type TransferPlan =
  /** A duplicate (Asterisk sends each ChannelTransfer twice) or a transfer already under way: nothing to do. */
  | { kind: 'ignore' }
  | { kind: 'refuse'; why: string }
  | { kind: 'blind'; callId: string; transferer: HandedParty; transferee: HandedParty; dialled: string }
  | {
      kind: 'attended';
      callId: string;
      transferer: HandedParty;
      transferee: HandedParty;
      /** The consultation call and the transferer's leg in it, which the transferee replaces. */
      consultationId: string;
      replaces: string;
      /** Who the transferee ends up with: the consultation call's other party (the dialled number while it rings). */
      to: string;
    };

/** The two sides of a talking call as parties (`a`: the caller side). */
function sidesOf(call: CallState): { a: Leg; b: Leg; aPerson: Person; bPerson: Person } | undefined {
  const a = aLeg(call);
  const b = answeredLeg(call);
  if (call.stage !== 'talking' || !a || !b) return undefined;
  const bPerson = call.answeredBy ?? { number: call.dialled, name: '', userId: null };
  return { a, b, aPerson: call.caller, bPerson };
}

const party = (leg: Leg, person: Person): HandedParty => ({
  channelId: leg.id,
  endpoint: leg.endpoint,
  person,
});
const gone = (leg: Leg) => leg.status === 'gone' || leg.hangingUp;

/**
 * What a phone's REFER asks of the call its transferer's channel is a leg of (`call`), and for an attended transfer
 * of the call its consultation leg is in (`consultation`). Parking's numbers and parked consultation legs never come
 * here (parking takes them first).
 */
export function planTransfer(
  fact: TransferFact,
  call: CallState | undefined,
  consultation: CallState | undefined,
): TransferPlan {
  if (!call) return { kind: 'refuse', why: 'the transferer is in no call' };
  if (call.transfer?.direction === 'out') return { kind: 'ignore' };
  const leg = findLeg(call, fact.transfererChannelId);
  if (!leg || gone(leg)) return { kind: 'ignore' };
  const sides = sidesOf(call);
  if (!sides || gone(sides.a) || gone(sides.b) || !call.answerAnnounced)
    return { kind: 'refuse', why: 'the call is not a talking call' };
  if (leg.id !== sides.a.id && leg.id !== sides.b.id)
    return { kind: 'refuse', why: 'not a party of the call' };
  // An outside caller transfers nobody anywhere: the trunk fence.
  if (isTrunkEndpoint(leg.endpoint)) return { kind: 'refuse', why: 'an outside caller may not transfer' };
  const [me, other] = leg.id === sides.a.id ? [sides.a, sides.b] : [sides.b, sides.a];
  const [mine, theirs] =
    leg.id === sides.a.id ? [sides.aPerson, sides.bPerson] : [sides.bPerson, sides.aPerson];
  const transferer = party(me, mine);
  const transferee = party(other, theirs);
  if (!fact.replaces) {
    if (!fact.destination) return { kind: 'refuse', why: 'a blind transfer with no destination' };
    return { kind: 'blind', callId: call.id, transferer, transferee, dialled: fact.destination };
  }
  return planAttended(call.id, transferer, transferee, fact.replaces.channelId, consultation);
}

function planAttended(
  callId: string,
  transferer: HandedParty,
  transferee: HandedParty,
  replaces: string,
  consultation: CallState | undefined,
): TransferPlan {
  if (!consultation || consultation.id === callId)
    return { kind: 'refuse', why: 'the consultation leg is in no other call' };
  const leg = findLeg(consultation, replaces);
  if (!leg || gone(leg)) return { kind: 'refuse', why: 'the consultation leg is gone' };
  const base = {
    kind: 'attended' as const,
    callId,
    transferer,
    transferee,
    consultationId: consultation.id,
    replaces,
  };
  // Transfer while the consultation call rings: the transferee takes the caller's place and hears the ringing.
  if (consultation.stage === 'setup' && consultation.aLegId === leg.id && consultation.mode === 'phone')
    return { ...base, to: consultation.dialled };
  const sides = sidesOf(consultation);
  if (!sides || gone(sides.a) || gone(sides.b))
    return { kind: 'refuse', why: 'the consultation call is not up' };
  if (leg.id === sides.a.id) return { ...base, to: sides.bPerson.number };
  if (leg.id === sides.b.id) return { ...base, to: sides.aPerson.number };
  return { kind: 'refuse', why: 'the consultation leg is not a party of its call' };
}

/** Where a blind transfer may send the transferee: an extension, an outside number (the transferer's right), else no. */
export type BlindTarget =
  | { kind: 'extension'; number: string }
  | { kind: 'outbound'; number: string; emergency: boolean }
  | { kind: 'refuse'; why: string };

/**
 * The numbering plan read for a blind transfer's destination, as if the transferer had dialled it. Parking's numbers
 * never come here. Feature codes, paging, intercom and supervision act for whoever dials them: the transferee would
 * use them as someone else, so they are refused (Asterisk would run them on a Local channel in the transferer's
 * context).
 */
export function blindTargetOf(
  dialled: string,
  emergencyNumbers: ReadonlySet<string> = new Set(),
): BlindTarget {
  const answer = routeOfDialled(dialled, 'phone', emergencyNumbers);
  if (answer.kind !== 'route') return { kind: 'refuse', why: answer.why };
  if (answer.route === 'extension') return { kind: 'extension', number: dialled };
  if (answer.route === 'outbound')
    return { kind: 'outbound', number: answer.argument ?? dialled, emergency: answer.emergency === true };
  return { kind: 'refuse', why: `a transfer to ${answer.route} is not carried out` };
}

/**
 * The transferer's call (A talking with B, A's REFER on its leg): refused, the phone gets the failure NOTIFY (603) and
 * the call goes on (a phone that hangs up on it is rung back, as after a refused park). Carried out: B leaves for the
 * other call (a blind transfer's new one, or the consultation call, which has taken B over already), A's phone gets
 * `channel_answered` (NOTIFY 200) and A's leg is hung up; the call ends as `transferred`.
 */
export function onTransfer(step: Step, input: TransferInput): void {
  const call = callOf(step);
  const leg = findLeg(call, input.channelId);
  if (!leg || gone(leg) || call.transfer?.direction === 'out') return;
  const target = input.target;
  if (target.kind === 'refuse' || call.stage !== 'talking') {
    if (call.stage === 'talking')
      emit(step, { kind: 'transfer-refused', legId: leg.id, at: step.now.toISOString() });
    return effect(step, { kind: 'transfer-progress', channelId: leg.id, state: 'channel_declined' });
  }
  const sides = sidesOf(call);
  const transferee = sides && (sides.a.id === leg.id ? sides.b : sides.a);
  if (!sides || !transferee || gone(transferee))
    return effect(step, { kind: 'transfer-progress', channelId: leg.id, state: 'channel_declined' });
  const by = sides.a.id === leg.id ? sides.aPerson : sides.bPerson;
  const transfereePerson = sides.a.id === leg.id ? sides.bPerson : sides.aPerson;
  const at = step.now.toISOString();
  const kind = target.kind;
  const to = kind === 'blind' ? target.dialled : target.to;
  const transfer: CallTransfer = { direction: 'out', kind, by, to, callId: target.callId, at };
  const bridgeId = call.bridgeId;
  emit(step, {
    kind: 'transferred-out',
    legId: transferee.id,
    transfer,
    keepsBridge: kind === 'attended' && target.bridgeMoved,
  });
  if (kind === 'blind') {
    effect(step, {
      kind: 'transfer-call',
      request: {
        callId: target.callId,
        survivor: party(transferee, transfereePerson),
        bridgeId,
        dialled: target.dialled,
        destination: target.destination,
        transfer: { ...transfer, direction: 'in', callId: call.id },
      },
    });
  }
  // The NOTIFY 200 while the transferer's channel is still up in its bridge (the control frame must reach it); its
  // leg is hung up after it, by `settle` (the party left: the call ends as transferred).
  effect(step, { kind: 'transfer-progress', channelId: leg.id, state: 'channel_answered' });
}

/**
 * An attended transfer's consultation call: the transferee takes the place of the transferer's leg there (moved into
 * this call's bridge; while this call still rings, this call takes the transferee's bridge and it hears ringback),
 * and the transferer's consultation leg is hung up. A call no longer in a state to take it is left alone (the shell
 * sees the transferee did not join and refuses the transfer).
 */
export function onTakeOver(step: Step, input: TakeOverInput): void {
  const call = callOf(step);
  const replaced = findLeg(call, input.replaces);
  if (
    !replaced ||
    gone(replaced) ||
    call.transfer?.direction === 'out' ||
    call.legs.some((l) => l.id === input.survivor.channelId)
  )
    return;
  const ringing = call.stage === 'setup' && call.aLegId === replaced.id;
  const talking =
    call.stage === 'talking' && (call.aLegId === replaced.id || call.answeredLegId === replaced.id);
  if (!ringing && !talking) return;
  const leg: Leg = {
    ...newLeg(input.survivor.channelId, replaced.role, input.survivor.endpoint, 'up'),
    inStasis: true,
    inBridge: ringing && input.bridgeId !== null,
  };
  const bridgeId = ringing ? input.bridgeId : call.bridgeId;
  emit(step, {
    kind: 'party-replaced',
    leg,
    replaces: replaced.id,
    person: input.survivor.person,
    transfer: input.transfer,
    bridgeId,
  });
  if (talking && bridgeId) effect(step, { kind: 'add-to-bridge', bridgeId, channelIds: [leg.id] });
  if (ringing) {
    const playbackId = `${call.id}-ringback-${leg.id}`;
    emit(step, { kind: 'ringback-started', playbackId });
    effect(step, { kind: 'play', playbackId, channelId: leg.id, media: ['tone:ring'] });
  }
  hangupLeg(step, findLeg(callOf(step), replaced.id)!, 'normal');
}
