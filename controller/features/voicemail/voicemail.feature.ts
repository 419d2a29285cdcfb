import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PbxConnection } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { Db } from '../../db/database.js';
import type { CallsService } from '../calls/calls.service.js';
import { createPinLock } from '../hotdesk/pin-lock.js';
import { defaultPinLockPolicy } from '../hotdesk/pin-lock.rules.js';
import type { DigitCollector } from '../phone-input/digit-collector.js';
import { createDepositRunner } from './deposit-runner.js';
import { createMailboxSettings } from './mailbox-settings.service.js';
import { createMenuRunner } from './menu-runner.js';
import { createVoicemailPhone } from './voicemail-phone.js';
import { createVoicemailService } from './voicemail.service.js';

export interface VoicemailDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  redis: Redis;
  redisPrefix: string;
  settings: { dir: string; maxSeconds: number; silenceSeconds: number };
  /** Without Asterisk only the API works (settings, messages already kept). */
  telephony?: { connection: PbxConnection; calls: CallsService; collector: DigitCollector };
}

/**
 * Voicemail (issue 17), wired: mailbox settings and messages (API), and with Asterisk the mailbox taking unanswered
 * calls (deposit), `*97`/`*98` (the menu), and the message lamps set on every (re)connect.
 */
export function createVoicemail(deps: VoicemailDeps) {
  const { db, bus, logger } = deps;
  const pbx = deps.telephony?.connection.pbx;
  const messages = createVoicemailService({ db, bus, logger, pbx, dir: deps.settings.dir });
  const settings = createMailboxSettings({
    db,
    bus,
    onChanged: (userId) => void lampOf(userId),
  });
  const stops: (() => void)[] = [];
  const stoppers: { stop(): void }[] = [];

  async function lampOf(userId: string): Promise<void> {
    const user = await db.selectFrom('users').select('extension').where('id', '=', userId).executeTakeFirst();
    if (user) await messages.setLamp(userId, user.extension).catch(() => undefined);
  }

  function wireTelephony(): void {
    const t = deps.telephony;
    if (!t) return;
    const deposit = createDepositRunner({
      pbx: t.connection.pbx,
      db,
      logger,
      messages,
      settings: { maxSeconds: deps.settings.maxSeconds, silenceSeconds: deps.settings.silenceSeconds },
    });
    const menu = createMenuRunner({ pbx: t.connection.pbx, db, logger, messages, maxGreetingSeconds: 60 });
    const phone = createVoicemailPhone({
      pbx: t.connection.pbx,
      db,
      logger,
      calls: t.calls,
      collector: t.collector,
      lock: createPinLock(deps.redis, `${deps.redisPrefix}voicemail:`, defaultPinLockPolicy),
      menu,
    });
    t.calls.onVoicemail({ hasMailbox: settings.hasMailbox, take: deposit.take });
    t.calls.dialPlan.handle('voicemail', phone.onOwn);
    t.calls.dialPlan.handle('voicemail-any', phone.onAny);
    stops.push(
      t.connection.onFact(async (fact) => {
        await deposit.onFact(fact);
        await menu.onFact(fact);
      }),
      t.connection.onConnected(() =>
        messages
          .setEveryLamp()
          .catch((error: unknown) => logger.warn({ err: error }, 'could not set the lamps')),
      ),
    );
    stoppers.push(deposit, menu);
    if (t.connection.state() === 'connected') void messages.setEveryLamp().catch(() => undefined);
  }

  return {
    settings,
    messages,
    start(): void {
      stops.push(settings.start());
      wireTelephony();
    },
    stop(): void {
      for (const stop of stops.splice(0)) stop();
      for (const s of stoppers.splice(0)) s.stop();
    },
  };
}
