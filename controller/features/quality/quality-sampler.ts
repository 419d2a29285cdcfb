import type { Logger } from 'pino';
import type { Pbx, PbxConnection } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import { upsertLegQuality } from '../../db/call-quality.repository.js';
import type { Db } from '../../db/database.js';
import { decideAlert, evolveAlert, initialAlertState, type AlertState } from './quality.decider.js';
import type { QualityLeg } from './quality.events.js';
import {
  addSample,
  carriesMedia,
  lossWindow,
  sampleFigures,
  type Counters,
  type LegFigures,
} from './quality.rules.js';
import { parseRtcpAll, RTCP_ALL_AUDIO, type RtcpReport } from './rtcp-report.js';

/** The answered legs of one live call (its channels that are up). */
export interface CallLegs {
  callId: string;
  legs: QualityLeg[];
}

/** A leg being sampled: its loss window, figures so far and alert state. */
export interface TrackedLeg {
  leg: QualityLeg;
  history: Counters[];
  figures?: LegFigures;
  alert: AlertState;
  alerts: number;
}

export interface QualitySamplerDeps {
  connection: Pick<PbxConnection, 'state'> & { pbx: Pick<Pbx, 'getVariable'> };
  db: Db;
  bus: EventBus;
  logger: Logger;
  /** Every live call's answered legs, now. */
  liveLegs: () => CallLegs[];
  poorMos: number;
  now?: () => Date;
  /** ARI reads in flight at once in a round. */
  concurrency?: number;
}

/**
 * The shell of call quality: each round reads `CHANNEL(rtcp,all,audio)` of every answered leg, folds the reading
 * into the leg's figures (`quality.rules.ts`), runs the alert decider (publishing `call.quality-poor`), and writes a
 * call's figures once it is no longer live (its `call.ended`, or gone from the live calls).
 */
export function createQualitySampler(deps: QualitySamplerDeps) {
  const { connection, db, bus, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const concurrency = deps.concurrency ?? 16;
  const calls = new Map<string, Map<string, TrackedLeg>>();
  /** Calls written already: a reading still in flight for one is dropped. */
  const finished = new Set<string>();
  const writes = new Set<Promise<void>>();
  let running: Promise<void> | undefined;

  function apply(callId: string, leg: QualityLeg, report: RtcpReport, at: string): void {
    let legs = calls.get(callId);
    if (!legs) calls.set(callId, (legs = new Map()));
    const tracked = legs.get(leg.channelId) ?? { leg, history: [], alert: initialAlertState, alerts: 0 };
    legs.set(leg.channelId, tracked);
    const { base, history } = lossWindow(tracked.history, report);
    const sample = sampleFigures(report, base);
    tracked.history = history;
    tracked.figures = addSample(tracked.figures, sample, report, at);
    for (const event of decideAlert(tracked.alert, sample.mos, deps.poorMos)) {
      tracked.alert = evolveAlert(tracked.alert, event);
      if (event.kind !== 'poor') continue;
      tracked.alerts += 1;
      bus.publish('call.quality-poor', {
        callId,
        leg: { ...leg },
        mos: sample.mos,
        jitterMs: sample.jitterMs,
        lossPct: sample.lossPct,
        rttMs: sample.rttMs,
        threshold: deps.poorMos,
      });
    }
  }

  async function readLeg(callId: string, leg: QualityLeg): Promise<void> {
    const read = await connection.pbx.getVariable(leg.channelId, RTCP_ALL_AUDIO);
    // No RTP instance (not a PJSIP channel, no media yet) or gone: nothing to sample this round.
    if (!read.ok || finished.has(callId)) return;
    const report = parseRtcpAll(read.value);
    if (report && carriesMedia(report)) apply(callId, leg, report, now().toISOString());
  }

  /** The call is over (or no longer ours): its legs' figures go to the database, once. */
  function finish(callId: string): Promise<void> {
    const legs = calls.get(callId);
    calls.delete(callId);
    finished.add(callId);
    const rows = [...(legs?.values() ?? [])].flatMap((t) =>
      t.figures ? [{ callId, ...t.leg, ...t.figures, poorAlerts: t.alerts }] : [],
    );
    const write = upsertLegQuality(db, rows)
      .catch((error: unknown) => logger.warn({ err: error, callId }, 'could not store call quality'))
      .finally(() => writes.delete(write));
    writes.add(write);
    return write;
  }

  async function round(): Promise<void> {
    const live = deps.liveLegs();
    const liveIds = new Set(live.map((c) => c.callId));
    for (const callId of [...calls.keys()]) if (!liveIds.has(callId)) void finish(callId);
    for (const callId of [...finished]) if (!liveIds.has(callId)) finished.delete(callId);
    if (connection.state() !== 'connected') return;
    const jobs = live
      .filter((c) => !finished.has(c.callId))
      .flatMap((c) => c.legs.map((leg) => () => readLeg(c.callId, leg)));
    await inParallel(jobs, concurrency);
  }

  return {
    /** One sampling round (rounds never overlap: a round asked for while one runs is that one). */
    sample(): Promise<void> {
      running ??= round()
        .catch((error: unknown) => logger.warn({ err: error }, 'call quality sampling failed'))
        .finally(() => (running = undefined));
      return running;
    },
    /** A call ended (`call.ended`): write its figures now rather than at the next round. */
    ended(callId: string): void {
      if (calls.has(callId)) void finish(callId);
    },
    /** The figures of a live call's legs so far (undefined: none sampled yet). */
    legsOf(callId: string): TrackedLeg[] | undefined {
      const legs = calls.get(callId);
      return legs ? [...legs.values()].filter((t) => t.figures) : undefined;
    },
    /** Stops: what was sampled of the calls still live is written (a controller after this one merges its own). */
    async stop(): Promise<void> {
      await running;
      for (const callId of [...calls.keys()]) void finish(callId);
      await Promise.all([...writes]);
    },
    /** Waits for the round and the writes under way (tests). */
    async idle(): Promise<void> {
      await running;
      await Promise.all([...writes]);
    },
  };
}

export type QualitySampler = ReturnType<typeof createQualitySampler>;

/** Runs the jobs, at most `limit` at once. */
async function inParallel(jobs: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
}
