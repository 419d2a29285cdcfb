/**
 * BRIDGEPEER / BRIDGEPVTCALLID are compared per channel as the sequence of distinct values each took:
 * Asterisk re-sets them to the same value on every internal re-evaluation of a bridge (one to three
 * times per change, depending on media negotiation) and from the bridge thread, so their count and
 * their position among other events are not stable. BRIDGEPVTCALLID values are SIP Call-IDs: only
 * "set" vs "empty" is compared.
 */
import type { AriEvent } from './recording.js';
import type { IdMap } from './id-map.js';

type Log = Map<string, string[]>;

function key(e: AriEvent): string {
  const ch = e.channel as { id: string };
  return `${ch.id} ${String(e.variable)}`;
}

/** Multi-party BRIDGEPEER lists follow Asterisk's internal list order: compared as sets. */
function value(e: AriEvent): string {
  const v = String(e.value);
  return e.variable === 'BRIDGEPVTCALLID' ? (v ? '<call-id>' : '') : v.split(',').sort().join(',');
}

/** Distinct successive values per channel+variable, starting from unset (""). */
export function peerVarLog(events: AriEvent[]): Log {
  const log: Log = new Map();
  for (const e of events) {
    const k = key(e);
    const seq = log.get(k) ?? [''];
    const v = value(e);
    if (seq[seq.length - 1] !== v) seq.push(v);
    log.set(k, seq);
  }
  return log;
}

export function comparePeerVars(recorded: AriEvent[], fromDouble: AriEvent[], ids: IdMap): string[] {
  const rec = peerVarLog(recorded);
  const dbl = peerVarLog(fromDouble);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [k, seq] of rec) {
    const [id = '', variable = ''] = k.split(' ');
    let dk: string;
    let want: string[];
    try {
      dk = `${ids.mapOut(id)} ${variable}`;
      want = seq.map((v) => (v === '<call-id>' ? v : ids.mapOut(v).split(',').sort().join(',')));
    } catch (e) {
      problems.push(`${k}: ${(e as Error).message}`);
      continue;
    }
    seen.add(dk);
    const got = dbl.get(dk) ?? [''];
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      problems.push(`${variable} on ${id}: recorded ${JSON.stringify(want)} double ${JSON.stringify(got)}`);
    }
  }
  for (const [k, seq] of dbl)
    if (!seen.has(k)) problems.push(`${k}: double set ${JSON.stringify(seq)}, never recorded`);
  return problems;
}
