import type { AnyPbxEvent } from '../../bus/events.js';
import type { Principal } from '../../http/auth.js';
import type { Trunk } from './trunks.schemas.js';

declare module '../../bus/events.js' {
  interface EventMap {
    /** Data: the trunk, never its username or password. */
    'trunk.created': Trunk;
    'trunk.updated': Trunk;
    'trunk.deleted': Trunk;
  }
}

const trunkEventTypes = new Set(['trunk.created', 'trunk.updated', 'trunk.deleted']);

/** Trunks are the admins' business: their changes reach only admins' WebSockets. */
export function trunkEventVisible(event: AnyPbxEvent, principal: Principal): boolean | undefined {
  if (!trunkEventTypes.has(event.type)) return undefined;
  return principal.role === 'admin';
}
