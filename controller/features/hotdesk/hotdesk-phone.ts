import type { Logger } from 'pino';
import type { ChannelInfo } from '../../ari/pbx.facts.js';
import type { Pbx } from '../../ari/pbx.port.js';
import { AppError } from '../../errors.js';
import { endpointResourceOf } from '../calls/call-directory.js';
import type { DialAnswer } from '../calls/dial-plan.js';
import type { DialledCall } from '../calls/dial-router.js';
import { heardToTheEnd } from '../calls/playout.js';
import type { DigitCollector } from '../phone-input/digit-collector.js';
import type { HotdeskService } from './hotdesk.service.js';

/** The stock prompts (asterisk-core-sounds-en): "extension", "password", "thank you", "…is incorrect". */
export const PROMPTS = {
  extension: 'sound:extension',
  pin: 'sound:vm-password',
  accepted: 'sound:auth-thankyou',
  refused: 'sound:auth-incorrect',
  notHotdesk: 'sound:feature-not-avail-line',
  loggedOut: 'sound:vm-goodbye',
  notLoggedIn: 'sound:pbx-invalid',
} as const;

/** The device a phone's own channel comes from: `PJSIP/desk7-0000002b` → `desk7`. */
export const deviceOfChannel = (channel: ChannelInfo) => endpointResourceOf(channel.name);

/**
 * `*11` and `*12` at the phone. `*11`: only on a device marked hot desk (elsewhere `feature-not-avail-line`, then the
 * call ends); "extension" → digits (`#` or a 3 s pause), "password" → PIN, then `auth-thankyou` (logged in) or
 * `auth-incorrect` (wrong extension or PIN, locked, or the log-in lost a race) and the call ends. `*12`: logs this
 * device out (`vm-goodbye`; nobody logged in: `pbx-invalid`). The log-in itself is the API's (same checks, lock and
 * audit): `service.login` with the phone as actor.
 */
export function createHotdeskPhone(deps: {
  pbx: Pbx;
  logger: Logger;
  service: HotdeskService;
  collector: DigitCollector;
}) {
  const { pbx, logger, service, collector } = deps;

  async function sayAndHangUp(channelId: string, media: string): Promise<void> {
    await collector.play(channelId, heardToTheEnd([media]));
    await pbx.hangup(channelId, 'normal');
  }

  async function login(call: DialledCall): Promise<void> {
    const channelId = call.channel.id;
    const deviceId = deviceOfChannel(call.channel);
    if (!(await pbx.answer(channelId)).ok) return;
    if (!deviceId || !service.memory.isHotdesk(deviceId)) return sayAndHangUp(channelId, PROMPTS.notHotdesk);
    const extension = await collector.collect(channelId, [PROMPTS.extension]);
    if (extension.kind === 'gone') return;
    if (extension.kind === 'empty') return sayAndHangUp(channelId, PROMPTS.refused);
    const pin = await collector.collect(channelId, [PROMPTS.pin]);
    if (pin.kind === 'gone') return;
    if (pin.kind === 'empty') return sayAndHangUp(channelId, PROMPTS.refused);
    try {
      await service.login(
        { deviceId, extension: extension.digits, pin: pin.digits },
        { kind: 'phone', deviceId },
      );
      return await sayAndHangUp(channelId, PROMPTS.accepted);
    } catch (error) {
      if (!(error instanceof AppError)) logger.error({ err: error, deviceId }, 'hot desk log-in failed');
      return sayAndHangUp(
        channelId,
        error instanceof AppError && error.code === 'not-a-hotdesk-device'
          ? PROMPTS.notHotdesk
          : PROMPTS.refused,
      );
    }
  }

  async function logout(call: DialledCall): Promise<void> {
    const channelId = call.channel.id;
    const deviceId = deviceOfChannel(call.channel);
    if (!(await pbx.answer(channelId)).ok) return;
    if (!deviceId || !service.memory.sessionOf(deviceId)) return sayAndHangUp(channelId, PROMPTS.notLoggedIn);
    try {
      await service.logout(deviceId, { kind: 'phone', deviceId });
      return await sayAndHangUp(channelId, PROMPTS.loggedOut);
    } catch (error) {
      if (!(error instanceof AppError)) logger.error({ err: error, deviceId }, 'hot desk log-out failed');
      return sayAndHangUp(channelId, PROMPTS.notLoggedIn);
    }
  }

  const run = (flow: (call: DialledCall) => Promise<void>) => (call: DialledCall) =>
    void flow(call).catch((error: unknown) => {
      logger.error({ err: error, dialled: call.dialled }, 'hot desk feature code failed');
      void pbx.hangup(call.channel.id, 'congestion');
    });

  return {
    onLogin: run(login),
    onLogout: run(logout),
    /**
     * The guest rule (SPEC "Trunks and the outside world"): a hot desk device nobody is logged in on reaches only
     * internal extensions, its own log-in and log-out, and the emergency numbers; anything else is refused (403).
     */
    guestGuard(call: DialledCall, answer: Extract<DialAnswer, { kind: 'route' }>) {
      const deviceId = deviceOfChannel(call.channel);
      if (call.origin !== 'phone' || !deviceId || !service.memory.isHotdesk(deviceId)) return undefined;
      if (service.memory.sessionOf(deviceId) || answer.emergency) return undefined;
      if (['extension', 'hotdesk-login', 'hotdesk-logout'].includes(answer.route)) return undefined;
      return {
        kind: 'reject',
        status: 403,
        why: 'a guest hot desk device reaches only internal extensions and emergency numbers',
      } as const;
    },
  };
}
