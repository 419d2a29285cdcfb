/**
 * The E-model (ITU-T G.107) reduced to what RTCP tells about one call leg of G.711 (PCMU/PCMA): every input at its
 * G.107 default except the one-way delay `Ta` and the packet loss, so a perfect link gives the G.107 default R = 93.2
 * (MOS 4.41). See README.md ("The E-model") for the reasoning and the known points.
 */

/** G.711: no codec impairment (Ie = 0); packet-loss robustness Bpl = 4.3 (G.113 Appendix I, no concealment assumed). */
export const G711 = { ie: 0, bpl: 4.3 } as const;

/** R with every G.107 input at its default (Ro − Is − Id at T = Ta = 0, A = 0, no codec or loss impairment). */
export const DEFAULT_R = 93.2;

/** G.711 in 20 ms packets: the packetization delay added to every leg's one-way delay. */
export const PACKET_MS = 20;

/**
 * The delay impairment Idd of G.107 §7.2 (mT = 100 ms): none up to 100 ms one way, then
 * 25·{(1+X⁶)^⅙ − 3·(1+(X/3)⁶)^⅙ + 2} with X = log2(Ta/100).
 */
export function delayImpairment(oneWayMs: number): number {
  if (oneWayMs <= 100) return 0;
  const x = Math.log2(oneWayMs / 100);
  return 25 * ((1 + x ** 6) ** (1 / 6) - 3 * (1 + (x / 3) ** 6) ** (1 / 6) + 2);
}

/** Ie,eff = Ie + (95 − Ie)·Ppl / (Ppl/BurstR + Bpl), random loss (BurstR = 1); `lossPct` is Ppl in percent. */
export function lossImpairment(lossPct: number, codec: { ie: number; bpl: number } = G711): number {
  const ppl = Math.min(100, Math.max(0, lossPct));
  return codec.ie + ((95 - codec.ie) * ppl) / (ppl + codec.bpl);
}

/**
 * The leg's effective one-way delay: half the round trip (the network one way), a jitter buffer sized to twice the
 * jitter, and the packetization of one frame.
 */
export function oneWayDelayMs(figures: { rttMs: number; jitterMs: number }): number {
  return Math.max(0, figures.rttMs) / 2 + 2 * Math.max(0, figures.jitterMs) + PACKET_MS;
}

/** G.107 Annex B: R → MOS (1 below R = 0, 4.5 above R = 100). */
export function mosOfR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  // The polynomial dips just under 1 for R below ~6.5: MOS is never under 1.
  return Math.max(1, 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6);
}

export interface Estimate {
  r: number;
  mos: number;
  oneWayMs: number;
}

/** R and MOS of a G.711 leg from its round trip, jitter (ms) and packet loss (%). */
export function estimateQuality(figures: { rttMs: number; jitterMs: number; lossPct: number }): Estimate {
  const oneWayMs = oneWayDelayMs(figures);
  const r = DEFAULT_R - delayImpairment(oneWayMs) - lossImpairment(figures.lossPct);
  return { r, mos: mosOfR(r), oneWayMs };
}
