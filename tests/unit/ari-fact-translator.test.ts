import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KNOWN_EVENT_TYPES, translateEvent } from '../../controller/ari/fact-translator.js';
import type { PbxFact } from '../../controller/ari/pbx.facts.js';

/** The recordings of a real Asterisk 22 (shared/ beside the clone). */
const recordings = new URL('../../../shared/ari-recordings/', import.meta.url);

type RawEvent = { type: string } & Record<string, unknown>;

function eventsOf(file: string): RawEvent[] {
  return readFileSync(new URL(file, recordings), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { kind: string; event?: RawEvent })
    .filter((line) => line.kind === 'event')
    .map((line) => line.event!);
}

/** The n-th (0-based) event of a type in a recording, where `match` holds. */
function pick(file: string, type: string, n = 0, match: (e: RawEvent) => boolean = () => true): RawEvent {
  const found = eventsOf(file).filter((e) => e.type === type && match(e))[n];
  if (!found) throw new Error(`no ${type} #${n} in ${file}`);
  return found;
}

const facts = (file: string) =>
  eventsOf(file)
    .map(translateEvent)
    .filter((f): f is PbxFact => f !== undefined);

describe('translateEvent on every recorded event', () => {
  const files = readdirSync(recordings).filter((f) => f.endsWith('.jsonl'));

  it.each(files)('%s: every event type is known and translates without throwing', (file) => {
    for (const event of eventsOf(file)) {
      expect(KNOWN_EVENT_TYPES.has(event.type), event.type).toBe(true);
      expect(() => translateEvent(event)).not.toThrow();
    }
  });

  it('01: a phone calls 700, is answered, hears a playback and hangs up', () => {
    expect(facts('01-inbound-answer-hangup.jsonl').map((f) => f.kind)).toEqual([
      'channel-entered',
      'channel-state-changed',
      'playback-started',
      'playback-finished',
      'playback-started',
      'channel-hangup-requested',
      'playback-finished',
      'channel-left',
    ]);
  });
});

describe('translateEvent, event by event', () => {
  it.each<[string, string, RawEvent, Partial<PbxFact> | Record<string, unknown>]>([
    [
      'StasisStart of a phone call: args from the dialplan, state Ring',
      'channel-entered',
      pick('01-inbound-answer-hangup.jsonl', 'StasisStart'),
      {
        args: ['700'],
        channel: expect.objectContaining({
          state: 'Ring',
          dialplan: { context: 'from-internal', exten: '700' },
          caller: { name: 'Ext 1001', number: '1001' },
        }),
      },
    ],
    [
      "StasisStart of a created leg: the app's appArgs",
      'channel-entered',
      pick('03-create-dial-bridge-dtmf.jsonl', 'StasisStart', 1),
      {
        args: ['outbound'],
        channel: expect.objectContaining({ id: 'c03-1002', state: 'Down', name: 'PJSIP/1002-0000002a' }),
      },
    ],
    [
      "StasisStart of a core blind transfer's ;1 leg names the channel it replaces",
      'channel-entered',
      pick('06-blind-transfer-core.jsonl', 'StasisStart', 0, (e) => 'replace_channel' in e),
      { args: [], replacesChannelId: 'c06-1002' },
    ],
    [
      "a phone's BYE: no cause at all",
      'channel-hangup-requested',
      pick('01-inbound-answer-hangup.jsonl', 'ChannelHangupRequest'),
      { cause: {} },
    ],
    [
      "a callee's 486 reject",
      'channel-hangup-requested',
      pick('04-callee-rejects-486.jsonl', 'ChannelHangupRequest'),
      { cause: { cause: 17, techCause: 486 } },
    ],
    [
      "the app's own DELETE",
      'channel-hangup-requested',
      pick('02-originate-app-answer.jsonl', 'ChannelHangupRequest'),
      { cause: { cause: 32, soft: true } },
    ],
    [
      'Dial RINGING names the peer',
      'dial-progress',
      pick('03-create-dial-bridge-dtmf.jsonl', 'Dial', 0, (e) => e.dialstatus === 'RINGING'),
      { status: 'RINGING', peer: expect.objectContaining({ id: 'c03-1002' }) },
    ],
    [
      'a DTMF digit with its duration',
      'dtmf-received',
      pick('03-create-dial-bridge-dtmf.jsonl', 'ChannelDtmfReceived'),
      { digit: '#', durationMs: 180, channel: expect.objectContaining({ id: 'c03-1002' }) },
    ],
    [
      'entering a holding bridge named for its slot',
      'channel-entered-bridge',
      pick('09-holding-bridge-moh-move.jsonl', 'ChannelEnteredBridge'),
      {
        bridge: {
          id: 'c09-park-702',
          name: 'park-702',
          type: 'holding',
          technology: 'holding_bridge',
          channelIds: ['asterisk-lab-1795264177.82'],
        },
      },
    ],
    [
      'leaving a bridge',
      'channel-left-bridge',
      pick('03-create-dial-bridge-dtmf.jsonl', 'ChannelLeftBridge'),
      { bridge: expect.objectContaining({ id: 'c03-bridge', name: 'c03-call', type: 'mixing' }) },
    ],
    [
      'a destroyed bridge',
      'bridge-destroyed',
      pick('03-create-dial-bridge-dtmf.jsonl', 'BridgeDestroyed'),
      { bridge: expect.objectContaining({ id: 'c03-bridge', channelIds: [] }) },
    ],
    [
      'StasisEnd',
      'channel-left',
      pick('01-inbound-answer-hangup.jsonl', 'StasisEnd'),
      { channel: expect.objectContaining({ id: 'asterisk-lab-1795264113.59' }) },
    ],
    [
      'ChannelDestroyed (the end of a channel the app made that never entered Stasis)',
      'channel-left',
      pick('02-originate-app-answer.jsonl', 'ChannelDestroyed'),
      { channel: expect.objectContaining({ id: expect.any(String) }) },
    ],
    [
      'a playback started',
      'playback-started',
      pick('01-inbound-answer-hangup.jsonl', 'PlaybackStarted'),
      {
        playbackId: 'c01-pb1',
        targetUri: 'channel:asterisk-lab-1795264113.59',
        mediaUri: 'sound:hello-world',
      },
    ],
    [
      'a playback cut by the hang-up',
      'playback-finished',
      pick('01-inbound-answer-hangup.jsonl', 'PlaybackFinished', 1),
      { playbackId: 'c01-pb2', state: 'failed' },
    ],
    [
      "a phone's blind REFER under ari-only handling: no state",
      'transfer-requested',
      pick('07-blind-transfer-ari-only.jsonl', 'ChannelTransfer', 0),
      {
        transfererChannelId: 'c07-1002',
        transfereeChannelId: 'asterisk-lab-1795264153.72',
        bridgeId: 'c07-bridge',
        destination: '700',
      },
    ],
    [
      'the echo of transfer_progress channel_answered (the transferee had left)',
      'transfer-requested',
      pick('07-blind-transfer-ari-only.jsonl', 'ChannelTransfer', 2),
      {
        state: 'channel_answered',
        transfererChannelId: 'c07-1002',
        bridgeId: 'c07-bridge',
        destination: '700',
      },
    ],
    [
      'a registration',
      'endpoint-state-changed',
      pick('10-dynamic-pjsip-config.jsonl', 'EndpointStateChange', 0, (e) =>
        JSON.stringify(e).includes('"online"'),
      ),
      { technology: 'PJSIP', resource: '2001', state: 'online', channelIds: [] },
    ],
    [
      'a device state',
      'device-state-changed',
      pick('11-device-state.jsonl', 'DeviceStateChanged'),
      { name: 'Stasis:park-701', state: 'INUSE' },
    ],
  ])('%s', (_title, kind, event, expected) => {
    const fact = translateEvent(event);
    expect(fact?.kind).toBe(kind);
    expect(fact).toMatchObject(expected);
  });

  it("the phone's REFER has no state and the transferee is absent from the echo without one", () => {
    const echo = translateEvent(pick('07-blind-transfer-ari-only.jsonl', 'ChannelTransfer', 2));
    expect(echo).not.toHaveProperty('transfereeChannelId');
    expect(translateEvent(pick('07-blind-transfer-ari-only.jsonl', 'ChannelTransfer', 0))).not.toHaveProperty(
      'state',
    );
  });

  it('an attended transfer names the consultation leg to replace', () => {
    const fact = translateEvent({
      type: 'ChannelTransfer',
      refer_to: {
        requested_destination: {},
        destination_channel: { id: 'consult-b' },
        connected_channel: { id: 'target-c' },
        bridge: { id: 'bridge-2' },
      },
      referred_by: {
        source_channel: { id: 'agent-a1' },
        connected_channel: { id: 'customer' },
        bridge: { id: 'bridge-1' },
      },
    });
    expect(fact).toEqual({
      kind: 'transfer-requested',
      transfererChannelId: 'agent-a1',
      transfereeChannelId: 'customer',
      bridgeId: 'bridge-1',
      replaces: { channelId: 'consult-b', connectedChannelId: 'target-c', bridgeId: 'bridge-2' },
    });
  });
});

describe('translateEvent: what is not a fact', () => {
  it.each<[string, unknown]>([
    ['ChannelVarset', pick('01-inbound-answer-hangup.jsonl', 'ChannelVarset')],
    ['ChannelDialplan', pick('03-create-dial-bridge-dtmf.jsonl', 'ChannelDialplan')],
    ['PlaybackContinuing', pick('07-blind-transfer-ari-only.jsonl', 'PlaybackContinuing')],
    ['ContactStatusChange', pick('10-dynamic-pjsip-config.jsonl', 'ContactStatusChange')],
    ['an unknown type', { type: 'ChannelFrobnicated', channel: { id: 'x' } }],
    ['a type that is an Object.prototype key', { type: 'constructor' }],
    ['no type', { channel: { id: 'x' } }],
    ['null', null],
    ['an array', [{ type: 'StasisStart' }]],
    ['a string', 'StasisStart'],
    ['a ChannelTransfer without a transferer', { type: 'ChannelTransfer', refer_to: {}, referred_by: {} }],
    ['a ChannelEnteredBridge without a channel', { type: 'ChannelEnteredBridge', bridge: { id: 'b' } }],
  ])('%s', (_title, event) => {
    expect(translateEvent(event)).toBeUndefined();
  });

  it('a damaged snapshot still gives a fact with empty fields instead of throwing', () => {
    expect(
      translateEvent({ type: 'StasisStart', args: 'not-a-list', channel: { id: 7, state: 'Weird' } }),
    ).toEqual({
      kind: 'channel-entered',
      args: [],
      channel: {
        id: '7',
        name: '',
        state: 'Unknown',
        caller: { name: '', number: '' },
        connected: { name: '', number: '' },
        dialplan: { context: '', exten: '' },
        createdAt: '',
      },
    });
  });
});
