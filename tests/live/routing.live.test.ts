import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../helpers/telephony.js';
import { BaresipPhone } from './baresip.js';
import {
  describeLive,
  establishedAt,
  live,
  sleep,
  startLivePbx,
  type LivePbx,
  type LiveUser,
} from './live-env.js';
import { readWav, toneSnrDb } from './tone-meter.js';

/**
 * Routing a customer's call (issue 13) on a real Asterisk: a baresip on 127.0.0.2 plays the carrier (not registered;
 * Asterisk tells it by its address through the trunk's identify) and calls the DID with a customer's number as caller
 * ID. The contact's assigned agent rings and the others do not; answered, audio goes both ways (tones measured);
 * unanswered, the team rings after assignedRingSeconds. Skips without ARI_URL.
 *
 * Run on Asterisk 22.10.1 here (2026-12-02): the carrier heard the agent at +38.3 dB, the agent the carrier at
 * +34.6 dB; the team rang 3021 ms after the carrier dialled (assignedRingSeconds 3).
 */
const DID = '+15550001';
const CUSTOMER = '+15551110001';
const ASSIGNED_RING_SECONDS = 3;
const tones = { '3101': 440, '3102': 1000, '3103': 1800, carrier: 1400 } as const;

describeLive('live: routing a customer call from a trunk', () => {
  let pbx: LivePbx;
  let carrier: BaresipPhone;
  const users: Record<string, LiveUser> = {};
  const agents: Record<string, BaresipPhone> = {};

  beforeAll(async () => {
    pbx = await startLivePbx({ DIAL_TIMEOUT_SECONDS: 10 });
    const team = (await pbx.admin.post('/api/teams', { name: `Live routing ${Date.now()}` })).json<{
      id: string;
    }>();
    for (const ext of ['3101', '3102', '3103']) {
      users[ext] = await pbx.createUser(ext, 'agent', team.id);
      agents[ext] = await pbx.phone(ext, users[ext]!.sipPassword, tones[ext as keyof typeof tones], 'manual');
    }
    const trunk = await pbx.admin.post('/api/trunks', {
      name: `Carrier ${Date.now()}`,
      host: '127.0.0.2',
      match: ['127.0.0.2'],
    });
    expect(trunk.statusCode, trunk.body).toBe(201);
    const trunkId = trunk.json<{ id: string }>().id;
    await eventually(
      async () => (await pbx.connection.pbx.getSipObject('identify', `trunk-${trunkId}`)).ok,
      5000,
      'the trunk pushed',
    );
    const route = await pbx.admin.post('/api/inbound-routes', {
      did: DID,
      teamId: team.id,
      assignedRingSeconds: ASSIGNED_RING_SECONDS,
      fallback: { kind: 'hangup' },
    });
    expect(route.statusCode, route.body).toBe(201);
    const contact = await pbx.admin.post('/api/contacts', {
      name: 'Alice',
      phoneNumbers: [CUSTOMER],
      teamId: team.id,
    });
    const contactId = contact.json<{ id: string }>().id;
    await pbx.admin.put(`/api/contacts/${contactId}/assignments/${users['3101']!.id}`, { active: true });
    // The carrier: its own loopback address, never registered; its From carries the customer's number.
    carrier = await BaresipPhone.start({
      name: 'carrier',
      user: CUSTOMER,
      password: '',
      registrar: live.sipAddress,
      sipPort: 25_990,
      ctrlPort: 26_000,
      toneHz: tones.carrier,
      answerMode: 'manual',
      dir: join(mkdtempSync(join(tmpdir(), 'ari-pbx-live-carrier-')), 'carrier'),
      listenAddress: '127.0.0.2',
      register: false,
    });
    // Routing asks presence, computed from Asterisk's endpoint states: every agent registered and available first.
    const states = () => Object.values(users).map((u) => pbx.app.presence.stateOf(u.id));
    await eventually(() => states().every((s) => s === 'available'), 10_000, 'agents available').catch(
      (error: unknown) => {
        console.log('presence states', states());
        throw error;
      },
    );
  }, 90_000);

  afterAll(async () => {
    await carrier?.stop();
    await pbx?.close();
  });

  const clearAll = () => [carrier, ...Object.values(agents)].forEach((p) => p.clearEvents());
  const rang = (ext: string) => agents[ext]!.events.some((e) => e.type === 'CALL_INCOMING');
  const callDid = () => carrier.dial(`sip:${DID}@${live.sipAddress}`);

  it('the assigned agent rings and the others do not; answered, audio both ways', async () => {
    clearAll();
    const since = pbx.events.length;
    await callDid();
    await agents['3101']!.waitFor('CALL_INCOMING', 10_000);
    await sleep(1500);
    expect(rang('3102')).toBe(false);
    expect(rang('3103')).toBe(false);
    const ringing = await pbx.eventAfter(since, 'call.ringing');
    expect((ringing.data as { contact: { name: string } | null }).contact?.name).toBe('Alice');
    await agents['3101']!.accept();
    const [carrierUp, agentUp] = await Promise.all([establishedAt(carrier), establishedAt(agents['3101']!)]);
    await sleep(3000);
    await carrier.hangup();
    await agents['3101']!.waitFor('CALL_CLOSED', 10_000);
    await sleep(500);
    const heardByCarrier = readWav(carrier.recordings().at(-1)!);
    const heardByAgent = readWav(agents['3101']!.recordings().at(-1)!);
    const snr = {
      carrierHearsAgent: toneSnrDb(heardByCarrier.samples, heardByCarrier.sampleRate, tones['3101']),
      agentHearsCarrier: toneSnrDb(heardByAgent.samples, heardByAgent.sampleRate, tones.carrier),
    };
    console.log(`live routing: established carrier ${carrierUp} agent ${agentUp}; tone SNR in dB:`, snr);
    expect(snr.carrierHearsAgent).toBeGreaterThan(30);
    expect(snr.agentHearsCarrier).toBeGreaterThan(30);
    const ended = await pbx.eventAfter(since, 'call.ended');
    const log = await eventually(
      () =>
        pbx.database.db
          .selectFrom('call_logs')
          .selectAll()
          .where('call_id', '=', String(ended.data.id))
          .executeTakeFirst(),
      5000,
      'the call log',
    );
    expect(log).toMatchObject({
      direction: 'inbound',
      did: DID,
      from_number: CUSTOMER,
      routing_path: ['assigned'],
    });
  });

  it('not answered: the team rings after assignedRingSeconds, the assigned agent still ringing', async () => {
    await pbx.idle();
    clearAll();
    const started = Date.now();
    await callDid();
    await agents['3101']!.waitFor('CALL_INCOMING', 10_000);
    await Promise.all([
      agents['3102']!.waitFor('CALL_INCOMING', 10_000),
      agents['3103']!.waitFor('CALL_INCOMING', 10_000),
    ]);
    const teamAfterMs = Date.now() - started;
    console.log(
      `live routing: the team rang ${teamAfterMs} ms after the carrier dialled (assignedRingSeconds ${ASSIGNED_RING_SECONDS})`,
    );
    expect(teamAfterMs).toBeGreaterThan(ASSIGNED_RING_SECONDS * 1000 - 500);
    expect(agents['3101']!.events.some((e) => e.type === 'CALL_CLOSED')).toBe(false);
    await agents['3103']!.accept();
    await establishedAt(carrier);
    await Promise.all([
      agents['3101']!.waitFor('CALL_CLOSED', 5000),
      agents['3102']!.waitFor('CALL_CLOSED', 5000),
    ]);
    await carrier.hangup();
    await agents['3103']!.waitFor('CALL_CLOSED', 10_000);
  });
});
