import { findProfileByExtension } from '../../db/call-handling.repository.js';
import type { Db } from '../../db/database.js';
import type { Destination } from '../calls/call.types.js';
import type { CallRouting } from '../calls/calls.service.js';
import { routeDestination } from './call-routing.js';

/**
 * The calls feature's routing hook: who was dialled (from the directory) → how to ring them now, by their DND,
 * forwarding, ring settings and schedule, read from the database when the call is routed.
 */
export function createCallRouting(deps: { db: Db; dialTimeoutSeconds: number; now?: () => Date }): CallRouting {
  const now = deps.now ?? (() => new Date());
  return {
    route(destination: Destination, resolve: (number: string) => Promise<Destination>): Promise<Destination> {
      return routeDestination(
        destination,
        { profileOf: (extension) => findProfileByExtension(deps.db, extension), resolve },
        { now: now(), dialTimeoutSeconds: deps.dialTimeoutSeconds },
      );
    },
  };
}
