import type { Logger } from 'pino';
import type { PbxConnection } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { Db } from '../../db/database.js';
import type { CallsService } from '../calls/calls.service.js';
import { createRecordingAlerts } from './recording-alerts.js';
import { createRecordingPolicies } from './recording-policy.service.js';
import { createRecordingRetention } from './recording-retention.js';
import { createRecordingControl } from './recording.service.js';
import { createRecordingsRead } from './recordings-read.service.js';
import { createSegmentSaver } from './segment-saver.js';

export interface RecordingDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  settings: { dir: string; retentionDays: number };
  now?: () => Date;
  /** Without Asterisk only the API on kept recordings works (and retention). */
  telephony?: { connection: PbxConnection; calls: CallsService };
  /** Whether this instance runs retention (issue 15: only the ARI owner, which can delete Asterisk's copies). */
  sweeps?: () => boolean;
}

/**
 * Call recording (issue 17), wired: `*1` and the API toggle a call's recording, a team's policy records its routed
 * calls, Asterisk's facts end segments (saved into RECORDINGS_DIR), retention deletes old ones, `/readyz` shows the
 * last failure.
 */
export function createRecording(deps: RecordingDeps) {
  const { db, bus, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const alerts = createRecordingAlerts(now);
  const t = deps.telephony;
  const pbx = t?.connection.pbx;
  const saver = pbx && createSegmentSaver({ db, pbx, logger, alerts, dir: deps.settings.dir, now });
  const control =
    t &&
    saver &&
    createRecordingControl({ db, bus, logger, pbx: t.connection.pbx, calls: t.calls, saver, now });
  const policies = createRecordingPolicies({ db, logger, pbx, calls: t?.calls, control });
  const read = createRecordingsRead(db);
  const retention = createRecordingRetention({
    db,
    logger,
    pbx,
    days: deps.settings.retentionDays,
    now,
    sweeps: deps.sweeps,
  });
  const stops: (() => void)[] = [];

  function wireTelephony(): void {
    if (!t || !control) return;
    t.calls.onReconciled((live) =>
      control
        .reconcile(live)
        .catch((error: unknown) => logger.warn({ err: error }, 'recordings not reconciled')),
    );
    t.calls.onRecordCode((request) => {
      void control
        .toggleFromPhone(request.callId, request.channelId)
        .then((done) => done && beep(request.channelId, done))
        .catch((error: unknown) =>
          logger.warn({ err: error, callId: request.callId }, '*1 did not toggle the recording'),
        );
    });
    stops.push(
      t.connection.onFact(async (fact) => {
        await control.onFact(fact);
        await policies.onFact(fact);
      }),
      bus.subscribe((event) => {
        if (event.type === 'call.answered') void policies.onAnswered(event.data).catch(() => undefined);
        if (event.type === 'call.ended') void control.onCallEnded(event.data.id).catch(() => undefined);
      }),
    );
  }

  /** The `*1` presser hears one beep when recording starts, two when it stops (only they hear it). */
  function beep(channelId: string, done: 'started' | 'stopped'): void {
    const media = done === 'started' ? ['sound:beep'] : ['sound:beep', 'sound:beep'];
    void pbx?.play({ playbackId: `recbeep-${channelId}-${Date.now()}`, target: { channelId }, media });
  }

  return {
    control,
    policies,
    read,
    retention,
    alert: alerts.current,
    start(): void {
      wireTelephony();
      retention.start();
    },
    async stop(): Promise<void> {
      for (const stop of stops.splice(0)) stop();
      retention.stop();
      await control?.idle();
    },
  };
}
