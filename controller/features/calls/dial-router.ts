import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ChannelInfo, PbxFact } from '../../ari/pbx.facts.js';
import type { HangupReason, Pbx } from '../../ari/pbx.port.js';
import { heardToTheEnd } from './playout.js';
import { trunkIdOfChannel } from '../trunks/trunk-names.js';
import {
  planDial,
  routeOfDialled,
  type DialAnswer,
  type DialOrigin,
  type DialRoute,
  type RejectStatus,
} from './dial-plan.js';

/** A call a phone (or the trunk) placed through the dialplan, as a route's handler receives it. */
export interface DialledCall {
  channel: ChannelInfo;
  dialled: string;
  origin: DialOrigin;
  /** What follows a feature code, or the outside number (see `DialAnswer`). */
  argument?: string;
  /** One of the emergency numbers: whoever carries it must not refuse it. */
  emergency?: true;
  /**
   * A call from a trunk (origin `trunk`): the trunk its channel belongs to (`PJSIP/trunk-<id>-…`), the one identity a
   * trunk call has. What the caller put in its From is only shown, never believed.
   */
  trunkId?: string;
}

/** A refusal a feature may impose on the caller before the route's handler (e.g. a guest hot desk device). */
export type DialGuard = (
  call: Omit<DialledCall, 'argument'>,
  answer: Extract<DialAnswer, { kind: 'route' }>,
) => Exclude<DialAnswer, { kind: 'route' }> | undefined;

/** Takes the call over; must claim the channel synchronously if its later facts matter (they follow at once). */
export type DialHandler = (call: DialledCall) => void;

export interface DialRouterDeps {
  pbx: Pbx;
  logger: Logger;
  /** A prompt whose PlaybackFinished never comes is ended after this long. Default 30 s. */
  promptLimitMs?: number;
  /** EMERGENCY_NUMBERS: routed `outbound` (marked emergency) from every phone. */
  emergencyNumbers?: readonly string[];
}

const rejectReason: Record<RejectStatus, HangupReason> = {
  403: 'forbidden',
  404: 'unallocated',
  484: 'incomplete',
  503: 'congestion',
};

/** `dialprompt-<id>`: never mistaken for a feature's playbacks. */
const newPlaybackId = () => `dialprompt-${randomBytes(6).toString('hex')}`;

/**
 * A new call through the dialplan: `Stasis(pbx,${EXTEN})` from `from-internal` (args `[exten]`) or
 * `Stasis(pbx,${EXTEN},inbound)` from `from-trunk`. Channels the controller creates enter with their own appArgs
 * (their dialplan exten is `s`), and the `;1` half of a core transfer's Local pair replaces a channel: neither is one.
 *
 * The trunk fence: a trunk call is known by its channel's name (`PJSIP/trunk-<id>-…`), whatever the dialplan says.
 * A trunk channel without the `inbound` mark (an endpoint pointed at another context) is a trunk call all the same;
 * the mark on any other channel (a phone's endpoint in `from-trunk`, a Local channel a transfer made there) is
 * `forged`, and refused. A trunk channel that came through the dialplan with arguments not of this shape (a `,` in the
 * number splits `${EXTEN}`) is `malformed`: refused too, never left in Stasis.
 */
export function dialledCallOf(
  fact: Extract<PbxFact, { kind: 'channel-entered' }>,
): Omit<DialledCall, 'argument'> | { kind: 'forged' | 'malformed'; channel: ChannelInfo } | undefined {
  const [dialled, mark, ...rest] = fact.args;
  const trunkId = trunkIdOfChannel(fact.channel.name);
  const throughDialplan = fact.channel.dialplan.exten !== 's' && !fact.replacesChannelId;
  const wellFormed =
    dialled !== undefined &&
    rest.length === 0 &&
    !fact.replacesChannelId &&
    dialled === fact.channel.dialplan.exten &&
    (mark === undefined || mark === 'inbound');
  if (!wellFormed)
    return trunkId !== undefined && throughDialplan ? { kind: 'malformed', channel: fact.channel } : undefined;
  if (trunkId !== undefined) return { channel: fact.channel, dialled, origin: 'trunk', trunkId };
  if (mark === 'inbound') return { kind: 'forged', channel: fact.channel };
  return { channel: fact.channel, dialled, origin: 'phone' };
}

/**
 * The shell around the numbering plan: every dialled string gets its answer here, at once — handed to the feature
 * that handles its route, or refused (404 unknown, 484 incomplete, 403 not allowed, 503 no way out), or answered with
 * a prompt that ends in a hang-up.
 */
export function createDialRouter(deps: DialRouterDeps) {
  const { pbx, logger } = deps;
  const handlers = new Map<DialRoute, DialHandler>();
  const guards = new Set<DialGuard>();
  const emergencyNumbers = new Set(deps.emergencyNumbers ?? []);
  const prompts = new Map<string, { channelId: string; timer: NodeJS.Timeout }>();

  /** Hands the call to its route's handler, synchronously (its claim on the channel precedes the next fact). */
  function handOver(
    call: Omit<DialledCall, 'argument'>,
    answer: Extract<DialAnswer, { kind: 'route' }>,
  ): void {
    const handler = handlers.get(answer.route);
    try {
      if (!handler) throw new Error(`no handler for ${answer.route}`);
      handler({
        ...call,
        ...(answer.argument !== undefined ? { argument: answer.argument } : {}),
        ...(answer.emergency ? { emergency: true as const } : {}),
      });
    } catch (error) {
      logger.error(
        { err: error, route: answer.route },
        'a dialled call could not be handed over; refusing it',
      );
      void pbx.hangup(call.channel.id, 'congestion');
    }
  }

  async function respond(
    call: Omit<DialledCall, 'argument'>,
    answer: Exclude<DialAnswer, { kind: 'route' }>,
  ): Promise<void> {
    switch (answer.kind) {
      case 'reject':
        logger.debug(
          { dialled: call.dialled, status: answer.status, why: answer.why },
          'dialled string refused',
        );
        await pbx.hangup(call.channel.id, rejectReason[answer.status]);
        return;
      case 'prompt':
        logger.debug({ dialled: call.dialled, why: answer.why }, 'dialled string answered with a prompt');
        return prompt(call.channel.id, answer.media);
      default: {
        const never: never = answer;
        throw new Error(`unknown dial answer ${JSON.stringify(never)}`);
      }
    }
  }

  async function prompt(channelId: string, media: string[]): Promise<void> {
    const answered = await pbx.answer(channelId);
    if (!answered.ok) return;
    const playbackId = newPlaybackId();
    const timer = setTimeout(() => endPrompt(playbackId), deps.promptLimitMs ?? 30_000);
    timer.unref();
    prompts.set(playbackId, { channelId, timer });
    const played = await pbx.play({ playbackId, target: { channelId }, media: heardToTheEnd(media) });
    if (!played.ok) endPrompt(playbackId);
  }

  function endPrompt(playbackId: string): void {
    const entry = prompts.get(playbackId);
    if (!entry) return;
    prompts.delete(playbackId);
    clearTimeout(entry.timer);
    void pbx.hangup(entry.channelId, 'normal');
  }

  /** The first guard's refusal, if any; an emergency call is never refused. */
  function refusalOf(call: Omit<DialledCall, 'argument'>, answer: Extract<DialAnswer, { kind: 'route' }>) {
    if (answer.emergency) return undefined;
    for (const guard of guards) {
      const refusal = guard(call, answer);
      if (refusal) return refusal;
    }
    return undefined;
  }

  /** The answer a dialled string gets here and now: handed to its route's handler, refused, or a prompt. */
  function dispatch(call: Omit<DialledCall, 'argument'>): void {
    // A caller's restriction applies to what the string is for, handled yet or not (a guest's outside call: 403).
    const route = routeOfDialled(call.dialled, call.origin, emergencyNumbers);
    const refusal = route.kind === 'route' ? refusalOf(call, route) : undefined;
    const answer = refusal ?? planDial(call.dialled, call.origin, new Set(handlers.keys()), emergencyNumbers);
    if (answer.kind === 'route') handOver(call, answer);
    else
      void respond(call, answer).catch((error: unknown) =>
        logger.error({ err: error }, 'dial answer failed'),
      );
  }

  return {
    /** A feature restricts what some callers may dial (checked before every route's handler); returns the undo. */
    guard(guard: DialGuard): () => void {
      guards.add(guard);
      return () => guards.delete(guard);
    },
    /** A feature takes a route over; returns the undo. */
    handle(route: DialRoute, handler: DialHandler): () => void {
      handlers.set(route, handler);
      return () => {
        if (handlers.get(route) === handler) handlers.delete(route);
      };
    },
    /**
     * A channel entered Stasis that no feature owns. True when it was a dialled call (and it is answered now).
     * Synchronous up to the handler, so a handler's claim on the channel precedes the channel's next fact.
     */
    onEntered(fact: Extract<PbxFact, { kind: 'channel-entered' }>): boolean {
      const call = dialledCallOf(fact);
      if (!call) return false;
      if ('kind' in call) {
        const status = call.kind === 'forged' ? 403 : 404;
        logger.warn({ channel: call.channel.name, args: fact.args, status }, `${call.kind} trunk call refused`);
        void pbx.hangup(call.channel.id, rejectReason[status]);
        return true;
      }
      dispatch(call);
      return true;
    },
    /**
     * A phone's call goes on as if it had dialled `dialled` instead (a speed dial): the caller's restrictions, the plan
     * and the handlers apply to the new string exactly as to one dialled. Only for a call still unanswered by a route.
     */
    redial(call: Omit<DialledCall, 'argument' | 'emergency'>, dialled: string): void {
      dispatch({ channel: call.channel, dialled, origin: call.origin });
    },
    /** What the caller's restrictions (the guards) say of a string it asks for outside a dialled call (a transfer). */
    refusal(call: Omit<DialledCall, 'argument' | 'emergency'>): Exclude<DialAnswer, { kind: 'route' }> | undefined {
      const route = routeOfDialled(call.dialled, call.origin, emergencyNumbers);
      return route.kind === 'route' ? refusalOf(call, route) : undefined;
    },
    /** Our prompts' playbacks ending: hang up. True when the fact was about one of them. */
    onPlaybackFinished(fact: Extract<PbxFact, { kind: 'playback-finished' }>): boolean {
      if (!fact.playbackId.startsWith('dialprompt-')) return false;
      endPrompt(fact.playbackId);
      return true;
    },
    stop(): void {
      for (const entry of prompts.values()) clearTimeout(entry.timer);
      prompts.clear();
    },
  };
}

export type DialRouter = ReturnType<typeof createDialRouter>;
