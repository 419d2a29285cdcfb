/**
 * Structural comparison with id unification: Asterisk-made ids and channel names in the recording
 * (`asterisk-lab-1795264113.59`, `PJSIP/1001-00000027`, `Local/...;1`, `Snoop/...`) are bound to the
 * double's own, first come first bound; app-chosen ids (`c03-1002`) must be equal.
 */

const ASTERISK_ID = /^asterisk-lab-\d+\.\d+$/;
const CHANNEL_NAME = /^(PJSIP\/\S+-[0-9a-f]{8}|Local\/\S+;[12]|Snoop\/\S+-[0-9a-f]{8})$/;

export function isMappable(s: string): boolean {
  return ASTERISK_ID.test(s) || CHANNEL_NAME.test(s);
}

/** Keys never compared: clocks, SIP call ids, random contact URIs. */
const IGNORED_KEYS = new Set(['timestamp', 'creationtime', 'protocol_id', 'asterisk_id', 'uri']);

export class IdMap {
  readonly toDouble = new Map<string, string>();
  readonly toRecorded = new Map<string, string>();

  /** Map a recorded value (id, name, `channel:<id>`, comma list) for use against the double. */
  mapOut(rec: string): string {
    if (rec.includes(','))
      return rec
        .split(',')
        .map((p) => this.mapOut(p))
        .join(',');
    const colon = /^(channel|bridge):(.+)$/.exec(rec);
    if (colon) return `${colon[1]}:${this.mapOut(colon[2] ?? '')}`;
    if (!isMappable(rec)) return rec;
    const d = this.toDouble.get(rec);
    if (d === undefined)
      throw new Error(`recorded id ${rec} is not known yet (no event or response has shown it)`);
    return d;
  }

  mapDeep(v: unknown): unknown {
    if (typeof v === 'string') return this.mapOut(v);
    if (Array.isArray(v)) return v.map((x) => this.mapDeep(x));
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.mapDeep(x)]));
    return v;
  }

  commit(bindings: Map<string, string>): void {
    for (const [r, d] of bindings) {
      this.toDouble.set(r, d);
      this.toRecorded.set(d, r);
    }
  }
}

export interface Diff {
  path: string;
  recorded: unknown;
  double: unknown;
}

/** Compare `rec` against `dbl`; returns differences and the new id bindings it needs. */
export function compare(
  rec: unknown,
  dbl: unknown,
  ids: IdMap,
  opts: { unordered?: boolean } = {},
): { diffs: Diff[]; bindings: Map<string, string> } {
  const bindings = new Map<string, string>();
  const diffs: Diff[] = [];
  walk(rec, dbl, '', ids, bindings, diffs, opts.unordered ?? false);
  return { diffs, bindings };
}

function bindString(rec: string, dbl: string, ids: IdMap, b: Map<string, string>): boolean {
  if (!isMappable(rec)) return rec === dbl;
  const known = ids.toDouble.get(rec) ?? b.get(rec);
  if (known !== undefined) return known === dbl;
  const taken = ids.toRecorded.get(dbl) ?? [...b].find(([, d]) => d === dbl)?.[0];
  if (taken !== undefined) return false;
  b.set(rec, dbl);
  return true;
}

function walkString(
  rec: string,
  dbl: unknown,
  path: string,
  ids: IdMap,
  b: Map<string, string>,
  diffs: Diff[],
): void {
  if (typeof dbl !== 'string') return void diffs.push({ path, recorded: rec, double: dbl });
  const rp = rec.split(',');
  const dp = dbl.split(',');
  const colonR = /^(channel|bridge):(.+)$/.exec(rec);
  const colonD = /^(channel|bridge):(.+)$/.exec(dbl);
  let same: boolean;
  if (colonR && colonD)
    same = colonR[1] === colonD[1] && bindString(colonR[2] ?? '', colonD[2] ?? '', ids, b);
  else if (rp.length > 1 && rp.length === dp.length && rp.some(isMappable))
    same = rp.every((r, i) => bindString(r, dp[i] ?? '', ids, b));
  else same = bindString(rec, dbl, ids, b);
  if (!same) diffs.push({ path, recorded: rec, double: dbl });
}

function walk(
  rec: unknown,
  dbl: unknown,
  path: string,
  ids: IdMap,
  b: Map<string, string>,
  diffs: Diff[],
  unordered: boolean,
): void {
  if (typeof rec === 'string') return walkString(rec, dbl, path, ids, b, diffs);
  if (Array.isArray(rec)) {
    if (!Array.isArray(dbl) || dbl.length !== rec.length)
      return void diffs.push({ path, recorded: rec, double: dbl });
    if (unordered) return walkUnordered(rec, dbl, path, ids, b, diffs);
    rec.forEach((r, i) => walk(r, dbl[i], `${path}[${i}]`, ids, b, diffs, unordered));
    return;
  }
  if (rec && typeof rec === 'object') {
    if (!dbl || typeof dbl !== 'object' || Array.isArray(dbl))
      return void diffs.push({ path, recorded: rec, double: dbl });
    const r = rec as Record<string, unknown>;
    const d = dbl as Record<string, unknown>;
    const keys = new Set([...Object.keys(r), ...Object.keys(d)].filter((k) => !IGNORED_KEYS.has(k)));
    for (const k of keys) {
      if (!(k in r) || !(k in d)) diffs.push({ path: `${path}.${k}`, recorded: r[k], double: d[k] });
      else walk(r[k], d[k], `${path}.${k}`, ids, b, diffs, unordered);
    }
    return;
  }
  if (rec !== dbl) diffs.push({ path, recorded: rec, double: dbl });
}

/** Arrays whose order Asterisk does not define (GET lists, config attribute lists): greedy matching. */
function walkUnordered(
  rec: unknown[],
  dbl: unknown[],
  path: string,
  ids: IdMap,
  b: Map<string, string>,
  diffs: Diff[],
): void {
  const left = [...dbl];
  rec.forEach((r, i) => {
    const j = left.findIndex((d) => {
      const trial = new Map(b);
      const sub: Diff[] = [];
      walk(r, d, '', ids, trial, sub, true);
      if (sub.length) return false;
      for (const [k, v] of trial) b.set(k, v);
      return true;
    });
    if (j < 0) diffs.push({ path: `${path}[${i}]`, recorded: r, double: left });
    else left.splice(j, 1);
  });
}
