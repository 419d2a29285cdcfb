import type { FaultRig } from './fault-rig.js';
import { until } from './until.js';

/** The brief's outage: 10 s of PostgreSQL or Redis unreachable. */
export const OUTAGE_MS = 10_000;

/**
 * Cuts a dependency off through its proxy and waits until the controller reports it down in /readyz; `restoreAt`
 * brings it back when the outage's time is over and waits until the controller is ready again.
 */
export function outage(rig: FaultRig, dependency: 'postgres' | 'redis') {
  let endsAt = 0;
  return {
    async cut(): Promise<void> {
      endsAt = Date.now() + OUTAGE_MS;
      rig.proxies[dependency].cut();
      await until(
        `the controller reports ${dependency} down`,
        async () => (await rig.controller.readiness())?.[dependency] === 'down',
      );
    },
    async restore(): Promise<void> {
      await until('the outage over', () => Date.now() >= endsAt, OUTAGE_MS + 5000);
      rig.proxies[dependency].restore();
      await rig.controller.ready();
    },
    /** Milliseconds left before the outage is to end. */
    left: () => endsAt - Date.now(),
  };
}
