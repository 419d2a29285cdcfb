/**
 * Online matching of the double's events against a recording: the same events in the same order,
 * where events recorded in the same millisecond may come in any order among themselves.
 * BRIDGEPEER / BRIDGEPVTCALLID varsets are compared apart (see peer-vars.ts).
 */
import type { AriEvent } from './recording.js';
import type { IdMap } from './id-map.js';
import { compare, type Diff } from './id-map.js';

export interface Expected {
  index: number;
  t: number;
  event: AriEvent;
  matched: boolean;
}

export interface Mismatch {
  got: AriEvent;
  expected: Expected[];
  diffs: Diff[];
}

export const PEER_VARS = new Set(['BRIDGEPEER', 'BRIDGEPVTCALLID']);

export function isPeerVar(e: AriEvent): boolean {
  return e.type === 'ChannelVarset' && PEER_VARS.has(String(e.variable));
}

/**
 * Values that are random on every run: RTCP statistics. Also the peer state in the first `Dial`
 * (""): it races with the callee's 180 (README: "Dial vs ChannelStateChange Ringing"), see raceGroups.
 */
export function normalizeEvent(e: AriEvent, unseen: Set<string>): AriEvent {
  const copy = JSON.parse(JSON.stringify(e)) as AriEvent;
  if (copy.type === 'ChannelVarset' && String(copy.variable).startsWith('RTPAUDIOQOS'))
    copy.value = '<rtcp stats>';
  if (copy.type === 'Dial' && copy.dialstatus === '' && copy.peer)
    (copy.peer as Record<string, unknown>).state = '<Down|Ringing>';
  stripUnseen(copy, unseen);
  return copy;
}

/** Drop ids the app never saw anywhere but in a bridge snapshot (the MOH player channel). */
function stripUnseen(v: unknown, unseen: Set<string>): void {
  if (!v || typeof v !== 'object') return;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.channels)) o.channels = o.channels.filter((c) => !unseen.has(String(c)));
  for (const x of Object.values(o)) stripUnseen(x, unseen);
}

/**
 * The first `Dial` ("") of a leg and its `ChannelStateChange Ringing` race (02 and 09 vs 08): when
 * adjacent, they are put in one group (free order between them).
 */
export function raceGroups(events: { t: number; event: AriEvent }[]): { t: number; event: AriEvent }[] {
  const out = events.map((e) => ({ ...e }));
  for (let i = 0; i + 1 < out.length; i++) {
    const a = out[i];
    const b = out[i + 1];
    if (!a || !b) continue;
    const pair = [a.event, b.event];
    const dial = pair.find((e) => e.type === 'Dial' && e.dialstatus === '');
    const ringing = pair.find(
      (e) => e.type === 'ChannelStateChange' && (e.channel as { state?: string }).state === 'Ringing',
    );
    const same =
      dial && ringing && (dial.peer as { id?: string }).id === (ringing.channel as { id?: string }).id;
    if (same) b.t = a.t;
  }
  return out;
}

export class EventMatcher {
  readonly expected: Expected[];
  readonly mismatches: Mismatch[] = [];
  readonly extras: AriEvent[] = [];
  lastEventAt = Date.now();
  private readonly waiters: (() => void)[] = [];

  constructor(
    recorded: { t: number; event: AriEvent }[],
    readonly ids: IdMap,
    private readonly floating: Set<string>,
  ) {
    this.expected = recorded.map((r, index) => ({ index, t: r.t, event: r.event, matched: false }));
  }

  /** The unmatched events of the earliest millisecond group that still has some. */
  private currentGroup(): Expected[] {
    const first = this.expected.find((e) => !e.matched);
    if (!first) return [];
    const group: Expected[] = [];
    for (let i = first.index; i < this.expected.length && this.expected[i]?.t === first.t; i++) {
      const e = this.expected[i];
      if (e && !e.matched) group.push(e);
    }
    return group;
  }

  private tryMatch(cands: Expected[], got: AriEvent): Expected | undefined {
    for (const c of cands) {
      if (c.event.type !== got.type) continue;
      const { diffs, bindings } = compare(c.event, got, this.ids, { unordered: true });
      if (diffs.length === 0) {
        this.ids.commit(bindings);
        c.matched = true;
        return c;
      }
    }
    return undefined;
  }

  onEvent(got: AriEvent): void {
    this.lastEventAt = Date.now();
    try {
      this.match(got);
    } finally {
      for (const w of this.waiters.splice(0)) w();
    }
  }

  private match(got: AriEvent): void {
    const group = this.currentGroup();
    if (this.tryMatch(group, got)) return;
    const floaters = this.expected.filter((e) => !e.matched && this.floating.has(e.event.type));
    if (this.floating.has(got.type) && this.tryMatch(floaters, got)) return;
    const closest = group.find((c) => c.event.type === got.type) ?? group[0];
    const diffs = closest ? compare(closest.event, got, this.ids, { unordered: true }).diffs : [];
    this.mismatches.push({ got, expected: group, diffs });
    this.extras.push(got);
  }

  isMatched(index: number): boolean {
    return this.expected[index]?.matched ?? false;
  }

  /** Resolve when fn() is true, or reject after timeoutMs; `idleMs` also resolves after a quiet spell. */
  async waitFor(fn: () => boolean, timeoutMs: number, idleMs?: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (fn()) return true;
      if (this.mismatches.length > 0) return false;
      const now = Date.now();
      if (now >= deadline) return false;
      if (idleMs !== undefined && now - this.lastEventAt >= idleMs) return false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 20);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}
