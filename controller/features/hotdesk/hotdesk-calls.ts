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

/** A `call.*` event: the accounts it involves (any leg, gone or not) and whether the call ended. */
export function callActivityOf(event: AnyPbxEvent): { accounts: string[]; ended: boolean } | undefined {
  if (event.type !== 'call.ringing' && event.type !== 'call.answered' && event.type !== 'call.ended')
    return undefined;
  const accounts = event.data.channels.flatMap((c) => accountOfEndpoint(c.endpoint) ?? []);
  return { accounts: [...new Set(accounts)], ended: event.type === 'call.ended' };
}
