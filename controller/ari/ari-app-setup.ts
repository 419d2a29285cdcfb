import type { Logger } from 'pino';
import { segment, type AriHttp } from './ari-http.js';
import { TRANSLATED_EVENT_TYPES } from './fact-translator.js';

/** Subscribed on every connect so presence sees registrations (EndpointStateChange) and every PJSIP channel. */
const ENDPOINT_EVENTS = 'endpoint:PJSIP';

/**
 * The app's event filter: only the events that become facts (and ApplicationReplaced), at the source; not fatal if
 * refused. The endpoint subscription brings every event of every PJSIP channel (twice, measured), dialplan steps,
 * caller-ID and variable changes included: filtered, none of that is serialised, sent and parsed while a caller waits
 * for its callee's INVITE.
 */
export async function configureApp(http: AriHttp, app: string, logger: Logger): Promise<void> {
  const path = `/applications/${segment(app)}`;
  const allowed = [...TRANSLATED_EVENT_TYPES, 'ApplicationReplaced'].map((type) => ({ type }));
  const filter = await http('PUT', `${path}/eventFilter`, { body: { allowed } });
  if (filter.kind !== 'response' || filter.status >= 300)
    logger.info('ARI event filter not available; events that are not facts are dropped here instead');
}

/**
 * `endpoint:PJSIP`: every PJSIP endpoint's state and channels. Measured on Asterisk 22.10.1: 422 "Event source does
 * not exist" while no PJSIP endpoint exists at all (the technology's endpoint is made with the first one); once
 * subscribed, endpoints created later are covered.
 */
export async function subscribeEndpoints(http: AriHttp, app: string): Promise<boolean> {
  const subscription = await http('POST', `/applications/${segment(app)}/subscription`, {
    query: { eventSource: ENDPOINT_EVENTS },
  });
  return subscription.kind === 'response' && subscription.status < 300;
}
