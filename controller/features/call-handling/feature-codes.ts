import type { Logger } from 'pino';
import type { PbxConnection } from '../../ari/pbx.port.js';
import { teamOfUser } from '../../db/call-handling.repository.js';
import type { Db } from '../../db/database.js';
import type { CallsService } from '../calls/calls.service.js';
import type { DialledCall } from '../calls/dial-router.js';
import type { DialRoute } from '../calls/dial-plan.js';
import type { DndService } from '../dnd/dnd.service.js';
import { endpointResourceOf } from '../calls/call-directory.js';
import { createFeaturePrompts, PROMPTS } from './feature-prompt.js';
import type { HandlingSettingsService } from './handling-settings.service.js';
import type { SpeedDialsService } from './speed-dials.service.js';

export interface FeatureCodesDeps {
  connection: PbxConnection;
  db: Db;
  logger: Logger;
  calls: CallsService;
  dnd: DndService;
  settings: HandlingSettingsService;
  speedDials: SpeedDialsService;
}

/**
 * The phone's call-handling codes: `*76` / `*78` / `*79` (DND toggle / on / off), `*72<ext>` / `*73` (unconditional
 * forward on / off), each confirmed with stock sounds for the user whose phone dialled; `**<ext>` picks up the call
 * ringing at that extension, for a phone of the same team (others hear a refusal); `*0<slot>` dials the user's speed
 * dial there as if its number had been dialled (the caller's restrictions apply to that number; none set: `pbx-invalid`).
 */
export function createFeatureCodes(deps: FeatureCodesDeps) {
  const { connection, logger, calls } = deps;
  const prompts = createFeaturePrompts(connection.pbx);
  let unsubscribe: (() => void) | undefined;

  /** Runs a code for the user behind the phone; a phone nobody owns hears that the feature is not for it. */
  function forUser(work: (userId: string, call: DialledCall) => Promise<string[]>) {
    return (call: DialledCall): void => {
      void (async () => {
        const who = await calls.identifyCaller(call.channel);
        const media = who.userId ? await work(who.userId, call) : PROMPTS.notForThisPhone;
        await prompts.play(call.channel.id, media);
      })().catch((error: unknown) => {
        logger.error({ err: error, dialled: call.dialled }, 'a call-handling code failed');
        void connection.pbx.hangup(call.channel.id, 'congestion');
      });
    };
  }

  const dnd = (change: boolean | 'toggle') =>
    forUser(async (userId) => {
      const state = await deps.dnd.setFromPhone(userId, change);
      return state?.enabled ? PROMPTS.dndOn : PROMPTS.dndOff;
    });

  const forwardOn = forUser(async (userId, call) => {
    const to = call.argument ?? '';
    const saved = await deps.settings.forwardFromPhone(userId, to);
    return saved === 'refused' || !saved ? PROMPTS.forwardRefused : PROMPTS.forwardOn(to);
  });

  const forwardOff = forUser(async (userId) => {
    await deps.settings.forwardFromPhone(userId, null);
    return PROMPTS.forwardOff;
  });

  /** `**<ext>`: the picker must be a user of the rung user's team; the call must still be ringing. */
  function pickup(call: DialledCall): void {
    const channelId = call.channel.id;
    void (async () => {
      const target = call.argument ?? '';
      const [picker, rung] = await Promise.all([
        calls.identifyCaller(call.channel),
        calls.resolveUser(target),
      ]);
      const callId = calls.ringingCallFor(target);
      if (!callId) return prompts.play(channelId, PROMPTS.nothingToPickUp);
      const [pickerTeam, rungTeam] = await Promise.all([
        picker.userId ? teamOfUser(deps.db, picker.userId) : undefined,
        rung ? teamOfUser(deps.db, rung) : undefined,
      ]);
      const sameTeam = pickerTeam !== undefined && pickerTeam !== null && pickerTeam === rungTeam;
      if (!sameTeam) return prompts.play(channelId, PROMPTS.pickupRefused);
      const endpoint = `PJSIP/${endpointResourceOf(call.channel.name) ?? call.channel.name}`;
      const won = await calls.pickup(callId, { channelId, endpoint, person: picker });
      if (!won) await prompts.play(channelId, PROMPTS.nothingToPickUp);
    })().catch((error: unknown) => {
      logger.error({ err: error, dialled: call.dialled }, 'a pick-up failed');
      void connection.pbx.hangup(channelId, 'congestion');
    });
  }

  /** `*0<slot>`: the user of this phone (the one logged in on a hot desk) calls their speed dial's number. */
  function speedDial(call: DialledCall): void {
    void (async () => {
      const who = await calls.identifyCaller(call.channel);
      if (!who.userId) return prompts.play(call.channel.id, PROMPTS.notForThisPhone);
      const number = await deps.speedDials.numberOf(who.userId, Number(call.argument));
      if (!number) return prompts.play(call.channel.id, PROMPTS.noSuchSpeedDial);
      calls.dialPlan.redial(call, number);
    })().catch((error: unknown) => {
      logger.error({ err: error, dialled: call.dialled }, 'a speed dial failed');
      void connection.pbx.hangup(call.channel.id, 'congestion');
    });
  }

  const handlers: [DialRoute, (call: DialledCall) => void][] = [
    ['dnd-toggle', dnd('toggle')],
    ['dnd-on', dnd(true)],
    ['dnd-off', dnd(false)],
    ['forward-on', forwardOn],
    ['forward-off', forwardOff],
    ['pickup', pickup],
    ['speed-dial', speedDial],
  ];

  return {
    start(): void {
      for (const [route, handler] of handlers) calls.dialPlan.handle(route, handler);
      unsubscribe = connection.onFact((fact) => prompts.onFact(fact));
    },
    stop(): void {
      unsubscribe?.();
      prompts.stop();
    },
  };
}
