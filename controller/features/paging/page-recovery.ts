import type { FailureReason } from '../../ari/pbx.port.js';
import { channelGone, end } from './page-end.js';
import { effect, joinLeg, pageOf, setLeg, type Step } from './page-step.js';
import type { PageEffect } from './paging.types.js';

/** A command Asterisk refused or could not carry out, as a fact the page reacts to. */
export function onEffectFailed(step: Step, failed: PageEffect, reason: FailureReason): void {
  switch (failed.kind) {
    case 'create-bridge':
      return end(step, 'failed');
    case 'answer':
      return reason === 'gone' ? channelGone(step, failed.channelId, 'no-answer') : end(step, 'failed');
    case 'create-leg':
      setLeg(step, failed.channelId, 'dialling');
      return channelGone(step, failed.channelId, 'unavailable');
    case 'dial':
      return channelGone(step, failed.channelId, reason === 'unavailable' ? 'unavailable' : 'no-answer');
    case 'mute':
      // A member that cannot be muted must not be in the page: it would be heard by everyone.
      return effect(step, { kind: 'hangup', channelId: failed.channelId });
    case 'play':
      // No beep: the member joins without it.
      return joinLeg(step, failed.channelId);
    case 'add-to-bridge':
      if (reason === 'gone') return channelGone(step, failed.channelId, 'no-answer');
      if (pageOf(step).pager.channelId === failed.channelId) return end(step, 'failed');
      return effect(step, { kind: 'hangup', channelId: failed.channelId });
    case 'hangup':
      return reason === 'gone' ? channelGone(step, failed.channelId, 'no-answer') : undefined;
    case 'destroy-bridge':
    case 'set-timer':
    case 'take-member':
      return;
    default: {
      const never: never = failed;
      throw new Error(`unknown page effect ${JSON.stringify(never)}`);
    }
  }
}
