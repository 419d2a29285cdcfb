/**
 * What `CHANNEL(rtcp,all,audio)` reads on a PJSIP channel (chan_pjsip `channel_read_rtcp` → `ast_rtp_instance_get_quality`
 * with `AST_RTP_INSTANCE_STAT_FIELD_QUALITY`, main/rtp_engine.c), the same text Asterisk puts in `RTPAUDIOQOS` at
 * hang-up: `ssrc=%u;themssrc=%u;lp=%u;rxjitter=%f;rxcount=%u;txjitter=%f;txcount=%u;rlp=%u;rtt=%f;rxmes=%f;txmes=%f`.
 * Asterisk 22 has no `CHANNEL(rtpqos,…)`.
 *
 * The fields, as res_rtp_asterisk.c `ast_rtp_get_stat` fills them (jitter and round trip in seconds):
 * - `rxcount` / `txcount`: packets received from the phone / sent to it, so far;
 * - `lp` (`rxploss` = `expected_prior - received_prior`): packets of the phone's stream missing, as of Asterisk's last
 *   RTCP report (every 5 s);
 * - `rlp` (`txploss` = `reported_lost`): packets of Asterisk's stream the phone says it missed (its last receiver report);
 * - `txjitter` (`rtp->rxjitter`): the interarrival jitter Asterisk measures on the phone's stream;
 * - `rxjitter` (`rtcp->reported_jitter`): the jitter the phone reports of Asterisk's stream;
 * - `rtt`: the last round trip measured from a receiver report (0 until one came).
 */
export interface RtcpReport {
  received: number;
  sent: number;
  /** Lost of what the phone sent (`lp`). */
  lostIn: number;
  /** Lost of what the phone received, by its own report (`rlp`). */
  lostOut: number;
  /** Seconds: Asterisk's measure of the phone's stream (`txjitter`), the phone's of Asterisk's (`rxjitter`). */
  jitterIn: number;
  jitterOut: number;
  /** Seconds. */
  rtt: number;
}

/** The dialplan function the sampler reads (through ARI `GET /channels/{id}/variable`). */
export const RTCP_ALL_AUDIO = 'CHANNEL(rtcp,all,audio)';

/**
 * A loss count printed `%u` from an unsigned difference: more packets than expected (duplicates) wraps to a huge
 * number; the RTCP cumulative-loss field is 24-bit signed. Either negative count reads as 0.
 */
const loss = (value: number, bits: number) => (value >= 2 ** (bits - 1) ? 0 : value);

/** The report, or undefined when the text is not one (empty, a field missing or not a number). */
export function parseRtcpAll(text: string): RtcpReport | undefined {
  const fields = new Map<string, number>();
  for (const part of text.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim(), Number(part.slice(at + 1)));
  }
  const read = (name: string) => {
    const value = fields.get(name);
    return value !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  const [received, sent, lp, rlp, txjitter, rxjitter, rtt] = [
    'rxcount',
    'txcount',
    'lp',
    'rlp',
    'txjitter',
    'rxjitter',
    'rtt',
  ].map(read);
  if ([received, sent, lp, rlp, txjitter, rxjitter, rtt].some((v) => v === undefined)) return undefined;
  return {
    received: received!,
    sent: sent!,
    lostIn: loss(lp!, 32),
    lostOut: loss(rlp!, 24),
    jitterIn: txjitter!,
    jitterOut: rxjitter!,
    rtt: rtt!,
  };
}
