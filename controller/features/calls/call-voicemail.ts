import type { CallDisposition } from '../../db/tables/call-logs.js';
import { aLeg, finished } from './call-state.js';
import { callOf, effect, emit, endCall, hangupReasonFor, type Step } from './call-step.js';
import type { CallState, Destination, Mailbox } from './call.types.js';

/**
 * The one branch voicemail adds to the calls decider (issue 17): a call that ends unanswered (busy, no answer,
 * unavailable) to a destination with a mailbox hands the caller's leg to the voicemail feature (released, not hung
 * up, as parking takes legs) and ends as `voicemail`; without a mailbox it fails as before.
 */
export function endUnanswered(step: Step, disposition: CallDisposition): void {
  const call = callOf(step);
  const mailbox = mailboxOf(call);
  const caller = aLeg(call);
  const unanswered = disposition === 'busy' || disposition === 'no-answer' || disposition === 'unavailable';
  if (!mailbox || !unanswered || !caller || finished(caller)) {
    return endCall(step, disposition, hangupReasonFor(disposition));
  }
  emit(step, { kind: 'legs-released', legIds: [caller.id] });
  endCall(step, 'voicemail', 'normal');
  effect(step, {
    kind: 'voicemail',
    callId: call.id,
    channelId: caller.id,
    answered: caller.status === 'up',
    mailbox,
    reason: disposition === 'busy' ? 'busy' : 'unavailable',
    caller: call.caller,
    dialled: call.dialled,
  });
}

/** The mailbox of whoever is rung now: the ring plan's destination (a forward's), else the dialled user's. */
function mailboxOf(call: CallState): Mailbox | undefined {
  if (call.ring) return call.ring.mailbox;
  const destination = call.destination;
  return destination.kind === 'user' || destination.kind === 'busy' ? destination.mailbox : undefined;
}

/**
 * The destination with the mailbox of every user in it who has one (the dialled user, and the targets of its busy
 * and no-answer forwards): resolved by the shell before deciding, so the decider stays pure.
 */
export function withMailboxes(destination: Destination, hasMailbox: (userId: string) => boolean): Destination {
  if (destination.kind === 'unknown' || destination.kind === 'announcement') return destination;
  const { userId, number } = destination.user;
  const mailbox = userId && hasMailbox(userId) ? { mailbox: { userId, extension: number } } : {};
  if (destination.kind === 'busy') return { ...destination, ...mailbox };
  const plan = destination.plan;
  if (!plan) return { ...destination, ...mailbox };
  return {
    ...destination,
    ...mailbox,
    plan: {
      ...plan,
      ...(plan.onBusy ? { onBusy: withMailboxes(plan.onBusy, hasMailbox) } : {}),
      ...(plan.onNoAnswer
        ? {
            onNoAnswer: {
              ...plan.onNoAnswer,
              destination: withMailboxes(plan.onNoAnswer.destination, hasMailbox),
            },
          }
        : {}),
    },
  };
}
