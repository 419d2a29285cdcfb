import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../helpers/telephony.js';
import { describeLive, sleep, startLivePbx, type LivePbx, type LiveUser } from './live-env.js';
import { asteriskCli, startSipTrace, type SipMessage } from './sip-trace.js';

/**
 * A phone that unregisters (REGISTER expires=0) has no contact left (issue 16). It kept one when its account had been
 * pushed again while it was registered: ARI's PUT of the existing AOR applied the fields over a copy of the old AOR,
 * whose `contact` field lists the registered contacts too, so the new AOR object held them as permanent contacts —
 * listed by `pjsip show aor`, qualified, called, and in the un-REGISTER's own 200 OK. Each run here registers a phone,
 * changes the user (the account is pushed again, as it is on every change and every reconnect), and unregisters.
 */
const RUNS = Number(process.env.LIVE_UNREGISTER_RUNS ?? 20);

/** The contacts `pjsip show aor <id>` lists. */
async function aorContacts(aor: string): Promise<string[]> {
  const out = await asteriskCli(`pjsip show aor ${aor}`);
  return out
    .split('\n')
    .map((line) => /^\s*Contact:\s+(\S+\/sip:\S+)/.exec(line)?.[1])
    .filter((c): c is string => !!c);
}

describeLive('live: a phone that unregisters has no contact left', () => {
  let pbx: LivePbx;
  let user: LiveUser;

  beforeAll(async () => {
    pbx = await startLivePbx();
    user = await pbx.createUser('1001');
  }, 60_000);

  afterAll(async () => pbx?.close());

  it(
    `${RUNS} of ${RUNS}: registered, the account pushed again, unregistered → no contact, endpoint offline`,
    async () => {
      const results: {
        run: number;
        whileRegistered: number;
        afterUnregister: string[];
        okHasContact: boolean;
      }[] = [];
      for (let run = 0; run < RUNS; run++) {
        const phone = await pbx.phone('1001', user.sipPassword, 440);
        const whileRegistered = (await aorContacts('1001')).length;
        // A change to the user pushes its accounts again (as does every reconnect of the controller).
        const changed = await pbx.admin.patch(`/api/users/${user.id}`, {
          displayName: `Live 1001 run ${run}`,
        });
        expect(changed.statusCode).toBe(200);
        await eventually(
          async () => {
            const endpoint = await pbx.connection.pbx.getSipObject('endpoint', '1001');
            return endpoint.ok && endpoint.value.some((f) => f.value.includes(`run ${run}`));
          },
          5000,
          'the account pushed again',
        );
        const trace = await startSipTrace();
        let messages: SipMessage[] = [];
        try {
          await phone.stop(); // baresip unregisters (REGISTER expires=0) and quits
          await sleep(300);
          messages = await trace.stop();
        } finally {
          if (messages.length === 0) await trace.stop().catch(() => undefined);
        }
        const unregisterOk = messages.find(
          (m) => m.direction === 'out' && m.status === 200 && m.cseqMethod === 'REGISTER',
        );
        const afterUnregister = await aorContacts('1001');
        results.push({
          run,
          whileRegistered,
          afterUnregister,
          okHasContact: (unregisterOk?.headers.contact ?? []).length > 0,
        });
        await eventually(
          async () => {
            const endpoint = await pbx.connection.pbx.getEndpoint('PJSIP', '1001');
            return endpoint.ok && endpoint.value.state === 'offline';
          },
          5000,
          'endpoint offline',
        ).catch(() => undefined);
      }
      const clean = results.filter((r) => r.afterUnregister.length === 0 && !r.okHasContact);
      console.log(
        `live unregister after a re-push: ${clean.length}/${RUNS} left no contact`,
        results.filter((r) => !clean.includes(r)),
      );
      expect(results.every((r) => r.whileRegistered === 1)).toBe(true);
      expect(clean).toHaveLength(RUNS);
      const endpoint = await pbx.connection.pbx.getEndpoint('PJSIP', '1001');
      expect(endpoint.ok && endpoint.value.state).toBe('offline');
    },
    30_000 + RUNS * 10_000,
  );
});
