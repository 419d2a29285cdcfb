import type { Logger } from 'pino';
import type { Pbx } from '../../ari/pbx.port.js';
import type { Db } from '../../db/database.js';
import { mailboxOf } from '../../db/voicemail.repository.js';
import { verifySecret } from '../auth/password.js';
import { endpointResourceOf } from '../calls/call-directory.js';
import type { DialledCall } from '../calls/dial-router.js';
import type { CallsService } from '../calls/calls.service.js';
import { heardToTheEnd } from '../calls/playout.js';
import type { PinLock } from '../hotdesk/pin-lock.js';
import type { DigitCollector } from '../phone-input/digit-collector.js';
import type { MenuRunner } from './menu-runner.js';
import { PROMPTS } from './voicemail-prompts.js';

/** Wrong mailbox or PIN this many times in one call: goodbye (app_voicemail's `maxlogins` is 3). */
const TRIES = 3;

/**
 * `*97` and `*98` at the phone. `*97` from the user's own account (`<ext>` or `<ext>-web`) opens their mailbox with no
 * PIN; from a hot desk logged in as them (or any phone of nobody's), it asks the PIN (as FreePBX does off the own
 * device). `*98` asks the mailbox (extension) and its PIN. Wrong PINs count in the hot desk PIN lock's way (5 in 15
 * min lock that mailbox for 15 min), kept apart from hot desk log-ins.
 */
export function createVoicemailPhone(deps: {
  pbx: Pbx;
  db: Db;
  logger: Logger;
  calls: CallsService;
  collector: DigitCollector;
  lock: PinLock;
  menu: MenuRunner;
}) {
  const { pbx, db, calls, collector, lock, menu } = deps;

  async function sayAndHangUp(channelId: string, media: readonly string[]): Promise<void> {
    await collector.play(channelId, heardToTheEnd(media));
    await pbx.hangup(channelId, 'normal');
  }

  /** Whether this PIN opens this user's mailbox (and the lock lets them try). */
  async function pinOpens(userId: string, pin: string): Promise<boolean> {
    const box = await mailboxOf(db, userId);
    if (!box.enabled || !box.pinHash) return false;
    if (!(await lock.check(userId)).allowed) return false;
    if (await verifySecret(pin, box.pinHash)) {
      await lock.succeeded(userId);
      return true;
    }
    await lock.failed(userId);
    return false;
  }

  /** Asks the mailbox (unless known) and the PIN, up to three times; the user whose mailbox opened, or undefined. */
  async function login(channelId: string, known?: string): Promise<string | undefined | 'gone'> {
    for (let attempt = 0; attempt < TRIES; attempt++) {
      let userId = known;
      if (!userId) {
        const mailbox = await collector.collect(channelId, [...PROMPTS.mailbox]);
        if (mailbox.kind === 'gone') return 'gone';
        userId = mailbox.kind === 'entered' ? await calls.resolveUser(mailbox.digits) : undefined;
      }
      const pin = await collector.collect(channelId, [...PROMPTS.password]);
      if (pin.kind === 'gone') return 'gone';
      if (userId && pin.kind === 'entered' && (await pinOpens(userId, pin.digits))) return userId;
      if (!(await collector.play(channelId, [...PROMPTS.incorrect]))) return 'gone';
    }
    return undefined;
  }

  async function enter(channelId: string, userId: string | undefined | 'gone'): Promise<void> {
    if (userId === 'gone') return;
    if (!userId) return sayAndHangUp(channelId, PROMPTS.goodbye);
    await menu.open(channelId, userId);
  }

  async function own(call: DialledCall): Promise<void> {
    const channelId = call.channel.id;
    if (!(await pbx.answer(channelId)).ok) return;
    const caller = await calls.identifyCaller(call.channel);
    const userId = caller.userId ?? undefined;
    const box = userId ? await mailboxOf(db, userId) : undefined;
    if (userId && !box?.enabled) return sayAndHangUp(channelId, PROMPTS.noMailbox);
    const account = endpointResourceOf(call.channel.name);
    const ownAccount =
      userId !== undefined && (account === caller.number || account === `${caller.number}-web`);
    if (ownAccount) return menu.open(channelId, userId);
    return enter(channelId, await login(channelId, userId));
  }

  async function any(call: DialledCall): Promise<void> {
    const channelId = call.channel.id;
    if (!(await pbx.answer(channelId)).ok) return;
    return enter(channelId, await login(channelId));
  }

  const run = (flow: (call: DialledCall) => Promise<void>) => (call: DialledCall) =>
    void flow(call).catch((error: unknown) => {
      deps.logger.error({ err: error, dialled: call.dialled }, 'voicemail feature code failed');
      void pbx.hangup(call.channel.id, 'congestion');
    });

  return { onOwn: run(own), onAny: run(any) };
}
