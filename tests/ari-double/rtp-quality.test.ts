/** `CHANNEL(rtcp,…)` on the double: counters growing like a 50 packets/s stream, links degraded on demand. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseRtcpAll } from '../../controller/features/quality/rtcp-report.js';
import { startAriDouble, type AriDouble } from './index.js';
import { channelOf, connectRawAri, sleep, type RawAri } from './raw-ari.js';

let double: AriDouble;
let ari: RawAri;

beforeEach(async () => {
  double = await startAriDouble();
  double.seedEndpoint('1001', { password: 'pw' });
  ari = await connectRawAri(double);
});

afterEach(async () => {
  ari.close();
  await double.close();
});

const read = async (channelId: string, what = 'all') => {
  const variable = encodeURIComponent(`CHANNEL(rtcp,${what},audio)`);
  return ari.rest('GET', `/channels/${channelId}/variable?variable=${variable}`);
};
const valueOf = (r: { body: unknown }) => (r.body as { value: string }).value;

it('answers like Asterisk 22: zeros before the answer, then counters that grow at 50 packets/s', async () => {
  const phone = await double.registerPhone('1001', { password: 'pw' });
  phone.dial('1002');
  const id = channelOf(await ari.waitFor((e) => e.type === 'StasisStart')).id;
  expect(parseRtcpAll(valueOf(await read(id)))).toMatchObject({ received: 0, sent: 0, lostIn: 0 });
  await ari.rest('POST', `/channels/${id}/answer`);
  await sleep(200);
  const text = valueOf(await read(id));
  expect(text).toMatch(
    /^ssrc=\d+;themssrc=\d+;lp=0;rxjitter=0\.000000;rxcount=\d+;txjitter=0\.000000;txcount=\d+;rlp=0;rtt=0\.000000;rxmes=0\.000000;txmes=0\.000000$/,
  );
  const first = parseRtcpAll(text)!;
  expect(first.received).toBeGreaterThanOrEqual(9); // ≥ 200 ms at 50/s
  expect(first.received).toBeLessThan(30);
  await sleep(200);
  expect(parseRtcpAll(valueOf(await read(id)))!.sent).toBeGreaterThan(first.sent + 5);
  // A single field reads alike; an unknown one fails as Asterisk's function read does.
  expect(Number(valueOf(await read(id, 'rxcount')))).toBeGreaterThan(first.received);
  expect((await read(id, 'bogus')).status).toBe(500);
  // A channel with no RTP session of its own (a snoop): the function read fails.
  await ari.rest('POST', `/channels/${id}/snoop?spy=both&app=pbx&snoopId=snoop-1`);
  await ari.waitFor((e) => e.type === 'StasisStart' && channelOf(e).id === 'snoop-1');
  expect(await read('snoop-1')).toEqual({
    status: 500,
    body: { message: 'Unable to read provided function' },
  });
});

it('a degraded link loses that share of packets from then on, with the jitter and round trip given', async () => {
  const phone = await double.registerPhone('1001', { password: 'pw' });
  phone.dial('1002');
  const id = channelOf(await ari.waitFor((e) => e.type === 'StasisStart')).id;
  await ari.rest('POST', `/channels/${id}/answer`);
  double.setLinkQuality('PJSIP/1001', { lossPct: 20, jitterMs: 25, rttMs: 120 });
  await sleep(400);
  const report = parseRtcpAll(valueOf(await read(id)))!;
  const lossIn = report.lostIn / (report.received + report.lostIn);
  expect(lossIn).toBeGreaterThan(0.15);
  expect(lossIn).toBeLessThan(0.25);
  expect(report.lostOut / report.sent).toBeGreaterThan(0.15);
  expect(report).toMatchObject({ jitterIn: 0.025, jitterOut: 0.025, rtt: 0.12 });
  // Mended: the loss counts stop growing.
  double.setLinkQuality(id, { lossPct: 0 });
  const lost = parseRtcpAll(valueOf(await read(id)))!.lostIn;
  await sleep(200);
  expect(parseRtcpAll(valueOf(await read(id)))!.lostIn).toBe(lost);
  phone.hangup();
  await ari.waitFor((e) => e.type === 'StasisEnd');
  expect((await read(id)).status).toBe(404);
});
