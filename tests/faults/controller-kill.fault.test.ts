import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultRig, type FaultRig } from './fault-rig.js';
import { closedLog, HOTDESK, isClosed, plan, scenarios, type Scenarios } from './scenarios.js';
import { until } from './until.js';

/**
 * (c) The controller killed (SIGKILL: no graceful shutdown) and started again with the same env. What Asterisk still
 * holds must be adopted, and every timer must fire at its original deadline, not one restarted from zero. The
 * deadlines below are the features' own (PARK_TIMEOUT_SECONDS, a page's maxSeconds, a ring step's timeout, the hot
 * desk idle time); "on time" allows SLACK after them, and never before them.
 */
const PARK_SECONDS = 15;
const PAGE_SECONDS = 15;
const SLACK_MS = 4000;
/** The hot desk sweep runs every 15 s (hotdesk.service.ts): an idle log-out is due, then found by the next sweep. */
const SWEEP_MS = 15_000;

let rig: FaultRig;
let s: Scenarios;

beforeAll(async () => {
  rig = await startFaultRig({
    ...plan,
    env: { PARK_TIMEOUT_SECONDS: String(PARK_SECONDS), HOTDESK_IDLE_MINUTES: '1' },
  });
  s = scenarios(rig);
});
afterAll(async () => rig?.close());
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') console.error(rig.controller.output().slice(-6000));
  if (!rig.controller.running) {
    await rig.controller.start();
    await rig.controller.ready();
  }
  await s.settle();
  await s.callLogsClosed();
});

describe('controller killed with SIGKILL and started again', () => {
  it('calls: the talking call is adopted (listed), and hanging up afterwards ends both sides and closes its log', async () => {
    const { outgoing, incoming, callId } = await s.talking();
    await rig.restartController();
    const adopted = await until('the call listed again', async () =>
      (await s.liveCalls()).find((c) => c.id === callId),
    );
    expect(adopted).toMatchObject({ state: 'answered', from: { number: '1001' }, to: { number: '1002' } });
    expect(outgoing.state).toBe('established');
    rig.phones['1001']!.hangup(outgoing);
    await until('the callee released', () => isClosed(incoming));
    expect(await closedLog(s, callId)).toMatchObject({
      disposition: 'answered',
      answered_by_extension: '1002',
    });
    const rows = await rig.database.db
      .selectFrom('call_logs')
      .selectAll()
      .where('call_id', '=', callId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('parks: the park stays in its slot, and its timeout recalls the parker at the original deadline', async () => {
    const { caller, slot } = await s.parked();
    const deadline = Date.parse(slot.timeoutAt!);
    const parkerCalls = rig.phones['1002']!.calls.length;
    await rig.restartController();
    expect(await s.occupied()).toMatchObject([
      { slot: '701', callerIdNumber: '1001', timeoutAt: slot.timeoutAt },
    ]);
    expect(caller.state).toBe('established');
    const recall = await s.incomingAfter('1002', parkerCalls).catch(() => undefined);
    const recalledAt = Date.now();
    expect(recall, 'the parker was rung back').toBeDefined();
    expect(recalledAt).toBeGreaterThanOrEqual(deadline - 500);
    expect(recalledAt).toBeLessThanOrEqual(deadline + SLACK_MS);
    await until('the recall answered and talking', () => recall!.state === 'established');
    await until('slot 701 freed', async () => (await s.occupied()).length === 0);
  });

  it('pages: the page is adopted and still ends at its maximum length', async () => {
    const { page, members } = await s.paging(PAGE_SECONDS);
    const deadline = Date.parse(page.startedAt) + PAGE_SECONDS * 1000;
    await rig.restartController();
    expect((await s.livePages()).map((p) => p.id)).toEqual([page.id]);
    expect(Object.values(members).every((c) => c.state === 'established')).toBe(true);
    await until(
      'the members released',
      () => Object.values(members).every(isClosed),
      deadline + SLACK_MS + 5000 - Date.now(),
    );
    const endedAt = Date.now();
    expect(endedAt).toBeGreaterThanOrEqual(deadline - 500);
    expect(endedAt).toBeLessThanOrEqual(deadline + SLACK_MS);
    await until('the page gone', async () => (await s.livePages()).length === 0);
  });

  // supervision/README.md "State, restarts": a session intact in Asterisk (active on its own path, every channel and
  // the bridge there) is adopted as it is; the supervisor never notices, and it still ends when it should.
  it('supervision: the whisper session is adopted as it is (still active, heard), and ends when the call ends', async () => {
    const { outgoing, incoming, supervisor, id, callId } = await s.supervised('whisper');
    await rig.restartController();
    expect((await s.sessions()).find((x) => x.id === id)).toMatchObject({ state: 'active', mode: 'whisper' });
    expect(rig.phones['1010']!.hears(supervisor)).toHaveLength(2);
    expect((await s.audit('supervision.ended')).some((row) => row.details.sessionId === id)).toBe(false);
    expect((await s.liveCalls()).find((c) => c.id === callId)).toMatchObject({ state: 'answered' });
    rig.phones['1001']!.hangup(outgoing);
    await until('the customer and the supervisor released', () => isClosed(incoming) && isClosed(supervisor));
    await until('supervision.ended audited', async () =>
      (await s.audit('supervision.ended')).find((row) => row.details.sessionId === id),
    );
    const ended = (await s.audit('supervision.ended')).find((row) => row.details.sessionId === id)!;
    expect(ended.details).toMatchObject({ reason: 'call-ended' });
    await until(
      'no snoop or supervision bridge left',
      () =>
        !rig.double.channels().some((c) => String(c.id).startsWith('sv-')) &&
        !rig.double.bridges().some((b) => String(b.name).startsWith('supervision')),
    );
    expect(await closedLog(s, callId)).toMatchObject({ disposition: 'answered' });
  });

  it('hot desk: the session survives and its idle log-out still happens when due', async () => {
    const session = await s.hotdesked();
    await rig.controller.kill('SIGKILL');
    // 50 s of the 60 s idle time pass while the controller is down.
    const lastActivity = new Date(Date.now() - 50_000);
    await rig.database.db
      .updateTable('hotdesk_sessions')
      .set({ last_activity_at: lastActivity })
      .where('id', '=', session.id)
      .execute();
    const due = lastActivity.getTime() + 60_000;
    await rig.controller.start();
    await rig.controller.ready();
    if (Date.now() < due) expect((await s.desks()).map((d) => d.id)).toEqual([session.id]);
    await until(
      'the idle log-out',
      async () => (await s.desks()).length === 0,
      due + SWEEP_MS + SLACK_MS - Date.now(),
    );
    const loggedOutAt = Date.now();
    expect(loggedOutAt).toBeGreaterThanOrEqual(due - 500);
    expect(loggedOutAt).toBeLessThanOrEqual(due + SWEEP_MS + SLACK_MS);
    const logouts = await s.audit('hotdesk.logout');
    expect(logouts.at(-1)?.details).toMatchObject({ deviceId: HOTDESK.id, reason: 'idle' });
  });

  it('ringing: the next ring step starts at its original time after the restart', async () => {
    const deskSeconds = 8;
    const { outgoing, desk, dialledAt, callId, webBefore } = await s.ringing(deskSeconds);
    await rig.restartController();
    const adopted = await until('the call listed again', async () =>
      (await s.liveCalls()).find((c) => c.id === callId),
    );
    expect(adopted.state).toBe('ringing');
    const web = await s.incomingAfter('1005-web', webBefore);
    const rungAt = Date.now();
    const stepAt = dialledAt + deskSeconds * 1000;
    expect(rungAt).toBeGreaterThanOrEqual(stepAt - 500);
    expect(rungAt).toBeLessThanOrEqual(stepAt + SLACK_MS);
    await until('the desk step over', () => isClosed(desk));
    expect(outgoing.state).not.toBe('closed');
    rig.phones['1001']!.hangup(outgoing);
    await until('the webphone stops ringing', () => isClosed(web));
    expect(await closedLog(s, callId)).toMatchObject({ disposition: 'cancelled' });
  });
});
