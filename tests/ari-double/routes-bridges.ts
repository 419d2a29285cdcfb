/** /bridges and /playbacks routes. */
import type { Bridge, Channel } from './types.js';
import type { Router } from './rest.js';
import { err, ok, requireParam, type RestRequest, type RestResponse } from './rest.js';
import { bridgeSnapshot } from './events.js';
import { addChannels, createBridge, deleteBridge, leaveBridge } from './bridges.js';
import { playbackSnapshot, startPlayback, stopPlayback } from './playbacks.js';

function onBridge(fn: (req: RestRequest, br: Bridge) => RestResponse): (req: RestRequest) => RestResponse {
  return (req) => {
    const br = req.sim.bridges.get(req.path.bridgeId ?? '');
    return br ? fn(req, br) : err(404, 'Bridge not found');
  };
}

function create(req: RestRequest): RestResponse {
  const id = req.path.bridgeId ?? req.params.bridgeId ?? `bridge-${Math.random().toString(36).slice(2)}`;
  if (req.sim.bridges.has(id)) return err(409, 'Bridge with the same bridgeId already exists');
  const br = createBridge(req.sim, id, req.params.type ?? 'mixing', req.params.name ?? '');
  return ok(bridgeSnapshot(br));
}

/** Resolve `channel=a,b`: 400 unknown channel, 422 not in Stasis (e.g. a snoop before its StasisStart). */
function channelsParam(req: RestRequest): Channel[] | RestResponse {
  const ids = (requireParam(req.params, 'channel') ?? '').split(',').filter(Boolean);
  if (ids.length === 0) return err(400, 'Missing parameter channel');
  const chans: Channel[] = [];
  for (const id of ids) {
    const ch = req.sim.liveChannel(id);
    if (!ch) return err(400, 'Channel not found');
    if (!ch.inStasis) return err(422, 'Channel not in Stasis application');
    chans.push(ch);
  }
  return chans;
}

function addChannel(req: RestRequest, br: Bridge): RestResponse {
  const chans = channelsParam(req);
  if (!Array.isArray(chans)) return chans;
  addChannels(req.sim, br, chans);
  return ok();
}

function removeChannel(req: RestRequest, br: Bridge): RestResponse {
  const chans = channelsParam(req);
  if (!Array.isArray(chans)) return chans;
  if (chans.some((c) => c.bridgeId !== br.id)) return err(422, 'Channel not in this bridge');
  for (const ch of chans) leaveBridge(req.sim, ch, 'remove');
  return ok();
}

function stopMoh(_req: RestRequest, br: Bridge): RestResponse {
  if (!br.moh) return err(409, "Bridge isn't playing music");
  br.moh = undefined;
  return ok();
}

function play(req: RestRequest, br: Bridge): RestResponse {
  const media = requireParam(req.params, 'media');
  if (!media) return err(400, 'media parameter is required');
  const id = req.path.playbackId ?? req.params.playbackId ?? `pb-${Math.random().toString(36).slice(2)}`;
  const pb = startPlayback(req.sim, id, media.split(','), `bridge:${br.id}`, req.params.lang ?? 'en');
  return { status: 201, body: playbackSnapshot(pb) };
}

/** `POST /bridges/{id}/record`: the bridge's mix into a stored recording (as `ast_ari_bridges_record`). */
function record(req: RestRequest, br: Bridge): RestResponse {
  const name = requireParam(req.params, 'name');
  const format = requireParam(req.params, 'format');
  if (!name || !format) return err(400, 'Invalid parameters');
  const ifExists = req.params.ifExists ?? 'fail';
  const terminateOn = req.params.terminateOn ?? 'none';
  if (!['fail', 'overwrite', 'append'].includes(ifExists)) return err(400, 'ifExists invalid');
  if (!['none', 'any', '*', '#'].includes(terminateOn)) return err(400, 'terminateOn invalid');
  const started = req.sim.recordings.startBridge(br, {
    name,
    format,
    maxDurationSeconds: Number(req.params.maxDurationSeconds ?? 0),
    terminateOn,
    ifExists,
  });
  if ('status' in started) return err(started.status, started.message);
  return { status: 201, body: req.sim.recordings.snapshot(started) };
}

export function bridgeRoutes(r: Router): void {
  const b = '/bridges/{bridgeId}';
  r.add('GET', '/bridges', ({ sim }) => ok([...sim.bridges.values()].map((x) => bridgeSnapshot(x))))
    .add('POST', '/bridges', create)
    .add('POST', b, create)
    .add(
      'GET',
      b,
      onBridge((_req, br) => ok(bridgeSnapshot(br))),
    )
    .add(
      'DELETE',
      b,
      onBridge((req, br) => {
        deleteBridge(req.sim, br);
        return ok();
      }),
    )
    .add('POST', `${b}/addChannel`, onBridge(addChannel))
    .add('POST', `${b}/removeChannel`, onBridge(removeChannel))
    .add(
      'POST',
      `${b}/moh`,
      onBridge((req, br) => {
        br.moh = req.params.mohClass ?? 'default';
        return ok();
      }),
    )
    .add('DELETE', `${b}/moh`, onBridge(stopMoh))
    .add('POST', `${b}/record`, onBridge(record))
    .add('POST', `${b}/play`, onBridge(play))
    .add('POST', `${b}/play/{playbackId}`, onBridge(play))
    .add('GET', '/playbacks/{playbackId}', ({ sim, path }) => {
      const pb = sim.playbacks.get(path.playbackId ?? '');
      return pb ? ok(playbackSnapshot(pb)) : err(404, 'Playback not found');
    })
    .add('DELETE', '/playbacks/{playbackId}', ({ sim, path }) => {
      const pb = sim.playbacks.get(path.playbackId ?? '');
      if (!pb) return err(404, 'Playback not found');
      stopPlayback(sim, pb);
      return ok();
    });
}
