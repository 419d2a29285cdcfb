import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import type { PresenceView } from '../../controller/features/presence/presence.types.js';
import { eventually } from '../helpers/telephony.js';
import type { BaresipPhone } from './baresip.js';
import { describeLive, live, sleep, startLivePbx, type LivePbx, type LiveUser } from './live-env.js';
import { startSipTrace, type SipMessage } from './sip-trace.js';

/**
 * Presence on a real Asterisk with baresip phones: a registration makes the user available within a second
 * (measured from Asterisk's 200 OK to the REGISTER, in its own SIP log, to `presence.changed` on the bus: the same
 * host's clock), a call rings and connects both parties, hanging up makes them available, unregistering offline,
 * DND dnd. Figures are printed.
 */
describeLive('live: presence from real registrations and channels', () => {
  let pbx: LivePbx;
  const users: Record<string, LiveUser> = {};
  const phones: Record<string, BaresipPhone> = {};
  /** When each presence.changed was published (ms since the epoch). */
  const published: { at: number; view: PresenceView }[] = [];

  beforeAll(async () => {
    pbx = await startLivePbx();
    for (const ext of ['1001', '1002']) users[ext] = await pbx.createUser(ext);
    // With no PJSIP endpoint when the controller connected, Asterisk refused endpoint:PJSIP (422); the connection
    // subscribes again within endpointRetryMs (2 s) of the first account's push. Measure once it holds.
    const auth = Buffer.from(`${live.username}:${live.password}`).toString('base64');
    await eventually(
      async () => {
        const response = await fetch(`${live.ariUrl}/ari/applications/${pbx.config.ARI_APP}`, {
          headers: { authorization: `Basic ${auth}` },
        });
        return ((await response.json()) as { endpoint_ids: string[] }).endpoint_ids.includes('PJSIP');
      },
      5000,
      'subscribed to endpoint:PJSIP',
    );
    pbx.app.bus.subscribe((event: AnyPbxEvent) => {
      if (event.type === 'presence.changed') published.push({ at: Date.now(), view: event.data });
    });
  }, 60_000);

  afterAll(async () => pbx?.close());

  const stateOf = (ext: string) => pbx.app.presence.stateOf(users[ext]!.id);
  const until = (ext: string, state: PresenceView['state'], ms = 3000) =>
    eventually(
      () => stateOf(ext) === state,
      ms,
      `${ext} ${state} (is ${JSON.stringify(pbx.app.presence.viewOf(users[ext]!.id))})`,
    );
  /** The first presence.changed of `ext` into `state` after `after` (ms since the epoch). */
  const changeAt = (ext: string, state: string, after: number) =>
    published.find((p) => p.at >= after && p.view.extension === ext && p.view.state === state)?.at;

  /** Registers a phone with the SIP log on: ms from Asterisk's 200 OK to the REGISTER to `presence.changed available`. */
  async function registerMeasured(
    ext: string,
    toneHz: number,
    answerMode: 'auto' | 'manual',
  ): Promise<number> {
    const trace = await startSipTrace();
    const startedAt = Date.now();
    let messages: SipMessage[] = [];
    try {
      phones[ext] = await pbx.phone(ext, users[ext]!.sipPassword, toneHz, answerMode);
      await until(ext, 'available');
    } finally {
      messages = await trace.stop();
    }
    const ok = messages.find(
      (m) =>
        m.direction === 'out' && m.status === 200 && m.cseqMethod === 'REGISTER' && m.at >= startedAt - 5,
    );
    expect(ok, 'the 200 OK to the REGISTER in the SIP log').toBeDefined();
    const changed = changeAt(ext, 'available', startedAt);
    expect(changed).toBeDefined();
    return changed! - ok!.at;
  }

  it('a registration makes the user available within a second (measured), a call rings and connects, a hang-up frees both, unregistering is offline, DND is dnd', async () => {
    expect(stateOf('1001')).toBe('offline');
    const figures: Record<string, number> = {};
    figures['1001 registered → available (ms)'] = await registerMeasured('1001', 440, 'auto');
    figures['1002 registered → available (ms)'] = await registerMeasured('1002', 1000, 'manual');
    for (const ms of [
      figures['1001 registered → available (ms)']!,
      figures['1002 registered → available (ms)']!,
    ])
      expect(ms).toBeLessThan(1000);

    const [caller, callee] = [phones['1001']!, phones['1002']!];
    callee.clearEvents();
    let at = Date.now();
    await caller.dial(`sip:1002@${live.sipAddress}`);
    await callee.waitFor('CALL_INCOMING', 10_000);
    const incomingAt = Date.now();
    await until('1002', 'ringing');
    expect(stateOf('1001')).toBe('on-call');
    // Negative: published before baresip's CALL_INCOMING reached the test over ctrl_tcp.
    figures['1002 ringing published − baresip CALL_INCOMING seen (ms)'] =
      changeAt('1002', 'ringing', at)! - incomingAt;

    at = Date.now();
    await callee.accept();
    await callee.waitFor('CALL_ESTABLISHED', 10_000);
    await until('1002', 'on-call');
    expect(stateOf('1001')).toBe('on-call');
    figures['1002 accept → on-call published (ms)'] = changeAt('1002', 'on-call', at)! - at;

    at = Date.now();
    await caller.hangup();
    await callee.waitFor('CALL_CLOSED', 10_000);
    await until('1001', 'available');
    await until('1002', 'available');
    figures['1001 hang-up → 1002 available published (ms)'] = changeAt('1002', 'available', at)! - at;

    const dnd = await pbx.admin.put(`/api/users/${users['1002']!.id}/dnd`, { enabled: true });
    expect(dnd.statusCode).toBe(200);
    expect(stateOf('1002')).toBe('dnd');
    await pbx.admin.put(`/api/users/${users['1002']!.id}/dnd`, { enabled: false });
    expect(stateOf('1002')).toBe('available');

    at = Date.now();
    await caller.stop(); // baresip un-REGISTERs and quits
    await until('1001', 'offline');
    figures['1001 quit (un-REGISTER) → offline published (ms)'] = changeAt('1001', 'offline', at)! - at;
    expect(pbx.app.presence.viewOf(users['1001']!.id)?.lastSeenAt).not.toBeNull();

    // Nothing stale: the listing agrees with what the events said.
    await sleep(200);
    await pbx.app.presence.reconcile();
    expect([stateOf('1001'), stateOf('1002')]).toEqual(['offline', 'available']);
    console.log('live presence figures', figures);
  }, 60_000);
});
