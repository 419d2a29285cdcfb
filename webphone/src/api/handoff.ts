import type { LiveCall } from './types';

/** A channel of a live call as the controller shows it (`GET /api/calls`, `call.*` events). */
interface ChannelLike {
  endpoint?: unknown;
  state?: unknown;
}

/** The user's talking call whose leg on `account` (`1002`, `1002-web`, a device id) is up, if there is one. Pure. */
export function callUpOn(calls: Readonly<Record<string, LiveCall>>, account: string): LiveCall | undefined {
  const endpoint = `PJSIP/${account}`;
  return Object.values(calls).find(
    (call) =>
      call.state === 'answered' &&
      (call.channels ?? []).some((c) => {
        const channel = c as ChannelLike;
        return channel.endpoint === endpoint && channel.state === 'up';
      }),
  );
}
