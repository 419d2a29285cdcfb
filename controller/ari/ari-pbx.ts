import { createHash } from 'node:crypto';
import { segment, toOutcome, done, type AriHttp } from './ari-http.js';
import { isObject, text, toBridgeInfo, toChannelInfo, toEndpointInfo } from './ari-snapshots.js';
import type { BridgeKind, CreateChannel, HangupReason, Pbx } from './pbx.port.js';

/** What the far phone is told, as ARI's `DELETE /channels/{id}` parameters (measured: ARI-NOTES "Channels"). */
const hangupParameters: Record<HangupReason, Record<string, string>> = {
  normal: { reason_code: '16' },
  busy: { reason_code: '17' },
  'no-answer': { reason_code: '19' },
  unavailable: { reason_code: '20' },
  unallocated: { reason: 'unallocated' },
  congestion: { reason_code: '34' },
  incomplete: { reason_code: '28' },
  forbidden: { reason_code: '21' },
  'answered-elsewhere': { reason: 'answered_elsewhere' },
};

/** `mixing,dtmf_events` in this order: `dtmf_events,mixing` goes native_rtp and loses the DTMF events. */
const bridgeTypes: Record<BridgeKind, string> = {
  mixing: 'mixing',
  'mixing-dtmf': 'mixing,dtmf_events',
  holding: 'holding',
};

const channel = (id: string) => `/channels/${segment(id)}`;
const bridge = (id: string) => `/bridges/${segment(id)}`;
const list =
  <T>(read: (value: unknown) => T) =>
  (body: unknown) =>
    Array.isArray(body) ? body.map(read) : [];

const onOff = (on: boolean) => (on ? 'POST' : 'DELETE');

type ChannelCommands = Omit<Pbx, keyof BridgeCommands | keyof SystemCommands | keyof MediaCommands>;
type BridgeCommands = Pick<
  Pbx,
  'createBridge' | 'addToBridge' | 'removeFromBridge' | 'destroyBridge' | 'play' | 'stopPlayback' | 'moh'
>;
type MediaCommands = Pick<
  Pbx,
  'record' | 'recordBridge' | 'stopRecording' | 'storedRecordingFile' | 'deleteStoredRecording' | 'setMailbox' | 'deleteMailbox'
>;
type SystemCommands = Pick<
  Pbx,
  | 'setDeviceState'
  | 'listChannels'
  | 'listBridges'
  | 'getEndpoint'
  | 'listEndpoints'
  | 'getSipObject'
  | 'putSipObject'
  | 'deleteSipObject'
  | 'sipRegistrationExists'
  | 'reloadModule'
  | 'ping'
>;

/** The Pbx port over ARI's REST interface. Stateless: it works whether or not the event socket is up. */
export function createAriPbx(http: AriHttp, app: string): Pbx {
  return {
    ...channelCommands(http, app),
    ...bridgeCommands(http),
    ...mediaCommands(http),
    ...systemCommands(http),
  };
}

function channelCommands(http: AriHttp, app: string): ChannelCommands {
  return {
    answer: async (id) => done(await http('POST', `${channel(id)}/answer`)),
    hangup: async (id, reason = 'normal') =>
      done(await http('DELETE', channel(id), { query: hangupParameters[reason] })),
    ring: async (id, on) => done(await http(onOff(on), `${channel(id)}/ring`)),
    createChannel: async (request) =>
      toOutcome(
        await http('POST', '/channels/create', {
          query: { endpoint: request.endpoint, app, appArgs: request.appArgs, channelId: request.channelId },
          body: { variables: createVariables(request) },
        }),
        toChannelInfo,
      ),
    originate: async (request) =>
      toOutcome(
        await http('POST', '/channels', {
          query: {
            endpoint: request.endpoint,
            app,
            appArgs: request.appArgs,
            channelId: request.channelId,
            timeout: request.timeoutSeconds,
            callerId: request.callerId ? callerIdString(request.callerId) : undefined,
          },
          body: { variables: request.variables ?? {} },
        }),
        toChannelInfo,
      ),
    dial: async (request) =>
      done(
        await http('POST', `${channel(request.channelId)}/dial`, {
          query: { caller: request.callerChannelId, timeout: request.timeoutSeconds },
        }),
      ),
    setVariable: async (id, variable, value) =>
      done(await http('POST', `${channel(id)}/variable`, { query: { variable, value } })),
    getVariable: async (id, variable) => {
      const response = await http('GET', `${channel(id)}/variable`, { query: { variable } });
      // 404 means "Provided channel was not found" or "Provided variable was not found": unset reads as empty.
      if (
        response.kind === 'response' &&
        response.status === 404 &&
        /variable was not found/i.test(text(isObject(response.body) ? response.body.message : ''))
      ) {
        return { ok: true, value: '' };
      }
      return toOutcome(response, (body) => (isObject(body) ? text(body.value) : ''));
    },
    sendDtmf: async (id, dtmf) => done(await http('POST', `${channel(id)}/dtmf`, { query: { dtmf } })),
    hold: async (id, on) => done(await http(onOff(on), `${channel(id)}/hold`)),
    mute: async (id, direction, on) =>
      done(await http(onOff(on), `${channel(id)}/mute`, { query: { direction } })),
    snoop: async (request) =>
      toOutcome(
        await http('POST', `${channel(request.channelId)}/snoop`, {
          query: {
            spy: request.spy,
            whisper: request.whisper,
            app,
            appArgs: request.appArgs,
            snoopId: request.snoopId,
          },
        }),
        toChannelInfo,
      ),
    transferProgress: async (id, states) =>
      done(await http('POST', `${channel(id)}/transfer_progress`, { query: { states } })),
  };
}

function bridgeCommands(http: AriHttp): BridgeCommands {
  return {
    createBridge: async (bridgeId, kind, name) =>
      toOutcome(
        await http('POST', '/bridges', { query: { type: bridgeTypes[kind], bridgeId, name } }),
        toBridgeInfo,
      ),
    addToBridge: async (id, channelIds) =>
      done(await http('POST', `${bridge(id)}/addChannel`, { query: { channel: channelIds.join(',') } })),
    removeFromBridge: async (id, channelIds) =>
      done(await http('POST', `${bridge(id)}/removeChannel`, { query: { channel: channelIds.join(',') } })),
    destroyBridge: async (id) => done(await http('DELETE', bridge(id))),

    play: async (request) => {
      const target =
        'channelId' in request.target ? channel(request.target.channelId) : bridge(request.target.bridgeId);
      return done(
        await http('POST', `${target}/play`, {
          query: { media: request.media.join(','), playbackId: request.playbackId },
        }),
      );
    },
    stopPlayback: async (id) => done(await http('DELETE', `/playbacks/${segment(id)}`)),
    moh: async (target, on) =>
      done(
        await http(
          onOff(on),
          `${'channelId' in target ? channel(target.channelId) : bridge(target.bridgeId)}/moh`,
        ),
      ),
  };
}

/** Recordings (voicemail) and mailboxes (message waiting, res_mwi_external). */
function mediaCommands(http: AriHttp): MediaCommands {
  const stored = (name: string) => `/recordings/stored/${segment(name)}`;
  return {
    record: async (request) =>
      done(
        await http('POST', `${channel(request.channelId)}/record`, {
          query: {
            name: request.name,
            format: request.format,
            maxDurationSeconds: request.maxDurationSeconds,
            maxSilenceSeconds: request.maxSilenceSeconds,
            terminateOn: request.terminateOn,
            beep: request.beep,
            ifExists: request.ifExists,
          },
        }),
      ),
    recordBridge: async (request) =>
      done(
        await http('POST', `/bridges/${segment(request.bridgeId)}/record`, {
          query: {
            name: request.name,
            format: request.format,
            maxDurationSeconds: request.maxDurationSeconds,
            ifExists: request.ifExists,
            beep: false,
            terminateOn: 'none',
          },
        }),
      ),
    stopRecording: async (name) => done(await http('POST', `/recordings/live/${segment(name)}/stop`)),
    storedRecordingFile: async (name) =>
      toOutcome(await http('GET', `${stored(name)}/file`, { raw: true }), (body) =>
        Buffer.isBuffer(body) ? body : Buffer.alloc(0),
      ),
    deleteStoredRecording: async (name) => done(await http('DELETE', stored(name))),
    setMailbox: async (name, counts) =>
      done(
        await http('PUT', `/mailboxes/${segment(name)}`, {
          query: { oldMessages: counts.oldMessages, newMessages: counts.newMessages },
        }),
      ),
    deleteMailbox: async (name) => done(await http('DELETE', `/mailboxes/${segment(name)}`)),
  };
}

function systemCommands(http: AriHttp): SystemCommands {
  return {
    setDeviceState: async (name, deviceState) =>
      done(await http('PUT', `/deviceStates/${segment(name)}`, { query: { deviceState } })),

    listChannels: async () => toOutcome(await http('GET', '/channels'), list(toChannelInfo)),
    listBridges: async () => toOutcome(await http('GET', '/bridges'), list(toBridgeInfo)),
    getEndpoint: async (technology, resource) =>
      toOutcome(await http('GET', `/endpoints/${segment(technology)}/${segment(resource)}`), toEndpointInfo),
    listEndpoints: async () => toOutcome(await http('GET', '/endpoints'), list(toEndpointInfo)),

    getSipObject: async (type, id) => toOutcome(await http('GET', sipObjectPath(type, id)), list(toSipField)),
    putSipObject: async (type, id, fields) =>
      done(
        await http('PUT', sipObjectPath(type, id), {
          body: { fields: Object.entries(fields).map(([attribute, value]) => ({ attribute, value })) },
        }),
      ),
    deleteSipObject: async (type, id) => done(await http('DELETE', sipObjectPath(type, id))),
    sipRegistrationExists: async (aorId, contactUri) => {
      const found = toOutcome(
        await http('GET', sipObjectPath('contact', dynamicContactId(aorId, contactUri))),
        () => true,
      );
      return !found.ok && found.reason === 'gone' ? { ok: true, value: false } : found;
    },
    reloadModule: async (module) => done(await http('PUT', `/asterisk/modules/${segment(module)}`)),
    ping: async () => done(await http('GET', '/asterisk/ping')),
  };
}

const toSipField = (value: unknown) =>
  isObject(value)
    ? { attribute: text(value.attribute), value: text(value.value) }
    : { attribute: '', value: '' };

/**
 * The sorcery id res_pjsip gives a contact a REGISTER created: `<aor>;@<md5 of its URI>` (location.c,
 * `ast_sip_location_add_contact`); an AOR's permanent contacts are `<aor>@@<md5>` and live only in the AOR object.
 */
const dynamicContactId = (aorId: string, uri: string) =>
  `${aorId};@${createHash('md5').update(uri).digest('hex')}`;

const sipObjectPath = (type: string, id: string) =>
  `/asterisk/config/dynamic/res_pjsip/${segment(type)}/${segment(id)}`;

/** `"Name" <number>` for originate's `callerId` (which sets the new channel's caller ID and connected line). */
function callerIdString(party: { name: string; number: string }): string {
  const name = party.name.replace(/["\\]/g, '');
  return name ? `"${name}" <${party.number}>` : `<${party.number}>`;
}

/**
 * Variables for `POST /channels/create`, set before the channel exists in Stasis (setting them afterwards races
 * its StasisStart). `/channels/create` takes no callerId: the number the callee's phone shows is the new channel's
 * connected line (what originate's `callerId` sets too), so both CALLERID and CONNECTEDLINE are set; a dial with
 * `caller=` overrides them.
 */
function createVariables(request: CreateChannel): Record<string, string> {
  const callerId: Record<string, string> = request.callerId
    ? {
        'CALLERID(name)': request.callerId.name,
        'CALLERID(num)': request.callerId.number,
        'CONNECTEDLINE(name)': request.callerId.name,
        'CONNECTEDLINE(num)': request.callerId.number,
      }
    : {};
  return { ...callerId, ...request.variables };
}
