import { describe, expect, it } from 'vitest';
import type { ChannelInfo } from '../../controller/ari/pbx.facts.js';
import { dialledCallOf } from '../../controller/features/calls/dial-router.js';
import { trunkCallerOf } from '../../controller/features/calls/call-directory.js';
import { isTrunkEndpoint, trunkIdOfChannel } from '../../controller/features/trunks/trunk-names.js';

/** The trunk fence as a table: what a channel entering Stasis is, by its name and its dialplan arguments. */
const TRUNK = '6f1c2a4e-2b7d-4c1e-9a55-0d3f8e1b2c77';
const channel = (name: string, exten: string, context = 'from-trunk'): ChannelInfo => ({
  id: 'ch-1',
  name,
  state: 'Ring',
  caller: { name: 'Mallory', number: '1001' },
  connected: { name: '', number: '' },
  dialplan: { context, exten },
  createdAt: '2026-01-01T00:00:00.000Z',
});
const entered = (name: string, exten: string, args: string[], context?: string) => ({
  kind: 'channel-entered' as const,
  channel: channel(name, exten, context),
  args,
});
const trunkChannel = `PJSIP/trunk-${TRUNK}-0000002a`;

describe('dialledCallOf: the trunk fence', () => {
  it.each([
    ['a trunk call with the inbound mark', trunkChannel, '4155550100', ['4155550100', 'inbound'], { origin: 'trunk', trunkId: TRUNK }],
    ['a trunk channel without the mark (an endpoint in another context) is still a trunk call', trunkChannel, '1001', ['1001'], { origin: 'trunk', trunkId: TRUNK }],
    ['a phone', 'PJSIP/1001-0000002b', '1002', ['1002'], { origin: 'phone' }],
    ['a phone with the inbound mark (its endpoint in from-trunk) is forged', 'PJSIP/1001-0000002b', '1002', ['1002', 'inbound'], { kind: 'forged' }],
    ['a Local channel with the mark (a transfer into from-trunk) is forged', 'Local/700@from-trunk-00000001;2', '700', ['700', 'inbound'], { kind: 'forged' }],
    ['a trunk call whose number had a comma (args split) is malformed', trunkChannel, '1,call:abc:leg', ['1', 'call:abc:leg', 'inbound'], { kind: 'malformed' }],
    ['a trunk call whose args are not its exten is malformed', trunkChannel, '4155550100', ['1001', 'inbound'], { kind: 'malformed' }],
  ])('%s', (_what, name, exten, args, expected) => {
    expect(dialledCallOf(entered(name, exten, args))).toMatchObject(expected);
  });

  it.each([
    ['a leg the controller made to a trunk (exten s, its own appArgs)', trunkChannel, 's', ['call:abc:leg']],
    ['a phone channel with extra args', 'PJSIP/1001-0000002b', '1002', ['1002', 'x', 'y']],
    ['a snoop', 'Snoop/ch-1-00000001', 's', ['supervision:abc:snoop']],
  ])('%s is not a dialled call (left to its owner)', (_what, name, exten, args) => {
    expect(dialledCallOf(entered(name, exten, args))).toBeUndefined();
  });

  it('the trunk of a call is its channel name, never its caller ID', () => {
    const call = dialledCallOf(entered(trunkChannel, '1001', ['1001', 'inbound']));
    expect(call).toMatchObject({ trunkId: TRUNK, origin: 'trunk' });
  });
});

describe('the caller of a trunk call is nobody of ours', () => {
  it('keeps the number its From claims for display, with no user', () => {
    expect(trunkCallerOf(channel(trunkChannel, '1002'))).toEqual({ number: '1001', name: 'Mallory', userId: null });
    expect(trunkCallerOf(channel('PJSIP/1001-0000002b', '1002', 'from-internal'))).toBeUndefined();
  });

  it.each([
    [trunkChannel, TRUNK, true],
    ['PJSIP/trunk-0000002a', undefined, true],
    ['PJSIP/1001-0000002b', undefined, false],
    ['PJSIP/lobby-0000002b', undefined, false],
    ['Local/trunk-x@from-internal-00000001;2', undefined, false],
  ])('%s: trunk %s', (name, id, trunkish) => {
    expect(trunkIdOfChannel(name)).toBe(id);
    expect(isTrunkEndpoint(name)).toBe(trunkish);
  });
});
