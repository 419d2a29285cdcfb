import { describe, expect, it } from 'vitest';
import { decideOutbound, type OutboundCaller } from '../../controller/features/trunks/outbound.rules.js';
import { outboundDialString, trunkObjectsOf } from '../../controller/features/trunks/trunk-objects.js';
import { trunkProblems } from '../../controller/features/trunks/trunks.schemas.js';

const nanp = { countryCode: '1', nationalPrefix: '1', internationalPrefix: '011' };
const trunk = { id: 't1', host: '203.0.113.5', port: 5060, transport: 'udp' as const, callerId: '+14155550100' };
const user: OutboundCaller = {
  userId: 'u1',
  name: 'Alice',
  number: '1001',
  outboundAllowed: true,
  outboundCallerId: '+14155550111',
};

describe('decideOutbound', () => {
  it.each([
    ['a national number', { number: '4155550199' }, { kind: 'dial', number: '+14155550199', callerId: { name: 'Alice', number: '+14155550111' } }],
    ['with the national prefix', { number: '14155550199' }, { kind: 'dial', number: '+14155550199' }],
    ['international', { number: '011442079460958' }, { kind: 'dial', number: '+442079460958' }],
    ['E.164', { number: '+442079460958' }, { kind: 'dial', number: '+442079460958' }],
    ['no user caller ID: the trunk\'s', { caller: { ...user, outboundCallerId: null } }, { kind: 'dial', callerId: { name: 'Alice', number: '+14155550100' } }],
    ['nor the trunk\'s: the extension', { caller: { ...user, outboundCallerId: null }, trunk: { ...trunk, callerId: null } }, { kind: 'dial', callerId: { number: '1001' } }],
    ['not allowed', { caller: { ...user, outboundAllowed: false } }, { kind: 'refuse', status: 403 }],
    ['not allowed, emergency', { number: '911', emergency: true, caller: { ...user, outboundAllowed: false } }, { kind: 'dial', number: '911', endpoint: 'PJSIP/trunk-t1/sip:911@203.0.113.5:5060' }],
    ['no trunk', { trunk: undefined }, { kind: 'refuse', status: 503 }],
    ['not allowed and no trunk: not allowed first', { trunk: undefined, caller: { ...user, outboundAllowed: false } }, { kind: 'refuse', status: 403 }],
    ['emergency with no trunk', { number: '112', emergency: true, trunk: undefined }, { kind: 'refuse', status: 503 }],
    ['a device nobody is behind', { caller: { ...user, userId: null, outboundCallerId: null } }, { kind: 'dial', callerId: { number: '+14155550100' } }],
    ['too short for E.164', { number: '12345' }, { kind: 'refuse', status: 404 }],
  ])('%s', (_what, given, expected) => {
    const input = { number: '4155550199', emergency: false, caller: user, trunk: trunk as typeof trunk | undefined, plan: nanp, ...given };
    expect(decideOutbound(input)).toMatchObject(expected);
  });

  it('dials the E.164 number in the Request-URI of the trunk endpoint', () => {
    expect(decideOutbound({ number: '4155550199', emergency: false, caller: user, trunk, plan: nanp })).toMatchObject({
      endpoint: 'PJSIP/trunk-t1/sip:+14155550199@203.0.113.5:5060',
      trunkId: 't1',
    });
  });
});

describe('trunk objects', () => {
  const base = { id: 't1', host: '203.0.113.5', port: 5060, transport: 'udp' as const, username: null, password: null, register: false, match: ['203.0.113.5'] };

  it('a trunk with no credentials: aor, endpoint, identify; no auth, no registration', () => {
    const { id, objects } = trunkObjectsOf(base);
    expect(id).toBe('trunk-t1');
    expect(objects.map((o) => o.type)).toEqual(['aor', 'endpoint', 'identify']);
    expect(objects[1]!.fields).not.toHaveProperty('outbound_auth');
    expect(objects[2]!.fields).toEqual({ endpoint: 'trunk-t1', match: '203.0.113.5' });
  });

  it('credentials and registration: auth first, registration last; TCP on the transport and the URIs', () => {
    const { objects } = trunkObjectsOf({ ...base, transport: 'tcp', username: 'acct', password: 'pw', register: true, match: [] });
    expect(objects.map((o) => o.type)).toEqual(['auth', 'aor', 'endpoint', 'registration']);
    expect(objects[1]!.fields.contact).toBe('sip:203.0.113.5:5060;transport=tcp');
    expect(objects[2]!.fields).toMatchObject({ outbound_auth: 'trunk-t1', transport: 'transport-tcp', context: 'from-trunk' });
    expect(objects[3]!.fields).toMatchObject({ client_uri: 'sip:acct@203.0.113.5:5060;transport=tcp', line: 'yes' });
  });

  it('IPv6 hosts are bracketed', () => {
    expect(outboundDialString({ ...base, host: '2001:db8::5' }, '+14155550199')).toBe(
      'PJSIP/trunk-t1/sip:+14155550199@[2001:db8::5]:5060',
    );
  });

  it.each([
    [{ register: false, match: [], username: null, password: null }, ['match']],
    [{ register: true, match: [], username: null, password: null }, ['username', 'password']],
    [{ register: false, match: ['1.2.3.4'], username: 'a', password: null }, ['password']],
    [{ register: true, match: [], username: 'a', password: 'b' }, []],
  ])('whole-trunk rules %j → problems on %j', (trunkRules, paths) => {
    expect(trunkProblems(trunkRules).map((p) => p.path)).toEqual(paths);
  });
});
