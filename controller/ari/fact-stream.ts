import type { Logger } from 'pino';
import { KNOWN_EVENT_TYPES, translateEvent } from './fact-translator.js';
import type { PbxFact } from './pbx.facts.js';

export type FactHandler = (fact: PbxFact) => void | Promise<void>;

export interface FactStream {
  /** One raw WebSocket message; returns its event type ('' when it is not an event). Never throws. */
  push(text: string): string;
  subscribe(handler: FactHandler): () => void;
}

/**
 * Raw ARI messages in, facts out to every handler, in the order Asterisk sent them. Handlers are called one after
 * another for each fact and not awaited (one slow feature must not hold up every call); a handler that throws or
 * rejects is logged and the others still get the fact. Unparsable messages and event types this Asterisk version
 * should not send are logged once per type and dropped.
 *
 * An app subscribed to `endpoint:PJSIP` as well as to a channel receives that channel's events twice, byte for
 * byte (measured on Asterisk 22.10.1: ChannelDtmfReceived, ChannelTransfer, ChannelStateChange…). Every event
 * carries a millisecond timestamp, so a message identical to a recent one is such a copy, and is dropped here once
 * for every feature.
 *
 * Every channel ends once (`channel-left`): with its StasisEnd, or — a channel the app made that never entered Stasis,
 * such as an originated leg nobody answered (measured on 22.10.1: rejected, cancelled or timed out, it sends
 * ChannelDestroyed and no StasisEnd) — with its ChannelDestroyed. A ChannelDestroyed after a StasisEnd is dropped.
 */
export function createFactStream(logger: Logger): FactStream {
  const handlers = new Set<FactHandler>();
  const reportedTypes = new Set<string>();
  const seen = createRecentSet(RECENT_MESSAGES);
  /** Channels whose end was delivered (StasisEnd comes before ChannelDestroyed). */
  const ended = createRecentSet(RECENT_ENDS);

  const reportOnce = (type: string, message: string) => {
    if (reportedTypes.has(type)) return;
    reportedTypes.add(type);
    logger.warn({ type }, message);
  };

  const deliver = (fact: PbxFact) => {
    for (const handler of [...handlers]) {
      try {
        const result = handler(fact);
        if (result instanceof Promise)
          result.catch((error: unknown) =>
            logger.error({ err: error, fact: fact.kind }, 'fact handler failed'),
          );
      } catch (error) {
        logger.error({ err: error, fact: fact.kind }, 'fact handler failed');
      }
    }
  };

  return {
    push(text) {
      if (!seen.add(text)) return '';
      let event: unknown;
      try {
        event = JSON.parse(text);
      } catch {
        reportOnce('(unparsable)', 'ignoring an ARI message that is not JSON');
        return '';
      }
      const type = typeof event === 'object' && event !== null && 'type' in event ? String(event.type) : '';
      if (!KNOWN_EVENT_TYPES.has(type)) {
        reportOnce(type, 'ignoring an unknown ARI event type (logged once per type)');
        return type;
      }
      const fact = translateEvent(event);
      if (fact?.kind === 'channel-left') {
        // One end per channel: StasisEnd, or ChannelDestroyed of a channel that never was in Stasis.
        if (type === 'ChannelDestroyed' && !ended.add(fact.channel.id)) return type;
        if (type === 'StasisEnd') ended.add(fact.channel.id);
      }
      if (fact) deliver(fact);
      return type;
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}

/** How many recent messages are remembered to recognise copies (copies arrive next to each other). */
const RECENT_MESSAGES = 256;
/** How many ended channels are remembered (a ChannelDestroyed follows its StasisEnd within milliseconds). */
const RECENT_ENDS = 4096;

/** A bounded set of the last `size` strings: `add` answers false when the string is already among them. */
function createRecentSet(size: number) {
  const members = new Set<string>();
  const order: string[] = [];
  return {
    add(value: string): boolean {
      if (members.has(value)) return false;
      members.add(value);
      order.push(value);
      if (order.length > size) members.delete(order.shift()!);
      return true;
    },
  };
}
