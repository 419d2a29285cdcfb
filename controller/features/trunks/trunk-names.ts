/**
 * How a trunk is named in Asterisk: its PJSIP endpoint (and aor, identify, auth, registration) is `trunk-<id>`, so
 * a channel from it is `PJSIP/trunk-<id>-0000002a` and the controller knows which trunk a call came in on from the
 * channel's name alone, never from what the caller put in its From.
 */
export const TRUNK_PREFIX = 'trunk-';

export const trunkEndpointId = (trunkId: string): string => `${TRUNK_PREFIX}${trunkId}`;

/** The trunk id of a channel name like `PJSIP/trunk-<id>-0000002a`, or undefined for any other channel. */
export function trunkIdOfChannel(channelName: string): string | undefined {
  const match = /^PJSIP\/trunk-(.+)-[0-9a-f]{8}$/.exec(channelName);
  return match?.[1];
}

/** Whether a leg's endpoint or channel name is a trunk's (`PJSIP/trunk-<id>…`): an outside party, never a user. */
export const isTrunkEndpoint = (endpointOrChannel: string): boolean =>
  endpointOrChannel.startsWith(`PJSIP/${TRUNK_PREFIX}`);
