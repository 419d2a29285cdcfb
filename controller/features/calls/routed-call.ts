import type { Logger } from 'pino';
import type { CallRunner } from './call-runner.js';
import type { Destination, Person, PhoneCallInput } from './call.types.js';
import type { DialledCall } from './dial-router.js';
import type { SetupStep } from './setup-trace.js';

/** What a routed call starts with: who calls, how it rings, and the routing it carries (log, popups). */
export interface RoutedStart {
  caller: Person;
  destination: Destination;
  routing: NonNullable<PhoneCallInput['routing']>;
}

/**
 * A call from a trunk that another feature routes (contact centre, `../routing/`): claimed at once like a phone's
 * call (its later facts queue behind it), then `lookUp` says how it rings, or refuses it (hanging the channel up
 * itself and returning undefined).
 */
export function routedCallStarter(deps: {
  runner: CallRunner;
  newCallId(): string;
  mark(callId: string, step: SetupStep): void;
  logger: Logger;
  hangup(channelId: string): Promise<unknown>;
  dialTimeoutSeconds: number;
}) {
  return function startRoutedCall(
    call: DialledCall,
    lookUp: (callId: string) => Promise<RoutedStart | undefined>,
  ): void {
    const { channel, dialled } = call;
    const callId = deps.newCallId();
    deps.mark(callId, 'stasis-start');
    deps.runner.claim(channel.id, callId);
    void deps.runner.submit(callId, async () => {
      try {
        const found = await lookUp(callId);
        if (!found) return undefined;
        deps.mark(callId, 'looked-up');
        const input: PhoneCallInput = {
          kind: 'phone-call',
          callId,
          channel,
          dialled,
          ...found,
          dialTimeoutSeconds: deps.dialTimeoutSeconds,
        };
        return input;
      } catch (error) {
        deps.logger.error({ err: error, channelId: channel.id }, 'could not route the call; refusing it');
        await deps.hangup(channel.id);
        return undefined;
      }
    });
  };
}
