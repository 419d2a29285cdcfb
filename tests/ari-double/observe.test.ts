/** `AriDouble.observe`: what the double did, with timestamps, for measuring a controller from outside. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startAriDouble, type AriDouble, type DoubleTrace } from './index.js';
import { channelOf, connectRawAri, type RawAri } from './raw-ari.js';

let double: AriDouble;
let ari: RawAri;

beforeEach(async () => {
  double = await startAriDouble();
  for (const id of ['1001', '1002']) double.seedEndpoint(id, { password: 'pw' });
  ari = await connectRawAri(double);
});

afterEach(async () => {
  ari.close();
  await double.close();
});

it('reports StasisStart, create and dial in order, with increasing timestamps, until unsubscribed', async () => {
  const records: DoubleTrace[] = [];
  const stop = double.observe((r) => records.push(r));
  const caller = await double.registerPhone('1001', { password: 'pw' });
  await double.registerPhone('1002', { password: 'pw', answerMode: 'manual' });
  caller.dial('1002');
  const inbound = channelOf(await ari.waitFor((e) => e.type === 'StasisStart')).id;
  await ari.rest('POST', '/channels/create?endpoint=PJSIP/1002&app=pbx&appArgs=leg&channelId=leg');
  await ari.waitFor((e) => e.type === 'StasisStart' && channelOf(e).id === 'leg');
  await ari.rest('POST', `/channels/leg/dial?caller=${inbound}`);
  await ari.waitFor((e) => e.type === 'ChannelStateChange' && channelOf(e).id === 'leg');
  stop();
  await ari.rest('DELETE', '/channels/leg');
  expect(records.filter((r) => r.kind !== 'state-change')).toMatchObject([
    { kind: 'stasis-start', channelId: inbound, origin: 'inbound', endpointId: '1001', args: ['1002'] },
    { kind: 'create-request', channelId: 'leg', endpointId: '1002' },
    { kind: 'stasis-start', channelId: 'leg', origin: 'create', endpointId: '1002', args: ['leg'] },
    { kind: 'dial-request', channelId: 'leg', endpointId: '1002', callerChannelId: inbound },
  ]);
  // The rung leg's state change is reported too (e.g. for timing an event from Asterisk to the controller's clients).
  expect(records).toContainEqual(expect.objectContaining({ kind: 'state-change', channelId: 'leg', state: 'Ringing' }));
  const times = records.map((r) => r.at);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
});
