import type { AnyPbxEvent } from '../../bus/events.js';
import type { InboundRoute } from '../../db/inbound-routes.repository.js';
import type { Principal } from '../../http/auth.js';

declare module '../../bus/events.js' {
  interface EventMap {
    /** An inbound route was created, changed or deleted (data: the route as it is now, or as it was). */
    'inbound-route.created': InboundRoute;
    'inbound-route.updated': InboundRoute;
    'inbound-route.deleted': InboundRoute;
  }
}

const types = new Set(['inbound-route.created', 'inbound-route.updated', 'inbound-route.deleted']);

/** Inbound routes are the admins' (as the API): nobody else sees their changes. */
export function inboundRouteEventVisible(event: AnyPbxEvent, principal: Principal): boolean | undefined {
  if (!types.has(event.type)) return undefined;
  return principal.role === 'admin';
}
