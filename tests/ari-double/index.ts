/**
 * The ARI test double: a protocol-level fake Asterisk 22 (HTTP + WebSocket) that the real `ari-client`
 * connects to, with simulated SIP phones and fault injection. See README.md in this folder.
 */
import { Sim, type DoubleOptions } from './sim.js';
import { ConfigStore, type SeedOptions } from './config-objects.js';
import { startServer } from './server.js';
import { bridgeSnapshot, channelSnapshot, sendToApp } from './events.js';
import { listDeviceStates } from './device-states.js';
import { phoneSide } from './phone-side.js';
import { SimPhone as SimPhoneClass, type SimPhone, type PhoneOptions } from './phones.js';
import { carrierPhoneId } from './trunks.js';
import type { AriEvent, DoubleTrace } from './types.js';
import type { LinkQuality } from './rtp-quality.js';
import type { RecordingFault } from './recordings.js';

export type { DoubleOptions } from './sim.js';
export type { SeedOptions } from './config-objects.js';
export type { SimPhone, PhoneOptions, AnswerMode, Transport } from './phones.js';
export type { PhoneCall, PhoneEvent, PhoneEventKind, PhoneCallState } from './phone-types.js';
export type { DoubleTrace } from './types.js';
export type { LinkQuality } from './rtp-quality.js';
export type { RecordingFault } from './recordings.js';

export interface AriDouble {
  /** Base URL for ARI_URL, e.g. `http://127.0.0.1:40123` (REST under /ari, events at /ari/events). */
  readonly url: string;
  /** Define an endpoint+aor+auth as if in pjsip.conf (cannot be deleted through ARI: 403). */
  seedEndpoint(id: string, opts: SeedOptions): void;
  /** REGISTER a phone; rejects if the endpoint/aor/auth is missing or the password is wrong. */
  registerPhone(id: string, opts: PhoneOptions): Promise<SimPhone>;
  /**
   * A carrier at `ip:port` (e.g. `127.0.0.2:5060`): never registered; it receives the INVITEs sent to that address
   * (a trunk's contact or dial-string URI) and its calls are identified by its address (a trunk's `identify`).
   */
  addCarrier(address: string, opts?: Omit<PhoneOptions, 'password' | 'address'>): SimPhone;
  /** The phone registered (or last registered) with this id. */
  phone(id: string): SimPhone | undefined;
  /** Server-side close of every application WebSocket (ARI socket drop). */
  dropWebSockets(): void;
  /** Asterisk restart: channels, bridges, playbacks, device states, dynamic objects and apps vanish. */
  restart(): void;
  /** Current channels / bridges as ARI snapshots, and controllable device states. */
  channels(): Record<string, unknown>[];
  bridges(): Record<string, unknown>[];
  deviceStates(): { name: string; state: string }[];
  /**
   * Report what the double does, as it happens (StasisStart emitted, create and dial requests received), with
   * `performance.now()` timestamps: for benchmarks measuring a controller from outside. Returns the unsubscribe.
   */
  observe(observer: (record: DoubleTrace) => void): () => void;
  /** Push an arbitrary event to every connected application socket. */
  emitRaw(event: { type: string } & Record<string, unknown>): void;
  /** Mailboxes as set through `/mailboxes` (message waiting). */
  mailboxes(): { name: string; newMessages: number; oldMessages: number }[];
  /** Finished recordings: name, file (a WAV in the double's recordings directory), length, whose tones it holds. */
  storedRecordings(): { name: string; file: string; durationMs: number; sources: string[] }[];
  /**
   * Degrade (or mend) the RTP link of a channel (its id) or an endpoint (`PJSIP/1002` or `1002`) from now on: what
   * `CHANNEL(rtcp,…)` reports (`rtp-quality.ts`). Unset fields keep their value; the default link is perfect.
   */
  setLinkQuality(target: string, link: Partial<LinkQuality>): void;
  /** Recordings being made now (channel and bridge recordings). */
  liveRecordings(): { name: string; targetUri: string }[];
  /**
   * Makes the next recordings fail: `refuse` (the record request answers 500), `fail` (started, then RecordingFailed
   * 50 ms later: a full disk), `null` (recordings work again).
   */
  failRecordings(mode: RecordingFault): void;
  /** Stop timers, close sockets and the server. */
  close(): Promise<void>;
}

export async function startAriDouble(opts: DoubleOptions = {}): Promise<AriDouble> {
  const sim = new Sim(opts);
  sim.config = new ConfigStore(sim);
  const running = await startServer(sim);
  const closeSockets = (): void => {
    for (const app of sim.apps.values()) app.socket?.close();
  };
  return {
    url: running.url,
    seedEndpoint: (id, o) => sim.config.seedEndpoint(id, o),
    registerPhone: async (id, o) => sim.config.registerPhone(id, o),
    addCarrier: (address, o = {}) => {
      const carrier = new SimPhoneClass(sim, carrierPhoneId(address), '', { ...o, password: '', address });
      sim.phones.set(carrier.id, carrier);
      return carrier;
    },
    phone: (id) => sim.phones.get(id),
    dropWebSockets: closeSockets,
    restart: () => restart(sim, closeSockets),
    channels: () => [...sim.channels.values()].filter((c) => !c.gone).map((c) => channelSnapshot(c)),
    bridges: () => [...sim.bridges.values()].map((b) => bridgeSnapshot(b)),
    deviceStates: () => listDeviceStates(sim),
    mailboxes: () => [...sim.mailboxes.boxes.values()].map((b) => ({ ...b })),
    storedRecordings: () => [...sim.recordings.stored.values()].map((r) => ({ ...r })),
    setLinkQuality: (target, link) => sim.rtp.setLinkQuality(target, link),
    liveRecordings: () =>
      [...sim.recordings.live.values()].map((r) => ({ name: r.name, targetUri: r.targetUri })),
    failRecordings: (mode) => {
      sim.recordings.fault = mode;
    },
    observe: (observer) => {
      sim.observers.add(observer);
      return () => sim.observers.delete(observer);
    },
    emitRaw: (event) => {
      for (const app of sim.apps.values()) sendToApp(sim, app, event as AriEvent);
    },
    close: async () => {
      sim.closed = true;
      sim.cancelAll();
      closeSockets();
      for (const c of running.wss.clients) c.terminate();
      running.server.closeAllConnections();
      await new Promise<void>((resolve) => running.server.close(() => resolve()));
      sim.recordings.close();
    },
  };
}

function restart(sim: Sim, closeSockets: () => void): void {
  closeSockets();
  sim.cancelAll();
  for (const ch of sim.channels.values()) {
    phoneSide.channelHungUp(sim, ch, 503);
    ch.gone = true;
  }
  sim.channels.clear();
  sim.bridges.clear();
  sim.playbacks.clear();
  sim.deviceStates.clear();
  sim.mailboxes.restart();
  sim.rtp.restart();
  for (const rec of [...sim.recordings.live.values()]) sim.recordings.finish(rec);
  sim.apps.clear();
  sim.config.restart();
}
