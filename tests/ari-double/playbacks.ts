/**
 * Playbacks on channels and bridges: media lists, PlaybackStarted/Continuing/Finished, stop. A `sound:` file lasts
 * `playbackMs`; a `tone:` plays until stopped or its target goes (res_stasis_playback.c → `ast_control_tone`, which
 * loops until a stop control or hang-up; `;tonezone=<zone>` only picks the zone, any other `;` part fails at once).
 */
import type { Sim } from './sim.js';
import type { Playback } from './types.js';
import { emit } from './events.js';
import { callOf } from './phone-side.js';

export function playbackSnapshot(pb: Playback): Record<string, unknown> {
  const snap: Record<string, unknown> = { id: pb.id, media_uri: pb.media[pb.index] ?? '' };
  const next = pb.media[pb.index + 1];
  if (next !== undefined) snap.next_media_uri = next;
  return { ...snap, target_uri: pb.targetUri, language: pb.language, state: pb.state };
}

function scopeOf(
  sim: Sim,
  targetUri: string,
): { channels?: ReturnType<Sim['liveChannel']>[]; bridges?: ReturnType<Sim['bridges']['get']>[] } {
  const [kind, id = ''] = targetUri.split(':');
  return kind === 'channel' ? { channels: [sim.channels.get(id)] } : { bridges: [sim.bridges.get(id)] };
}

function emitPb(sim: Sim, type: string, pb: Playback): void {
  emit(sim, type, { playback: playbackSnapshot(pb) }, scopeOf(sim, pb.targetUri));
}

/** Queue a playback: it starts when earlier playbacks on the same target are over. */
export function startPlayback(
  sim: Sim,
  id: string,
  media: string[],
  targetUri: string,
  language = 'en',
): Playback {
  const pb: Playback = { id, media, index: 0, targetUri, language, state: 'queued' };
  sim.playbacks.set(id, pb);
  const busy = [...sim.playbacks.values()].some(
    (p) => p !== pb && p.targetUri === targetUri && p.state !== 'queued',
  );
  if (!busy) sim.later(0, () => play(sim, pb));
  return pb;
}

function play(sim: Sim, pb: Playback): void {
  if (pb.state !== 'queued') return;
  pb.state = 'playing';
  emitPb(sim, 'PlaybackStarted', pb);
  scheduleFileEnd(sim, pb);
}

const TONE = 'tone:';

function isTone(media: string | undefined): boolean {
  return media?.startsWith(TONE) ?? false;
}

/** `tone:<indication>[;tonezone=<zone>]`: anything else after `;` makes `ast_control_tone` fail. */
function validTone(media: string): boolean {
  const rest = media.slice(TONE.length).split(';');
  return (
    (rest[0] ?? '') !== '' && (rest.length === 1 || (rest.length === 2 && /^tonezone=/.test(rest[1] ?? '')))
  );
}

function scheduleFileEnd(sim: Sim, pb: Playback): void {
  const media = pb.media[pb.index] ?? '';
  // `recording:<name>` plays a stored recording; one that does not exist fails at once.
  if (media.startsWith('recording:') && !sim.recordings.stored.has(media.slice('recording:'.length))) {
    pb.timer = sim.later(0, () => fileFailed(sim, pb));
    return;
  }
  if (!isTone(media)) {
    pb.timer = sim.later(sim.playbackDuration(media), () => {
      playedOut(sim, pb.targetUri, media);
      fileEnded(sim, pb);
    });
    return;
  }
  // A tone never ends by itself; a malformed one fails at once (the last media: the playback fails).
  if (!validTone(media)) pb.timer = sim.later(0, () => fileFailed(sim, pb));
}

/**
 * A sound file played to its end on Asterisk's side reaches the ear `playoutMs` later: each phone whose call (on the
 * target channel, or in the target bridge) is still up by then heard it in full. Silence (`sound:silence/N`, the
 * playout guard before a hang-up) is no prompt: whether a phone "heard" it would only say how fast the hang-up came.
 */
function playedOut(sim: Sim, targetUri: string, media: string): void {
  if (media.startsWith('sound:silence/')) return;
  const [kind, id = ''] = targetUri.split(':');
  const channelIds = kind === 'channel' ? [id] : (sim.bridges.get(id)?.channels ?? []);
  const calls = channelIds.flatMap((channelId) => {
    const ch = sim.liveChannel(channelId);
    const found = ch ? callOf(sim, ch) : undefined;
    return found ? [found.call] : [];
  });
  if (calls.length === 0) return;
  sim.later(sim.opts.playoutMs, () => {
    for (const call of calls) if (call.state !== 'closed') call.prompts.push(media);
  });
}

function fileFailed(sim: Sim, pb: Playback): void {
  if (pb.index + 1 < pb.media.length) return fileEnded(sim, pb);
  finish(sim, pb, 'failed');
}

function fileEnded(sim: Sim, pb: Playback): void {
  if (pb.index + 1 < pb.media.length) {
    pb.state = 'continuing';
    emitPb(sim, 'PlaybackContinuing', pb);
    pb.index += 1;
    pb.state = 'playing';
    emitPb(sim, 'PlaybackStarted', pb);
    scheduleFileEnd(sim, pb);
    return;
  }
  finish(sim, pb, 'done');
}

function finish(sim: Sim, pb: Playback, state: 'done' | 'failed'): void {
  sim.cancel(pb.timer);
  const wasQueued = pb.state === 'queued';
  pb.state = state;
  if (!wasQueued || state === 'done') emitPb(sim, 'PlaybackFinished', pb);
  sim.playbacks.delete(pb.id);
  const next = [...sim.playbacks.values()].find((p) => p.targetUri === pb.targetUri && p.state === 'queued');
  if (next && !wasQueued) sim.later(0, () => play(sim, next));
}

/**
 * DELETE /playbacks/{id}. A stopped sound ends the whole playback; a stopped tone ends only that media
 * (`ast_control_tone` returns 0 on the stop control, so the media list goes on).
 */
export function stopPlayback(sim: Sim, pb: Playback): void {
  if (pb.state === 'playing' && isTone(pb.media[pb.index]) && pb.index + 1 < pb.media.length) {
    sim.cancel(pb.timer);
    return fileEnded(sim, pb);
  }
  finish(sim, pb, 'done');
}

/** The target went away: running playbacks end `failed`, queued ones silently. */
export function failPlaybacksOf(sim: Sim, targetUri: string): void {
  const mine = [...sim.playbacks.values()].filter((pb) => pb.targetUri === targetUri);
  for (const pb of mine) if (pb.state === 'queued') sim.playbacks.delete(pb.id);
  for (const pb of mine) if (pb.state !== 'queued') finish(sim, pb, 'failed');
}

/** The media a target is playing right now (for the audio model). */
export function playingOn(sim: Sim, targetUri: string): string[] {
  return [...sim.playbacks.values()]
    .filter((p) => p.targetUri === targetUri && p.state === 'playing')
    .map((p) => p.media[p.index] ?? '');
}
