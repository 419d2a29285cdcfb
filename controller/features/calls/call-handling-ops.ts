import type { CallDirectory } from './call-directory.js';
import type { CallRunner } from './call-runner.js';
import type { CallState, HandoffInput, Person } from './call.types.js';

/**
 * What the call-handling feature (`../call-handling/`) does with calls, part of the calls service: who a phone or an
 * extension is, the call ringing at an extension, a pick-up, a handoff.
 */
export function handlingOps(runner: CallRunner, directory: CallDirectory) {
  return {
    /** The user id behind an extension (from the directory), if any. */
    async resolveUser(extension: string): Promise<string | undefined> {
      const found = await directory.resolveTargets(extension);
      return found.kind === 'user' ? (found.user.userId ?? undefined) : undefined;
    },
    /** Who the phone behind an inbound channel is (feature codes act for that user). */
    identifyCaller: (channel: Parameters<CallDirectory['identifyCaller']>[0]) => directory.identifyCaller(channel),
    /**
     * `**<ext>`: the call ringing at that extension (not answered yet), if any — the dialled user or, after a forward,
     * whoever is rung now.
     */
    ringingCallFor(extension: string): string | undefined {
      return runner.all().find((call) => call.stage === 'setup' && ringsAt(call, extension))?.id;
    },
    /** The picker's channel takes the ringing call; true if it won (the call was still ringing). */
    async pickup(callId: string, picker: { channelId: string; endpoint: string; person: Person }): Promise<boolean> {
      runner.claim(picker.channelId, callId);
      const call = await runner.submit(callId, { kind: 'pickup', ...picker });
      const won = call?.answeredLegId === picker.channelId;
      if (!won && runner.callOfChannel(picker.channelId) === callId) runner.unclaim(picker.channelId);
      return won;
    },
    /** The accounts (endpoints) a user's extension has, from the directory (empty when nobody has it). */
    async accountsOf(extension: string): Promise<string[]> {
      const found = await directory.resolveTargets(extension);
      return found.kind === 'user' ? found.targets.map((t) => t.endpoint) : [];
    },
    /** The call's state as the decider has it (for features acting on a call: handoff). */
    stateOf: (callId: string): CallState | undefined => runner.get(callId),
    /** Rings another device of a party (`replaces` is their leg); true if the handoff started. */
    async handoff(callId: string, request: Omit<HandoffInput, 'kind'>): Promise<boolean> {
      const call = await runner.submit(callId, { kind: 'handoff', ...request });
      return call?.handoff?.replaces === request.replaces;
    },
  };
}

/** Whether a call in set-up is ringing a device of this extension's user. */
function ringsAt(call: CallState, extension: string): boolean {
  const ringing = call.legs.filter(
    (l) => l.role === 'callee' && !l.hangingUp && ['creating', 'entered', 'ringing'].includes(l.status),
  );
  const rung = (l: CallState['legs'][number]) =>
    l.person ? l.person.number : call.destination.kind === 'user' ? call.destination.user.number : undefined;
  return ringing.some((l) => rung(l) === extension);
}
