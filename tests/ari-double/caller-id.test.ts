/**
 * Channel variables of originate / create that are dialplan functions, as Asterisk 22 applies them
 * (res/ari/resource_channels.c, funcs/func_callerid.c, res/res_pjsip_caller_id.c): CALLERID(...) sets the
 * channel's caller, CONNECTEDLINE(...) its connected line, which is the From the callee's phone displays;
 * PJSIP_HEADER(add,…) becomes a header of the INVITE.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAriDouble, type AriDouble, type SimPhone } from './index.js';
import { channelOf, connectRawAri, sleep, type RawAri, type RawEvent } from './raw-ari.js';

let double: AriDouble;
let ari: RawAri;
let callee: SimPhone;

beforeEach(async () => {
  double = await startAriDouble();
  for (const id of ['1001', '1002']) double.seedEndpoint(id, { password: `pw${id}` });
  callee = await double.registerPhone('1002', { password: 'pw1002', answerMode: 'manual' });
  ari = await connectRawAri(double);
});

afterEach(async () => {
  ari.close();
  await double.close();
});

const PAGING_HEADERS = {
  'PJSIP_HEADER(add,Call-Info)': '<sip:127.0.0.1>;answer-after=0',
  'PJSIP_HEADER(add,Alert-Info)': 'info=alert-autoanswer',
};

const types = (events: RawEvent[]) =>
  events.map((e) => (e.type === 'ChannelVarset' ? `ChannelVarset ${String(e.variable)}` : e.type));

async function createLeg(id: string, variables: Record<string, unknown>) {
  const query = `endpoint=PJSIP/1002&app=pbx&appArgs=leg&channelId=${id}`;
  return ari.rest('POST', `/channels/create?${query}`, { variables });
}

describe('POST /channels/create with caller-ID functions in variables', () => {
  it('sets caller and connected line (events before StasisStart) and the callee shows the connected line', async () => {
    const created = await createLeg('leg-1', {
      'CALLERID(name)': 'Alice',
      'CALLERID(num)': '1001',
      'CONNECTEDLINE(name)': 'Reception',
      'CONNECTEDLINE(num)': '100',
      CALL_KIND: 'page',
      ...PAGING_HEADERS,
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      caller: { name: 'Alice', number: '1001' },
      connected: { name: 'Reception', number: '100' },
    });
    await ari.waitFor((e) => e.type === 'StasisStart');
    expect(types(ari.events)).toEqual([
      'ChannelCallerId',
      'ChannelCallerId',
      'ChannelConnectedLine',
      'ChannelConnectedLine',
      'ChannelVarset CALL_KIND',
      'ChannelDialplan',
      'ChannelVarset STASISSTATUS',
      'StasisStart',
    ]);
    expect(ari.events[0]).toMatchObject({
      caller_presentation: 0,
      caller_presentation_txt: 'Presentation Allowed, Not Screened',
    });
    expect(channelOf(ari.events[1]!).caller).toEqual({ name: 'Alice', number: '1001' });

    expect((await ari.rest('POST', '/channels/leg-1/dial')).status).toBe(204);
    const incoming = await callee.waitForIncoming();
    expect(incoming.remote).toEqual({ name: 'Reception', number: '100' });
    expect(incoming.headers).toEqual({
      'Call-Info': '<sip:127.0.0.1>;answer-after=0',
      'Alert-Info': 'info=alert-autoanswer',
    });
    const read = async (variable: string) =>
      (await ari.rest('GET', `/channels/leg-1/variable?variable=${encodeURIComponent(variable)}`)).body;
    expect(await read('CALLERID(num)')).toEqual({ value: '1001' });
    expect(await read('CONNECTEDLINE(name)')).toEqual({ value: 'Reception' });
    expect(await read('CALLERID(all)')).toEqual({ value: '"Alice" <1001>' });
  });

  it('parses CALLERID(all) / CONNECTEDLINE(all) and takes {value} objects (Asterisk 22 body format)', async () => {
    const created = await createLeg('leg-2', {
      'CALLERID(all)': '"Front Desk" <200>',
      'CONNECTEDLINE(all)': { value: 'Bob <1002>', report_events: true },
    });
    expect(created.body).toMatchObject({
      caller: { name: 'Front Desk', number: '200' },
      connected: { name: 'Bob', number: '1002' },
    });
    await ari.waitFor((e) => e.type === 'StasisStart');
    await ari.rest('POST', '/channels/leg-2/dial');
    expect((await callee.waitForIncoming()).remote).toEqual({ name: 'Bob', number: '1002' });
  });

  it('rejects a variable value that is neither a string nor {value}', async () => {
    const created = await createLeg('leg-3', { 'CALLERID(num)': 1001 });
    expect(created.status).toBe(400);
    expect(double.channels()).toEqual([]);
  });

  it('a dial with caller= replaces the connected line with that channel’s caller ID', async () => {
    const caller = await double.registerPhone('1001', { password: 'pw1001' });
    caller.dial('1002');
    const inbound = channelOf(await ari.waitFor((e) => e.type === 'StasisStart'));
    await createLeg('leg-4', { 'CONNECTEDLINE(name)': 'Someone', 'CONNECTEDLINE(num)': '999' });
    const from = ari.events.length;
    await ari.waitFor((e) => e.type === 'StasisStart' && channelOf(e).id === 'leg-4');
    await ari.rest('POST', `/channels/leg-4/dial?caller=${inbound.id}`);
    expect((await callee.waitForIncoming()).remote).toEqual({ name: 'Ext 1001', number: '1001' });
    expect(types(ari.events.slice(from))).toContain('ChannelConnectedLine');
  });

  it('CONNECTEDLINE set on a ringing leg updates what the phone displays', async () => {
    await createLeg('leg-5', { 'CONNECTEDLINE(num)': '100' });
    await ari.waitFor((e) => e.type === 'StasisStart');
    await ari.rest('POST', '/channels/leg-5/dial');
    const incoming = await callee.waitForIncoming();
    await ari.waitFor((e) => e.type === 'Dial' && e.dialstatus === 'RINGING');
    const from = ari.events.length;
    const set = await ari.rest(
      'POST',
      '/channels/leg-5/variable?variable=CONNECTEDLINE(name)&value=Queue%20Sales',
    );
    expect(set.status).toBe(204);
    expect(incoming.remote).toEqual({ name: 'Queue Sales', number: '100' });
    await sleep(20);
    expect(types(ari.events.slice(from))).toEqual(['ChannelConnectedLine']);
  });
});

describe('POST /channels (originate) with variables', () => {
  it('applies them after callerId and before the subscription: the app sees none of their events', async () => {
    const query = 'endpoint=PJSIP/1002&app=pbx&appArgs=page&channelId=orig-1&callerId=Reception%20%3C100%3E';
    const made = await ari.rest('POST', `/channels?${query}`, {
      variables: { 'CONNECTEDLINE(name)': 'Paging', 'CALLERID(num)': '700', PAGE: '1', ...PAGING_HEADERS },
    });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({
      caller: { name: 'Reception', number: '700' },
      connected: { name: 'Paging', number: '100' },
    });
    const incoming = await callee.waitForIncoming();
    expect(incoming.remote).toEqual({ name: 'Paging', number: '100' });
    expect(incoming.headers['Call-Info']).toBe('<sip:127.0.0.1>;answer-after=0');
    await sleep(20);
    expect(types(ari.events)).toEqual(['ChannelStateChange', 'Dial', 'Dial']);
  });
});
