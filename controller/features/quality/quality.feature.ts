import type { Logger } from 'pino';
import type { PbxConnection } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { Db } from '../../db/database.js';
import type { Principal } from '../../http/auth.js';
import type { CallView } from '../calls/call-view.js';
import { createQualitySampler, type QualitySampler } from './quality-sampler.js';
import { legsOfCalls, liveQualityOf } from './quality-view.js';

export interface QualityDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  connection: PbxConnection;
  /** Every live call (the calls feature, read as the system). */
  liveCalls: () => CallView[];
  settings: { sampleMs: number; poorMos: number };
}

/**
 * Call quality (issue 17), wired: a sampling round every QUALITY_SAMPLE_SECONDS on the instance that holds the calls,
 * the figures stored at each call's end, the live figures on `GET /api/calls` for supervisors and admins.
 */
export function createQuality(deps: QualityDeps) {
  const sampler: QualitySampler = createQualitySampler({
    connection: deps.connection,
    db: deps.db,
    bus: deps.bus,
    logger: deps.logger,
    liveLegs: () => legsOfCalls(deps.liveCalls()),
    poorMos: deps.settings.poorMos,
  });
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;

  return {
    sampler,
    start(): void {
      timer = setInterval(() => void sampler.sample(), deps.settings.sampleMs);
      unsubscribe = deps.bus.subscribe((event) => {
        if (event.type === 'call.ended') sampler.ended((event.data as CallView).id);
      });
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      unsubscribe?.();
      await sampler.stop();
    },
    /** `GET /api/calls[/{id}]`: the live figures, for supervisors and admins (agents are not shown them). */
    annotateCall(call: { id: string }, principal: Principal): { quality?: ReturnType<typeof liveQualityOf> } {
      if (principal.role === 'agent') return {};
      return { quality: liveQualityOf(sampler.legsOf(call.id)) };
    },
  };
}

export type Quality = ReturnType<typeof createQuality>;
