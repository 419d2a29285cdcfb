/**
 * Audio model: every phone sends its own tone (its id). What a channel hears comes from its bridge
 * (each member hears every other member; a holding bridge with MOH gives 'moh'), playbacks
 * ('sound:...'), channel MOH, a native fallback peer, and snoops as measured on Asterisk 22:
 * spy=in = what X sends, spy=out = what X hears; whisper=out is heard by X, whisper=in by X's peers;
 * a spy does not pick up another snoop's whisper.
 */
import type { Sim } from './sim.js';
import type { Channel } from './types.js';
import { playingOn } from './playbacks.js';
import { callOf } from './phone-side.js';

type Seen = Set<string>;

function snoopsOn(sim: Sim, ch: Channel): Channel[] {
  return [...sim.channels.values()].filter((s) => s.snoop?.targetId === ch.id && !s.gone && s.inStasis);
}

const has = (d: string, want: 'in' | 'out'): boolean => d === 'both' || d === want;

/** What the channel's far end sends into Asterisk, without whisper injection. */
function rawIn(sim: Sim, ch: Channel, seen: Seen): string[] {
  if (has(ch.mute, 'in') || ch.state !== 'Up') return [];
  if (ch.kind === 'pjsip') {
    const c = callOf(sim, ch);
    return c && !c.call.onHold ? [c.phone.id] : [];
  }
  if (ch.kind === 'local') {
    const partner = ch.localPartnerId ? sim.liveChannel(ch.localPartnerId) : undefined;
    return partner ? rawOut(sim, partner, seen) : [];
  }
  const target = ch.snoop ? sim.liveChannel(ch.snoop.targetId) : undefined;
  if (!target || !ch.snoop) return [];
  return [
    ...(has(ch.snoop.spy, 'in') ? rawIn(sim, target, seen) : []),
    ...(has(ch.snoop.spy, 'out') ? rawOut(sim, target, seen) : []),
  ];
}

/** What a channel contributes to its bridge: its far end plus `whisper=in` snoops. */
function said(sim: Sim, ch: Channel, seen: Seen): string[] {
  const injected = snoopsOn(sim, ch).filter((s) => s.snoop && has(s.snoop.whisper, 'in'));
  return [...rawIn(sim, ch, seen), ...injected.flatMap((s) => rawOut(sim, s, seen))];
}

/** What Asterisk sends to the channel, without whisper injection. */
function rawOut(sim: Sim, ch: Channel, seen: Seen): string[] {
  if (seen.has(ch.id) || has(ch.mute, 'out')) return [];
  const next = new Set(seen).add(ch.id);
  const out = [...playingOn(sim, `channel:${ch.id}`)];
  if (ch.moh) out.push('moh');
  const br = ch.bridgeId ? sim.bridges.get(ch.bridgeId) : undefined;
  if (br) {
    out.push(...playingOn(sim, `bridge:${br.id}`));
    if (br.moh) out.push('moh');
    if (br.bridgeType === 'mixing') {
      for (const id of br.channels) {
        const m = id === ch.id ? undefined : sim.liveChannel(id);
        if (m) out.push(...said(sim, m, next));
      }
    }
  }
  const peer = ch.fallbackPeerId ? sim.liveChannel(ch.fallbackPeerId) : undefined;
  if (peer && peer.state === 'Up') out.push(...said(sim, peer, next));
  return out;
}

/** Sources heard on the phone whose call runs on this channel, sorted and de-duplicated. */
export function hearsOn(sim: Sim, channelId: string): string[] {
  const ch = sim.liveChannel(channelId);
  if (!ch || ch.state !== 'Up') return [];
  const whisperOut = snoopsOn(sim, ch).filter((s) => s.snoop && has(s.snoop.whisper, 'out'));
  const seen: Seen = new Set();
  const all = [...rawOut(sim, ch, seen), ...whisperOut.flatMap((s) => rawOut(sim, s, new Set([ch.id])))];
  return [...new Set(all)].sort();
}

/** The phones a bridge mixes now (what a bridge recording holds): every member's far end and whispers into it. */
export function bridgeMix(sim: Sim, br: { channels: string[]; bridgeType: string }): string[] {
  if (br.bridgeType !== 'mixing') return [];
  const out = br.channels.flatMap((id) => {
    const m = sim.liveChannel(id);
    return m ? said(sim, m, new Set()) : [];
  });
  return [...new Set(out)].filter((s) => s !== 'moh' && !s.startsWith('sound:')).sort();
}
