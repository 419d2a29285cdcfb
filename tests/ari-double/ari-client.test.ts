/** Smoke test: the real, unmodified ari-client against the double, plus phone-level behaviour. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ariClient from 'ari-client';
import { startAriDouble, type AriDouble } from './index.js';

/** The few ari-client operations used here (the package ships no types). */
interface Resource {
  id: string;
  name: string;
  state: string;
}
interface Client {
  on(type: string, cb: (event: Record<string, unknown>, res: Resource) => void): void;
  start(app: string): Promise<void>;
  stop(): void;
  channels: {
    answer(p: { channelId: string }): Promise<void>;
    play(p: { channelId: string; media: string; playbackId: string }): Promise<{ id: string; state: string }>;
    hangup(p: { channelId: string }): Promise<void>;
  };
  bridges: {
    create(p: { type: string; bridgeId: string; name: string }): Promise<{ id: string; technology: string }>;
    addChannel(p: { bridgeId: string; channel: string }): Promise<void>;
  };
}

function nextEvent(client: Client, type: string): Promise<[Record<string, unknown>, Resource]> {
  return new Promise((resolve) => client.on(type, (e, r) => resolve([e, r])));
}

let ari: AriDouble;

beforeEach(async () => {
  ari = await startAriDouble({ playbackMs: 30 });
  for (const id of ['1001', '1002']) ari.seedEndpoint(id, { password: `pw${id}` });
});

afterEach(async () => {
  await ari.close();
});

describe('ARI double with the real ari-client', () => {
  it('delivers StasisStart, answers, plays a sound and hangs up', async () => {
    const client = (await ariClient.connect(ari.url, 'ari', 'ari')) as unknown as Client;
    await client.start('pbx');
    const phone = await ari.registerPhone('1001', { password: 'pw1001' });
    const started = nextEvent(client, 'StasisStart');
    const call = phone.dial('700');
    const [event, channel] = await started;
    expect(event.args).toEqual(['700']);
    expect(channel.state).toBe('Ring');
    await client.channels.answer({ channelId: channel.id });
    expect(call.state).toBe('established');
    const finished = nextEvent(client, 'PlaybackFinished');
    const pb = await client.channels.play({
      channelId: channel.id,
      media: 'sound:hello-world',
      playbackId: 'pb1',
    });
    expect(pb.state).toBe('queued');
    const [done] = await finished;
    expect((done.playback as { state: string }).state).toBe('done');
    const ended = nextEvent(client, 'StasisEnd');
    await client.channels.hangup({ channelId: channel.id });
    await ended;
    expect(call.state).toBe('closed');
    expect(call.endedBy).toBe('remote');
    client.stop();
  });

  it('rejects wrong credentials with 401', async () => {
    const res = await fetch(`${ari.url}/ari/asterisk/ping`, {
      headers: { Authorization: `Basic ${Buffer.from('ari:bad').toString('base64')}` },
    });
    expect(res.status).toBe(401);
    await expect(ari.registerPhone('1001', { password: 'wrong' })).rejects.toThrow(/401/);
  });

  it('falls back to a native Dial when no app is connected', async () => {
    const a = await ari.registerPhone('1001', { password: 'pw1001' });
    const b = await ari.registerPhone('1002', { password: 'pw1002', answerMode: 'manual' });
    const call = a.dial('1002');
    const incoming = await b.waitForIncoming();
    expect(incoming.remote.number).toBe('1001');
    b.answer(incoming);
    await new Promise((r) => setTimeout(r, 10));
    expect(call.state).toBe('established');
    expect(a.hears()).toEqual(['1002']);
    expect(b.hears()).toEqual(['1001']);
    a.hangup();
    await new Promise((r) => setTimeout(r, 10));
    expect(incoming.state).toBe('closed');
  });

  it('lets tests prove who hears whom in a bridge with a whisper snoop', async () => {
    const client = (await ariClient.connect(ari.url, 'ari', 'ari')) as unknown as Client;
    await client.start('pbx');
    ari.seedEndpoint('1003', { password: 'pw1003' });
    const [customer, agent, sup] = await Promise.all(
      ['1001', '1002', '1003'].map((id) => ari.registerPhone(id, { password: `pw${id}` })),
    );
    const ids: string[] = [];
    client.on('StasisStart', (_e, ch) => {
      ids.push(ch.id);
    });
    customer?.dial('1002');
    agent?.dial('1001');
    sup?.dial('900');
    await new Promise((r) => setTimeout(r, 30));
    for (const id of ids) await client.channels.answer({ channelId: id });
    await client.bridges.create({ type: 'mixing', bridgeId: 'call', name: 'call' });
    await client.bridges.addChannel({ bridgeId: 'call', channel: `${ids[0]},${ids[1]}` });
    const auth = { Authorization: `Basic ${Buffer.from('ari:ari').toString('base64')}` };
    await fetch(`${ari.url}/ari/channels/${ids[1]}/snoop?spy=both&whisper=out&app=pbx&snoopId=coach`, {
      method: 'POST',
      headers: auth,
    });
    await new Promise((r) => setTimeout(r, 20));
    await client.bridges.create({ type: 'mixing', bridgeId: 'sup', name: 'sup' });
    await client.bridges.addChannel({ bridgeId: 'sup', channel: `${ids[2]},coach` });
    expect(sup?.hears()).toEqual(['1001', '1002']);
    expect(agent?.hears()).toEqual(['1001', '1003']);
    expect(customer?.hears()).toEqual(['1002']);
    client.stop();
  });
});
