/**
 * RTP statistics of PJSIP channels, as `CHANNEL(rtcp,…)` reads them (chan_pjsip `channel_read_rtcp`): each answered
 * SIP channel carries a G.711 stream both ways at 50 packets/s from the moment it is up, its counters growing with
 * time; `setLinkQuality` degrades (or mends) a channel's or an endpoint's link from now on: that share of packets is
 * lost each way, and the jitter and round trip are reported as given.
 *
 * `CHANNEL(rtcp,all,audio)` answers Asterisk 22's text (main/rtp_engine.c, AST_RTP_INSTANCE_STAT_FIELD_QUALITY):
 * `ssrc;themssrc;lp;rxjitter;rxcount;txjitter;txcount;rlp;rtt;rxmes;txmes`, where (res_rtp_asterisk.c
 * `ast_rtp_get_stat`) `lp` is the loss of the phone's stream, `rlp` the loss the phone reports of Asterisk's,
 * `txjitter` Asterisk's measure of the phone's stream and `rxjitter` the phone's report; seconds. The single fields
 * (`rxcount`, `txcount`, `rxploss`, `txploss`, `rxjitter`, `txjitter`, `rtt`: only these) read alike.
 * A SIP channel not answered yet reads all zero (its RTP session exists, nothing flows). A channel without an RTP
 * session (Local, Snoop) or an unknown field fails as Asterisk's function read does: ARI answers 500 "Unable to read
 * provided function". Not modelled: RTCP's 5-s report interval (loss counts are
 * current), MES (reads 0, as before Asterisk's first report), SSRC changes.
 */
import type { Sim } from './sim.js';
import type { Channel } from './types.js';

export interface LinkQuality {
  jitterMs: number;
  lossPct: number;
  rttMs: number;
}

const PERFECT: LinkQuality = { jitterMs: 0, lossPct: 0, rttMs: 0 };
const PACKETS_PER_SECOND = 50;

interface Stream {
  ssrc: number;
  themSsrc: number;
  at: number;
  sent: number;
  expectedIn: number;
  lostIn: number;
  lostOut: number;
}

export class RtcpReadError extends Error {}

export class RtpStreams {
  private readonly streams = new Map<string, Stream>();
  /** By channel id, or by endpoint resource (`1002`). */
  private readonly links = new Map<string, LinkQuality>();

  constructor(private readonly sim: Sim) {}

  /** A SIP channel was answered: its stream starts now. */
  started(ch: Channel): void {
    if (ch.kind !== 'pjsip' || this.streams.has(ch.id)) return;
    this.streams.set(ch.id, newStream());
  }

  /** From now on (what flowed so far keeps the link it had). `target`: a channel id, `PJSIP/1002` or `1002`. */
  setLinkQuality(target: string, link: Partial<LinkQuality>): void {
    for (const [id, stream] of this.streams) this.advance(id, stream);
    const key = target.replace(/^PJSIP\//, '');
    this.links.set(key, { ...PERFECT, ...this.links.get(key), ...link });
  }

  restart(): void {
    this.streams.clear();
  }

  /** `CHANNEL(rtcp,<what>,audio)` of a live channel, or a read failure. */
  read(ch: Channel, what: string): string {
    if (ch.kind !== 'pjsip' || ch.gone)
      throw new RtcpReadError(`Channel ${ch.name} has no audio media/RTP session`);
    // A SIP channel has its RTP session from the offer on; nothing flows before the answer.
    const stream = this.streams.get(ch.id) ?? newStream();
    if (this.streams.has(ch.id)) this.advance(ch.id, stream);
    const link = this.linkOf(ch);
    const f = (seconds: number) => seconds.toFixed(6);
    const n = {
      rxcount: Math.floor(stream.expectedIn - stream.lostIn),
      txcount: Math.floor(stream.sent),
      lp: Math.floor(stream.lostIn),
      rlp: Math.floor(stream.lostOut),
    };
    const jitter = f(link.jitterMs / 1000);
    const rtt = f(link.rttMs / 1000);
    const single: Record<string, string> = {
      rxcount: String(n.rxcount),
      txcount: String(n.txcount),
      rxploss: String(n.lp),
      txploss: String(n.rlp),
      rxjitter: jitter,
      txjitter: jitter,
      rtt,
    };
    if (what === 'all')
      return (
        `ssrc=${stream.ssrc};themssrc=${stream.themSsrc};lp=${n.lp};rxjitter=${jitter};rxcount=${n.rxcount};` +
        `txjitter=${jitter};txcount=${n.txcount};rlp=${n.rlp};rtt=${rtt};rxmes=0.000000;txmes=0.000000`
      );
    const value = single[what];
    if (value === undefined)
      throw new RtcpReadError(`Unrecognized argument '${what}' for 'rtcp' information`);
    return value;
  }

  private linkOf(ch: Channel): LinkQuality {
    return this.links.get(ch.id) ?? (ch.endpointId ? this.links.get(ch.endpointId) : undefined) ?? PERFECT;
  }

  /** Packets flowed since the last look, at the channel's link of that time. */
  private advance(id: string, stream: Stream): void {
    const ch = this.sim.liveChannel(id);
    if (!ch) return void this.streams.delete(id);
    const now = performance.now();
    const packets = ((now - stream.at) / 1000) * PACKETS_PER_SECOND;
    const loss = Math.min(100, Math.max(0, this.linkOf(ch).lossPct)) / 100;
    stream.at = now;
    stream.sent += packets;
    stream.expectedIn += packets;
    stream.lostIn += packets * loss;
    stream.lostOut += packets * loss;
  }
}

const ssrc = () => Math.floor(Math.random() * 2 ** 32);
const newStream = (): Stream => ({
  ssrc: ssrc(),
  themSsrc: ssrc(),
  at: performance.now(),
  sent: 0,
  expectedIn: 0,
  lostIn: 0,
  lostOut: 0,
});

/** `CHANNEL(rtcp,<what>[,audio])`: the `what`, or undefined for any other name. */
export function rtcpFunction(name: string): string | undefined {
  const m = /^CHANNEL\(\s*rtcp\s*,\s*([a-z_]+)\s*(?:,\s*audio\s*)?\)$/i.exec(name);
  return m?.[1]?.toLowerCase();
}
