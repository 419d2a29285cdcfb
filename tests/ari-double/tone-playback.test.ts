/**
 * `tone:` playbacks as Asterisk 22 plays them (res_stasis_playback.c → main/app.c `ast_control_tone`): the tone
 * loops until `DELETE /playbacks/{id}` or the channel goes, whatever `playbackMs` says about sound files.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAriDouble, type AriDouble, type PhoneCall, type SimPhone } from './index.js';
import { channelOf, connectRawAri, sleep, type RawAri, type RawEvent } from './raw-ari.js';

let double: AriDouble;
let ari: RawAri;
let phone: SimPhone;
let call: PhoneCall;
let channelId: string;

beforeEach(async () => {
  double = await startAriDouble({ playbackMs: 20 });
  double.seedEndpoint('1001', { password: 'pw' });
  phone = await double.registerPhone('1001', { password: 'pw' });
  ari = await connectRawAri(double);
  call = phone.dial('700');
  channelId = channelOf(await ari.waitFor((e) => e.type === 'StasisStart')).id;
  await ari.rest('POST', `/channels/${channelId}/answer`);
});

afterEach(async () => {
  ari.close();
  await double.close();
});

const playbackEvents = (from = 0) =>
  ari.events
    .slice(from)
    .filter((e) => e.type.startsWith('Playback'))
    .map((e) => {
      const pb = e.playback as { media_uri: string; state: string };
      return `${e.type} ${pb.media_uri} ${pb.state}`;
    });

const finished = (id: string) => (e: RawEvent) =>
  e.type === 'PlaybackFinished' && (e.playback as { id: string }).id === id;

async function play(id: string, media: string) {
  const res = await ari.rest('POST', `/channels/${channelId}/play/${id}?media=${encodeURIComponent(media)}`);
  expect(res.status).toBe(201);
}

describe('tone playback', () => {
  it('plays tone:ring until DELETE /playbacks/{id}, then finishes done', async () => {
    await play('rb', 'tone:ring');
    await sleep(200);
    expect((await ari.rest('GET', '/playbacks/rb')).body).toMatchObject({ state: 'playing' });
    expect(phone.hears(call)).toEqual(['tone:ring']);
    expect(playbackEvents()).toEqual(['PlaybackStarted tone:ring playing']);
    expect((await ari.rest('DELETE', '/playbacks/rb')).status).toBe(204);
    expect(playbackEvents()).toEqual([
      'PlaybackStarted tone:ring playing',
      'PlaybackFinished tone:ring done',
    ]);
    expect(phone.hears(call)).toEqual([]);
    expect((await ari.rest('GET', '/playbacks/rb')).status).toBe(404);
  });

  it('ends failed when the channel hangs up, like any playback cut by a hang-up', async () => {
    await play('rb', 'tone:ring;tonezone=fr');
    await sleep(100);
    phone.hangup(call);
    const end = await ari.waitFor(finished('rb'));
    expect(end.playback).toMatchObject({ media_uri: 'tone:ring;tonezone=fr', state: 'failed' });
  });

  it('in a media list, stopping the tone goes on with the next media', async () => {
    await play('list', 'tone:busy,sound:beep');
    await sleep(100);
    await ari.rest('DELETE', '/playbacks/list');
    await ari.waitFor(finished('list'));
    expect(playbackEvents()).toEqual([
      'PlaybackStarted tone:busy playing',
      'PlaybackContinuing tone:busy continuing',
      'PlaybackStarted sound:beep playing',
      'PlaybackFinished sound:beep done',
    ]);
  });

  it('a tone queued behind a sound starts when the sound ends; a malformed tone URI fails at once', async () => {
    await play('first', 'sound:beep');
    await play('second', 'tone:dial');
    await ari.waitFor((e) => e.type === 'PlaybackStarted' && (e.playback as { id: string }).id === 'second');
    await sleep(100);
    expect(phone.hears(call)).toEqual(['tone:dial']);
    await ari.rest('DELETE', '/playbacks/second');
    const from = ari.events.length;
    await play('bad', 'tone:ring;volume=3');
    expect((await ari.waitFor(finished('bad'), from)).playback).toMatchObject({ state: 'failed' });
  });
});
