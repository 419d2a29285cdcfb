/** /channels routes. */
import type { Channel, SnoopDirection } from './types.js';
import type { Sim } from './sim.js';
import type { Router } from './rest.js';
import { err, ok, requireParam, type RestRequest, type RestResponse } from './rest.js';
import { channelSnapshot } from './events.js';
import { REASONS, requestHangup, sipStatusForCause } from './channels.js';
import {
  AllocationFailed,
  createOutbound,
  dialCreated,
  emitDial,
  originate,
  type OutboundParams,
} from './outbound.js';
import * as ops from './channel-ops.js';
import { createSnoop, validDirection } from './snoop.js';
import { startPlayback, playbackSnapshot } from './playbacks.js';
import { transferProgress } from './transfer.js';
import { getVariable, setVariable, VariableError, variablesOf } from './variables.js';
import { rtcpFunction, RtcpReadError } from './rtp-quality.js';

type ChannelHandler = (req: RestRequest, ch: Channel) => RestResponse;

/** 404 for an unknown channel, 409 for one that is not (or no longer, or not yet) in Stasis. */
function onChannel(fn: ChannelHandler, needStasis = true): (req: RestRequest) => RestResponse {
  return (req) => {
    const ch = req.sim.liveChannel(req.path.channelId ?? '');
    if (!ch) return err(404, 'Channel not found');
    if (needStasis && !ch.inStasis) return err(409, 'Channel not in Stasis application');
    return fn(req, ch);
  };
}

/**
 * Asterisk refuses most operations on an outbound channel that is not answered yet (`channel_state_invalid` in
 * res/ari/resource_channels.c: states Down, Reserved and Ringing; the double has no Reserved) with 412 "Channel in invalid state": answer, ring,
 * progress, hold, MOH, silence, mute, DTMF, play, continue, redirect. An inbound channel (state Ring) is fine.
 */
function answered(fn: ChannelHandler): ChannelHandler {
  return (req, ch) =>
    ch.state === 'Down' || ch.state === 'Ringing' ? err(412, 'Channel in invalid state') : fn(req, ch);
}

function args(s: string | undefined): string[] {
  return s ? s.split(',') : [];
}

function outboundParams(req: RestRequest): OutboundParams | RestResponse {
  const endpoint = requireParam(req.params, 'endpoint');
  const app = requireParam(req.params, 'app');
  if (!endpoint || !app) return err(400, 'Invalid parameters for originating a channel.');
  const channelId = req.path.channelId ?? req.params.channelId;
  if (channelId && req.sim.liveChannel(channelId))
    return err(409, 'Channel with given unique ID already exists.');
  const timeout = req.params.timeout ? Number(req.params.timeout) : undefined;
  const variables = variablesOf(req.body);
  if (!variables)
    return err(
      400,
      "Each value in 'variables' must be a string or an object with 'value' and optional 'report_events'",
    );
  return {
    endpoint,
    app,
    appArgs: args(req.params.appArgs),
    channelId,
    callerId: req.params.callerId,
    timeoutSec: timeout,
    variables,
  };
}

function makeChannel(req: RestRequest, make: (sim: Sim, p: OutboundParams) => Channel): RestResponse {
  const p = outboundParams(req);
  if ('status' in p) return p;
  try {
    return ok(channelSnapshot(make(req.sim, p)));
  } catch (e) {
    if (e instanceof AllocationFailed) return { status: 500, body: { error: 'Allocation failed' } };
    throw e;
  }
}

function hangup(req: RestRequest, ch: Channel): RestResponse {
  const reason = req.params.reason;
  const code = req.params.reason_code ? Number(req.params.reason_code) : reason ? REASONS[reason] : 16;
  if (code === undefined || Number.isNaN(code)) return err(400, 'Invalid reason for hangup provided');
  const ringingOriginate = ch.origin === 'originate' && !ch.inStasis && ch.state !== 'Up';
  // res_pjsip_rfc3326: cause 26 (answered elsewhere) adds the SIP reason before the Q.850 one.
  const sipReason = code === 26 ? 'SIP;cause=200;text="Call completed elsewhere"' : `Q.850;cause=${code}`;
  requestHangup(req.sim, ch, {
    cause: 32,
    soft: true,
    destroyCause: 16,
    sipStatus: sipStatusForCause(code),
    sipReason,
  });
  // An originate still ringing reports its dial ended (measured: HangupRequest, Dial NOANSWER, ChannelDestroyed).
  if (ringingOriginate) emitDial(req.sim, ch, 'NOANSWER');
  return ok();
}

function play(req: RestRequest, ch: Channel): RestResponse {
  const media = requireParam(req.params, 'media');
  if (!media) return err(400, 'media parameter is required');
  const id = req.path.playbackId ?? req.params.playbackId ?? `pb-${Math.random().toString(36).slice(2)}`;
  const pb = startPlayback(req.sim, id, media.split(','), `channel:${ch.id}`, req.params.lang ?? 'en');
  return { status: 201, body: playbackSnapshot(pb) };
}

function snoop(req: RestRequest, ch: Channel): RestResponse {
  const spy = req.params.spy ?? 'none';
  const whisper = req.params.whisper ?? 'none';
  const app = requireParam(req.params, 'app');
  if (!app || !validDirection(spy) || !validDirection(whisper) || (spy === 'none' && whisper === 'none')) {
    return err(400, 'Invalid parameters');
  }
  const snoopId = req.path.snoopId ?? req.params.snoopId;
  const s = createSnoop(req.sim, ch, { spy, whisper, app, appArgs: args(req.params.appArgs), snoopId });
  return ok(channelSnapshot(s));
}

function dial(req: RestRequest, ch: Channel): RestResponse {
  req.sim.trace((at) => ({
    kind: 'dial-request',
    at,
    channelId: ch.id,
    endpointId: ch.endpointId,
    callerChannelId: req.params.caller,
  }));
  if (ch.origin !== 'create' || ch.state !== 'Down') return err(409, 'Channel cannot be dialed.');
  const callerId = req.params.caller;
  const caller = callerId ? req.sim.liveChannel(callerId) : undefined;
  if (callerId && !caller) return err(404, 'Caller channel cannot be found.');
  dialCreated(req.sim, ch, caller, Number(req.params.timeout ?? 0));
  return ok();
}

function getVar(req: RestRequest, ch: Channel): RestResponse {
  const name = requireParam(req.params, 'variable');
  if (!name) return err(400, 'Variable name is required');
  try {
    const rtcp = rtcpFunction(name);
    return ok({ value: rtcp ? req.sim.rtp.read(ch, rtcp) : getVariable(ch, name) });
  } catch (e) {
    if (e instanceof VariableError) return err(e.status, e.message);
    if (e instanceof RtcpReadError) return err(500, 'Unable to read provided function');
    throw e;
  }
}

function setVar(req: RestRequest, ch: Channel): RestResponse {
  const name = requireParam(req.params, 'variable');
  if (!name) return err(400, 'Variable name is required');
  try {
    setVariable(req.sim, ch, name, req.params.value ?? '');
    return ok();
  } catch (e) {
    if (e instanceof VariableError) return err(e.status, e.message);
    throw e;
  }
}

function direction(req: RestRequest): SnoopDirection {
  const d = req.params.direction ?? 'both';
  return validDirection(d) ? d : 'both';
}

function progress(req: RestRequest, ch: Channel): RestResponse {
  const states = requireParam(req.params, 'states');
  if (!states || !transferProgress(req.sim, ch, states)) return err(400, 'Invalid states parameter');
  return ok();
}

export function channelRoutes(r: Router): void {
  const c = '/channels/{channelId}';
  const act = (fn: (req: RestRequest, ch: Channel) => void): ((req: RestRequest) => RestResponse) =>
    onChannel(
      answered((req, ch) => {
        fn(req, ch);
        return ok();
      }),
    );
  r.add('GET', '/channels', ({ sim }) =>
    ok([...sim.channels.values()].filter((x) => !x.gone).map((x) => channelSnapshot(x))),
  )
    .add('POST', '/channels', (req) => makeChannel(req, originate))
    .add('POST', '/channels/create', (req) => makeChannel(req, createOutbound))
    .add(
      'GET',
      c,
      onChannel((_req, ch) => ok(channelSnapshot(ch)), false),
    )
    .add('POST', c, (req) => makeChannel(req, originate))
    .add('DELETE', c, onChannel(hangup, false))
    .add(
      'POST',
      `${c}/answer`,
      act((req, ch) => ops.answer(req.sim, ch)),
    )
    .add(
      'POST',
      `${c}/ring`,
      act((req, ch) => ops.ring(req.sim, ch, true)),
    )
    .add(
      'DELETE',
      `${c}/ring`,
      act((req, ch) => ops.ring(req.sim, ch, false)),
    )
    .add(
      'POST',
      `${c}/progress`,
      act(() => undefined),
    )
    .add(
      'POST',
      `${c}/hold`,
      act((req, ch) => ops.hold(req.sim, ch, true)),
    )
    .add(
      'DELETE',
      `${c}/hold`,
      act((req, ch) => ops.hold(req.sim, ch, false)),
    )
    .add(
      'POST',
      `${c}/moh`,
      act((req, ch) => ops.moh(req.sim, ch, req.params.mohClass ?? 'default')),
    )
    .add(
      'DELETE',
      `${c}/moh`,
      act((req, ch) => ops.moh(req.sim, ch, undefined)),
    )
    .add(
      'POST',
      `${c}/silence`,
      act((_req, ch) => {
        ch.silence = true;
      }),
    )
    .add(
      'DELETE',
      `${c}/silence`,
      act((_req, ch) => {
        ch.silence = false;
      }),
    )
    .add(
      'POST',
      `${c}/mute`,
      act((req, ch) => ops.mute(ch, direction(req), true)),
    )
    .add(
      'DELETE',
      `${c}/mute`,
      act((req, ch) => ops.mute(ch, direction(req), false)),
    )
    .add(
      'POST',
      `${c}/dtmf`,
      onChannel(
        answered((req, ch) => {
          const dtmf = requireParam(req.params, 'dtmf');
          if (!dtmf) return err(400, 'DTMF is required');
          ops.sendDtmf(req.sim, ch, dtmf, Number(req.params.between ?? 100));
          return ok();
        }),
      ),
    )
    .add('POST', `${c}/play`, onChannel(answered(play)))
    .add('POST', `${c}/play/{playbackId}`, onChannel(answered(play)))
    .add('GET', `${c}/variable`, onChannel(getVar))
    .add('POST', `${c}/variable`, onChannel(setVar))
    .add('POST', `${c}/snoop`, onChannel(snoop, false))
    .add('POST', `${c}/snoop/{snoopId}`, onChannel(snoop, false))
    .add('POST', `${c}/dial`, onChannel(dial))
    .add(
      'POST',
      `${c}/continue`,
      act((req, ch) => ops.continueInDialplan(req.sim, ch)),
    )
    .add('POST', `${c}/transfer_progress`, onChannel(progress));
}
