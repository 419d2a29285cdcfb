/** The simulated Asterisk's state: every map the modules work on, ids, clock and timers. */
import type { AppState, Bridge, Channel, DoubleTrace, Playback } from './types.js';
import type { ConfigStore } from './config-objects.js';
import type { SimPhone } from './phones.js';
import { Recordings } from './recordings.js';
import { Mailboxes } from './mailboxes.js';
import { RtpStreams } from './rtp-quality.js';

export interface DoubleOptions {
  /** ARI user name (default "ari"). */
  username?: string;
  /** ARI password (default "ari"). */
  password?: string;
  /** Length of one sound file in a playback, in ms (default 50), or a function of the media URI. */
  playbackMs?: number | ((mediaUri: string) => number);
  /** Simulated SIP signalling delay between Asterisk and a phone, in ms (default 1). */
  sipDelayMs?: number;
  /** Gap between two DTMF digits sent by a phone, in ms (default 20; a real baresip: ~240). */
  dtmfGapMs?: number;
  /** Delay between a hang-up request and the channel's tear-down (bridge leave, StasisEnd), in ms (default 5). */
  teardownDelayMs?: number;
  /** Delay before a snooped channel's snoops end after it ended, in ms (default 3). */
  snoopEndDelayMs?: number;
  /**
   * How long after Asterisk finished playing a sound file the phone has played it out (RTP in flight, the phone's
   * jitter buffer), in ms (default 40): a call that ends sooner loses the file's end. Measured on Asterisk 22.10.1
   * with baresip: released at PlaybackFinished, it missed the last ~85 ms of the file.
   */
  playoutMs?: number;
  /** System name used in channel ids (default "asterisk-double"). */
  systemName?: string;
}

export class Sim {
  readonly opts: Required<DoubleOptions>;
  readonly channels = new Map<string, Channel>();
  readonly bridges = new Map<string, Bridge>();
  readonly playbacks = new Map<string, Playback>();
  readonly apps = new Map<string, AppState>();
  readonly deviceStates = new Map<string, string>();
  readonly phones = new Map<string, SimPhone>();
  readonly observers = new Set<(record: DoubleTrace) => void>();
  config!: ConfigStore;
  readonly recordings = new Recordings(this);
  readonly mailboxes = new Mailboxes(this);
  readonly rtp = new RtpStreams(this);
  private readonly timers = new Set<NodeJS.Timeout>();
  private uniqueSeq = 0;
  private pjsipSeq = 0;
  private localSeq = 0;
  private snoopSeq = 0;
  private readonly epoch = Math.floor(Date.now() / 1000);
  readonly asteriskId = '02:fc:00:00:d0:0b';
  closed = false;

  constructor(opts: DoubleOptions) {
    this.opts = {
      username: opts.username ?? 'ari',
      password: opts.password ?? 'ari',
      playbackMs: opts.playbackMs ?? 50,
      sipDelayMs: opts.sipDelayMs ?? 1,
      dtmfGapMs: opts.dtmfGapMs ?? 20,
      snoopEndDelayMs: opts.snoopEndDelayMs ?? 3,
      teardownDelayMs: opts.teardownDelayMs ?? 5,
      playoutMs: opts.playoutMs ?? 40,
      systemName: opts.systemName ?? 'asterisk-double',
    };
  }

  /** An Asterisk-made unique id such as `asterisk-double-1795264113.59`. */
  nextUniqueId(): string {
    return `${this.opts.systemName}-${this.epoch}.${this.uniqueSeq++}`;
  }

  nextPjsipSuffix(): string {
    return hex8(this.pjsipSeq++);
  }
  nextLocalSuffix(): string {
    return hex8(this.localSeq++);
  }
  nextSnoopSuffix(): string {
    return hex8(this.snoopSeq++);
  }

  /** Run fn after ms (0 = next macrotask), unless the double was closed meanwhile. */
  later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  cancel(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }

  cancelAll(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Report to observers, if any; `build` runs only when someone listens. */
  trace(build: (at: number) => DoubleTrace): void {
    if (this.observers.size === 0) return;
    const record = build(performance.now());
    for (const observe of this.observers) observe(record);
  }

  playbackDuration(media: string): number {
    // A stored recording plays for as long as it is (unless the test's own function says otherwise).
    const recorded = media.startsWith('recording:') ? this.recordings.stored.get(media.slice(10)) : undefined;
    if (recorded && typeof this.opts.playbackMs !== 'function') return recorded.durationMs;
    const p = this.opts.playbackMs;
    return typeof p === 'function' ? p(media) : p;
  }

  liveChannel(id: string): Channel | undefined {
    const ch = this.channels.get(id);
    return ch && !ch.gone ? ch : undefined;
  }
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** Asterisk's timestamp format: `2026-11-21T12:28:33.363+0000`. */
export function timestamp(d = new Date()): string {
  return d.toISOString().replace('Z', '+0000');
}
