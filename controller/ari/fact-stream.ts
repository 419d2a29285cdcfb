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
 */
export function createFactStream(logger: Logger): FactStream {
  const handlers = new Set<FactHandler>();
  const reportedTypes = new Set<string>();

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
      if (fact) deliver(fact);
      return type;
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}
