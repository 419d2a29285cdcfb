import type { AnyPbxEvent } from '../../bus/events.js';
import '../calls/calls.events.js';
import { endpointResourceOf } from '../calls/call-directory.js';
import type { CallView } from '../calls/call-view.js';

/** `PJSIP/desk7` (a leg rung) or `PJSIP/desk7-0000002b` (the phone's own channel) → `desk7`. */
export const accountOfEndpoint = (endpoint: string): string | undefined =>
  endpointResourceOf(endpoint) ?? /^PJSIP\/([^/]+)$/.exec(endpoint)?.[1];

/** The accounts with a leg that is not gone in these live calls: who is on (or ringing for) a call now. */
export function accountsOnCalls(calls: readonly CallView[]): Set<string> {
  const accounts = new Set<string>();
  for (const call of calls) {
    if (call.state === 'ended') continue;
    for (const channel of call.channels) {
      const account = channel.state === 'gone' ? undefined : accountOfEndpoint(channel.endpoint);
      if (account) accounts.add(account);
    }
  }
  return accounts;
}

/** A `call.*` event: its call, the accounts it involves (any leg, gone or not) and whether the call ended. */
export function callActivityOf(
  event: AnyPbxEvent,
): { callId: string; accounts: string[]; ended: boolean } | undefined {
  if (event.type !== 'call.ringing' && event.type !== 'call.answered' && event.type !== 'call.ended')
    return undefined;
  const accounts = event.data.channels.flatMap((c) => accountOfEndpoint(c.endpoint) ?? []);
  return { callId: event.data.id, accounts: [...new Set(accounts)], ended: event.type === 'call.ended' };
}

/**
 * The accounts of the calls heard ringing or answered and not yet heard ending. The calls feature drops an ended
 * call from its list a moment before it publishes `call.ended` (the log row is written first): a sweep in that gap
 * must still see the desk on a call, or its session, last active when the call began, would look idle.
 */
export function createCallsHeard() {
  const accountsByCall = new Map<string, string[]>();
  return {
    apply(activity: { callId: string; accounts: string[]; ended: boolean }): void {
      if (activity.ended) accountsByCall.delete(activity.callId);
      else accountsByCall.set(activity.callId, activity.accounts);
    },
    accounts: (): string[] => [...accountsByCall.values()].flat(),
  };
}
