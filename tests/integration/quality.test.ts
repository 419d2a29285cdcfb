import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimPhone } from '../ari-double/index.js';
import type { ApiClient } from '../helpers/fixtures.js';
import { clientFor, eventually, startTelephony, type Telephony } from '../helpers/telephony.js';
import { connectEvents, eventsUrl, ticket, type EventsClient } from '../helpers/ws-client.js';
import type { QualityPoor } from '../../controller/features/quality/quality.events.js';

/**
 * Call quality through the ARI double (`tests/ari-double/rtp-quality.ts`: RTP counters growing at 50 packets/s, links
 * degraded on demand), sampled every 40 ms: live figures for supervisors and admins only, `call.quality-poor` once per
 * drop and again only after a recovery, the figures on the call log at the end.
 */
let t: Telephony;
let api: Record<'agent' | 'supervisor' | 'admin', ApiClient>;
let phones: Record<'1001' | '1002', SimPhone>;
let sockets: Record<'agent' | 'supervisor', EventsClient>;

beforeAll(async () => {
  t = await startTelephony({ app: { quality: { sampleMs: 40 } } });
  const agent = await t.addUser('agent', '1001');
  await t.addUser('agent', '1002');
  const supervisor = await t.addUser('supervisor', '1010');
  const admin = await t.addUser('admin', '1011');
  await t.start();
  phones = { '1001': await t.phone('1001'), '1002': await t.phone('1002') };
  api = {
    agent: await clientFor(t.app, agent),
    supervisor: await clientFor(t.app, supervisor),
    admin: await clientFor(t.app, admin),
  };
  await t.app.server.listen({ host: '127.0.0.1', port: 0 });
  const socketOf = async (client: ApiClient) =>
    connectEvents(eventsUrl(t.app, `?ticket=${await ticket(t.app, client.headers)}`));
  sockets = { agent: await socketOf(api.agent), supervisor: await socketOf(api.supervisor) };
});
afterAll(async () => {
  for (const socket of Object.values(sockets ?? {})) socket.close();
  await t?.close();
});

interface LiveLeg {
  channelId: string;
  endpoint: string;
  samples: number;
  poor: boolean;
  mos: { min: number; avg: number; last: number };
}
const poorEvents = (callId: string) =>
  t.events.filter((e) => e.type === 'call.quality-poor' && (e.data as QualityPoor).callId === callId);
const liveLeg = async (callId: string, endpoint: string) => {
  const view = (await api.supervisor.get(`/api/calls/${callId}`)).json();
  return (view.quality?.legs as LiveLeg[] | undefined)?.find((leg) => leg.endpoint.startsWith(endpoint));
};
/** Waits for `count` more samples of the leg (each round reads every leg). */
async function samplesLater(callId: string, endpoint: string, count: number) {
  const now = (await liveLeg(callId, endpoint))?.samples ?? 0;
  return eventually(
    async () => {
      const leg = await liveLeg(callId, endpoint);
      return leg && leg.samples >= now + count ? leg : undefined;
    },
    5000,
    `${count} more samples of ${endpoint}`,
  );
}

describe('call quality', () => {
  it('shows live figures to supervisors and admins, raises call.quality-poor once per drop, stores the figures', async () => {
    phones['1001'].dial('1002');
    const answered = await eventually(
      () => t.events.find((e) => e.type === 'call.answered'),
      3000,
      'call.answered',
    );
    const callId = (answered.data as { id: string }).id;

    // A perfect link: G.711's best, MOS ≈ 4.41, on both legs.
    const callee = await samplesLater(callId, 'PJSIP/1002', 2);
    expect(callee.mos.last).toBeCloseTo(4.41, 2);
    expect(callee.poor).toBe(false);
    const view = (await api.admin.get(`/api/calls/${callId}`)).json();
    // The caller's leg is named by its channel (PJSIP/1001-…), the callee's by the endpoint rung.
    expect(view.quality.legs.map((l: LiveLeg) => l.endpoint.slice(0, 10)).sort()).toEqual([
      'PJSIP/1001',
      'PJSIP/1002',
    ]);
    expect(view.quality.poor).toBe(false);
    const listed = (await api.supervisor.get('/api/calls'))
      .json()
      .items.find((c: { id: string }) => c.id === callId);
    expect(listed.quality.legs).toHaveLength(2);
    // The agent on the call sees the call, not its quality.
    const own = (await api.agent.get(`/api/calls/${callId}`)).json();
    expect(own.id).toBe(callId);
    expect(own).not.toHaveProperty('quality');
    const ownListed = (await api.agent.get('/api/calls'))
      .json()
      .items.find((c: { id: string }) => c.id === callId);
    expect(ownListed).not.toHaveProperty('quality');

    // 1002's link loses 10 % of its packets: one alert for its leg, however long it stays bad.
    t.double.setLinkQuality('1002', { lossPct: 10, jitterMs: 30, rttMs: 80 });
    const first = await eventually(() => poorEvents(callId)[0], 3000, 'call.quality-poor');
    const alert = first.data as QualityPoor;
    expect(alert.leg).toMatchObject({ endpoint: 'PJSIP/1002', role: 'callee' });
    expect(alert.mos).toBeLessThan(3.5);
    expect(alert.lossPct).toBeGreaterThan(1);
    expect(alert).toMatchObject({ jitterMs: 30, rttMs: 80, threshold: 3.5 });
    // On the WebSocket: the supervisor is told, the agent on the call is not (they do see the call's own events).
    await sockets.supervisor.next((m) => m.type === 'call.quality-poor');
    await sockets.agent.next((m) => m.type === 'call.answered');
    const bad = await samplesLater(callId, 'PJSIP/1002', 5);
    expect(bad.poor).toBe(true);
    expect((await api.supervisor.get(`/api/calls/${callId}`)).json().quality.poor).toBe(true);
    expect(poorEvents(callId)).toHaveLength(1);
    expect((await liveLeg(callId, 'PJSIP/1001'))?.poor).toBe(false);

    // Mended: the loss leaves the 3-sample window, then 3 good samples in a row make a recovery (no new alert).
    t.double.setLinkQuality('1002', { lossPct: 0, jitterMs: 0, rttMs: 0 });
    const recovered = await eventually(
      async () => {
        const leg = await liveLeg(callId, 'PJSIP/1002');
        return leg && !leg.poor ? leg : undefined;
      },
      5000,
      'recovered',
    );
    expect(recovered.mos.last).toBeCloseTo(4.41, 2);
    expect(poorEvents(callId)).toHaveLength(1);

    // A new drop after the recovery: a second alert.
    t.double.setLinkQuality('1002', { lossPct: 10 });
    await eventually(() => poorEvents(callId).length === 2, 3000, 'a second call.quality-poor');
    await samplesLater(callId, 'PJSIP/1002', 3);
    expect(poorEvents(callId)).toHaveLength(2);
    t.double.setLinkQuality('1002', { lossPct: 0 });
    expect(sockets.supervisor.messages.filter((m) => m.type === 'call.quality-poor')).toHaveLength(2);
    expect(sockets.agent.messages.filter((m) => m.type === 'call.quality-poor')).toEqual([]);

    phones['1001'].hangup();
    await eventually(
      () => t.events.find((e) => e.type === 'call.ended' && (e.data as { id: string }).id === callId),
      3000,
      'ended',
    );
    // On the call log: each leg's figures, kept at the call's end.
    const log = await eventually(
      async () => {
        const page = (await api.admin.get('/api/call-logs')).json();
        const found = page.items.find((l: { callId: string }) => l.callId === callId);
        return found?.quality ? found : undefined;
      },
      3000,
      'the call log’s quality',
    );
    const stored = Object.fromEntries(
      (log.quality.legs as (LiveLeg & { poorAlerts: number; lossPct: number })[]).map((l) => [
        l.endpoint.slice(0, 10),
        l,
      ]),
    );
    expect(stored['PJSIP/1002']).toMatchObject({ role: 'callee', poorAlerts: 2 });
    expect(stored['PJSIP/1002']!.mos.min).toBeLessThan(3.5);
    expect(stored['PJSIP/1002']!.lossPct).toBeGreaterThan(0);
    expect(stored['PJSIP/1001']).toMatchObject({ role: 'caller', poorAlerts: 0, lossPct: 0 });
    expect(stored['PJSIP/1001']!.mos.min).toBeCloseTo(4.41, 2);
    expect(log.quality.mosMin).toBe(stored['PJSIP/1002']!.mos.min);
    // One call log, the same figures; the agent who took part reads them on their call log too.
    const one = (await api.agent.get(`/api/call-logs/${log.id}`)).json();
    expect(one.quality.legs).toHaveLength(2);
    // No longer live: nothing more is sampled or written for it.
    const rows = await t.db.selectFrom('call_quality').selectAll().where('call_id', '=', callId).execute();
    expect(rows.map((r) => r.samples)).toEqual(log.quality.legs.map((l: LiveLeg) => l.samples));
  });

  it('keeps one row per leg when the call outlives a controller restart: both controllers’ samples merged', async () => {
    await eventually(() => phones['1001'].currentCall === undefined, 3000, '1001 free');
    const since = t.events.length;
    phones['1001'].dial('1002');
    const answered = await eventually(
      () => t.events.slice(since).find((e) => e.type === 'call.answered'),
      3000,
      'call.answered',
    );
    const callId = (answered.data as { id: string }).id;
    const before = await samplesLater(callId, 'PJSIP/1002', 3);
    await t.restartController(); // the stopping controller writes what it sampled
    const written = await t.db.selectFrom('call_quality').selectAll().where('call_id', '=', callId).execute();
    expect(written).toHaveLength(2);
    const calleeRow = () =>
      t.db
        .selectFrom('call_quality')
        .selectAll()
        .where('call_id', '=', callId)
        .where('endpoint', '=', 'PJSIP/1002')
        .executeTakeFirstOrThrow();
    const first = await calleeRow();
    expect(first.samples).toBeGreaterThanOrEqual(before.samples);
    // The adopted call is sampled again by the new controller (its own api clients: the old app is gone).
    const admin = await clientFor(t.app, await t.addUser('admin', '1012'));
    await eventually(
      async () => {
        const leg = (await admin.get(`/api/calls/${callId}`))
          .json()
          .quality?.legs?.find((l: LiveLeg) => l.endpoint === 'PJSIP/1002') as LiveLeg | undefined;
        return leg && leg.samples >= 2;
      },
      5000,
      'sampled after the restart',
    );
    phones['1001'].hangup();
    const merged = await eventually(
      async () => {
        const row = await calleeRow();
        return row.samples > first.samples ? row : undefined;
      },
      3000,
      'the merged row',
    );
    expect(merged.first_sample_at).toEqual(first.first_sample_at);
    expect(merged.last_sample_at.getTime()).toBeGreaterThan(first.last_sample_at.getTime());
    expect(merged.mos_avg).toBeCloseTo(4.41, 2);
    expect(
      await t.db.selectFrom('call_quality').select('id').where('call_id', '=', callId).execute(),
    ).toHaveLength(2);
  });

  it('stores nothing for a call never answered', async () => {
    await eventually(() => phones['1001'].currentCall === undefined, 3000, '1001 free');
    const since = t.events.length;
    const call = phones['1001'].dial('1999'); // no such extension: refused, never answered
    await eventually(() => call.state === 'closed', 3000, 'refused');
    await t.app.quality?.sampler.sample();
    const ended = t.events.slice(since).filter((e) => e.type === 'call.ended' || e.type === 'call.answered');
    expect(ended.filter((e) => e.type === 'call.answered')).toEqual([]);
    expect(await t.db.selectFrom('call_quality').select('call_id').distinct().execute()).toHaveLength(2);
  });
});
