/** Replays one recording's REST calls, phone actions and WebSocket opens/closes against a fresh double. */
import WebSocket from 'ws';
import { startAriDouble, type AriDouble, type SimPhone } from '../ari-double/index.js';
import { actionTime, loadRecording, type AriEvent, type Line } from './recording.js';
import { IdMap, compare, type Diff } from './id-map.js';
import { EventMatcher, isPeerVar, normalizeEvent, raceGroups } from './matcher.js';
import { comparePeerVars } from './peer-vars.js';

export interface CaseOptions {
  /** Phones registered before the case starts (the recording's phones that were already running). */
  registered: string[];
  /** Event types allowed to arrive out of their recorded position (documented "varies"). */
  floating?: string[];
}

export interface Report {
  error?: string;
  restProblems: string[];
  eventProblems: string[];
  peerVarProblems: string[];
}

const PASSWORDS: Record<string, string> = {
  '1001': 'pw1001',
  '1002': 'pw1002',
  '1003': 'pw1003',
  '2001': 'secret2001',
};
const STRICT_WAIT_MS = 5000;
const SAME_MS_IDLE_MS = 400;
const MAX_GAP_MS = 50;

/** Ids that appear only inside bridge snapshots' `channels` (the MOH player): never compared. */
function unseenIds(lines: Line[]): Set<string> {
  const all = JSON.stringify(lines.map((l) => (l.kind === 'event' ? stripChannels(l.event) : l)));
  const inBridges = new Set<string>();
  for (const l of lines) if (l.kind === 'event') collectChannels(l.event, inBridges);
  return new Set([...inBridges].filter((id) => !all.includes(`"${id}"`)));
}

function stripChannels(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripChannels);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => k !== 'channels')
      .map(([k, x]) => [k, stripChannels(x)]),
  );
}

function collectChannels(v: unknown, out: Set<string>): void {
  if (!v || typeof v !== 'object') return;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.channels)) for (const c of o.channels) out.add(String(c));
  for (const x of Object.values(o)) collectChannels(x, out);
}

class Replay {
  ari!: AriDouble;
  ws?: WebSocket;
  readonly ids = new IdMap();
  readonly matcher: EventMatcher;
  readonly peerVars: AriEvent[] = [];
  readonly restProblems: string[] = [];
  readonly unseen: Set<string>;

  constructor(
    readonly lines: Line[],
    readonly opts: CaseOptions,
  ) {
    this.unseen = unseenIds(lines);
    const main = lines.flatMap((l) =>
      l.kind === 'event' && !isPeerVar(l.event)
        ? [{ t: l.t, event: normalizeEvent(l.event, this.unseen) }]
        : [],
    );
    this.matcher = new EventMatcher(raceGroups(main), this.ids, new Set(opts.floating ?? []));
  }

  async start(): Promise<void> {
    this.ari = await startAriDouble({
      username: 'ari',
      password: 'ari',
      playbackMs: 100,
      teardownDelayMs: 20,
    });
    for (const id of ['1001', '1002', '1003']) this.ari.seedEndpoint(id, { password: PASSWORDS[id] ?? '' });
    for (const id of this.opts.registered)
      await this.ari.registerPhone(id, { password: PASSWORDS[id] ?? '' });
    if (this.lines.find((l) => l.kind !== 'event')?.kind !== 'ws') await this.openSocket();
  }

  openSocket(): Promise<void> {
    const url = `${this.ari.url.replace('http', 'ws')}/ari/events?app=pbx&api_key=ari:ari&subscribeAll=false`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.on('message', (data) => {
      const e = JSON.parse(String(data)) as AriEvent;
      if (isPeerVar(e)) this.peerVars.push(e);
      else this.matcher.onEvent(normalizeEvent(e, new Set()));
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }

  async closeSocket(): Promise<void> {
    const ws = this.ws;
    if (!ws) return;
    ws.removeAllListeners('message');
    const closed = new Promise((resolve) => ws.once('close', resolve));
    ws.close();
    await closed;
  }

  /** Wait until the events recorded before this action (t < sent) arrived; same-ms ones best effort. */
  async waitBefore(index: number, sent: number): Promise<void> {
    const before = this.eventIndexesBefore(index);
    const strict = before.filter((b) => b.t < sent).map((b) => b.i);
    const loose = before.filter((b) => b.t === sent).map((b) => b.i);
    const okStrict = await this.matcher.waitFor(
      () => strict.every((i) => this.matcher.isMatched(i)),
      STRICT_WAIT_MS,
    );
    if (!okStrict) throw new Error(`events before line ${index + 1} did not all arrive`);
    await this.matcher.waitFor(
      () => loose.every((i) => this.matcher.isMatched(i)),
      STRICT_WAIT_MS,
      SAME_MS_IDLE_MS,
    );
  }

  private eventIndexesBefore(lineIndex: number): { i: number; t: number }[] {
    const out: { i: number; t: number }[] = [];
    let k = 0;
    this.lines.forEach((l, li) => {
      if (l.kind !== 'event' || isPeerVar(l.event)) return;
      if (li < lineIndex) out.push({ i: k, t: l.t });
      k++;
    });
    return out;
  }

  async rest(line: Extract<Line, { kind: 'rest' }>): Promise<void> {
    const path = line.path
      .split('/')
      .map((seg) => (seg ? encodeURIComponent(this.ids.mapOut(decodeURIComponent(seg))) : seg))
      .join('/');
    const qs = new URLSearchParams(
      Object.entries(line.query ?? {}).map(([k, v]): [string, string] => [k, this.ids.mapOut(String(v))]),
    );
    const url = `${this.ari.url}/ari${path}${qs.size ? `?${qs}` : ''}`;
    const res = await fetch(url, {
      method: line.method,
      headers: {
        Authorization: `Basic ${Buffer.from('ari:ari').toString('base64')}`,
        ...(line.body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: line.body ? JSON.stringify(this.ids.mapDeep(line.body)) : undefined,
    });
    const text = await res.text();
    const body: unknown = text ? JSON.parse(text) : null;
    const where = `${line.method} ${line.path} (t=${line.t})`;
    if (res.status !== line.status)
      this.restProblems.push(`${where}: status ${res.status}, recorded ${line.status}; body ${text}`);
    const recorded = normalizeEvent({ type: 'rest', body: line.response } as AriEvent, this.unseen);
    const { diffs, bindings } = compare(recorded, { type: 'rest', body }, this.ids, { unordered: true });
    this.ids.commit(bindings);
    if (diffs.length) this.restProblems.push(`${where}: ${formatDiffs(diffs)}`);
  }

  async phone(line: Extract<Line, { kind: 'phone' }>): Promise<void> {
    const [verb = '', arg = ''] = line.action.split(' ');
    const target = /^sip:([^@]+)@/.exec(arg)?.[1] ?? arg;
    if (verb === 'start')
      return void (await this.ari.registerPhone(line.phone, { password: PASSWORDS[line.phone] ?? '' }));
    const p: SimPhone | undefined = this.ari.phone(line.phone);
    if (!p) throw new Error(`phone ${line.phone} is not registered`);
    const actions: Record<string, () => void> = {
      dial: () => p.dial(target),
      hangup: () => p.hangup(),
      sndcode: () => p.sendDtmf(arg),
      transfer: () => p.transfer(target),
      answermode: () => p.setAnswerMode(arg === 'manual' ? 'manual' : 'auto'),
      quit: () => p.unregister(),
    };
    const act = actions[verb];
    if (!act) throw new Error(`unknown phone action ${line.action}`);
    act();
  }

  async run(): Promise<Report> {
    try {
      await this.replayLines();
    } catch (e) {
      return { error: (e as Error).message, ...this.report() };
    }
    await this.matcher.waitFor(() => this.matcher.expected.every((e) => e.matched), STRICT_WAIT_MS);
    await new Promise((r) => setTimeout(r, 300));
    return this.report();
  }

  /**
   * Actions are replayed as soon as the events recorded before them arrived, but never sooner after
   * the previous action than the recording had them, up to MAX_GAP_MS ("3 s later" becomes 50 ms).
   */
  private async replayLines(): Promise<void> {
    let previous: number | undefined;
    for (const [i, line] of this.lines.entries()) {
      if (line.kind === 'event') continue;
      const at = actionTime(line);
      const started = Date.now();
      await this.waitBefore(i, at);
      const gap = Math.min(previous === undefined ? 0 : at - previous, MAX_GAP_MS) - (Date.now() - started);
      if (gap > 0) await new Promise((r) => setTimeout(r, gap));
      previous = at;
      if (line.kind === 'rest') await this.rest(line);
      else if (line.kind === 'phone') await this.phone(line);
      else if (line.action === 'close') await this.closeSocket();
      else await this.openSocket();
    }
  }

  report(): Report {
    const eventProblems = this.matcher.mismatches
      .slice(0, 5)
      .map(
        (m) =>
          `unexpected ${describe(m.got)}; expected one of [${m.expected.map((e) => `${describe(e.event)} @t=${e.t}`).join(', ')}]${m.diffs.length ? `; diff vs closest: ${formatDiffs(m.diffs)}` : ''}`,
      );
    const missing = this.matcher.expected.filter((e) => !e.matched);
    if (missing.length)
      eventProblems.push(
        `missing ${missing.length} recorded events, first: ${missing
          .slice(0, 5)
          .map((e) => `${describe(e.event)} @t=${e.t}`)
          .join(', ')}`,
      );
    const recordedPeer = this.lines.flatMap((l) =>
      l.kind === 'event' && isPeerVar(l.event) ? [l.event] : [],
    );
    return {
      restProblems: this.restProblems,
      eventProblems,
      peerVarProblems: comparePeerVars(recordedPeer, this.peerVars, this.ids),
    };
  }

  async close(): Promise<void> {
    this.ws?.close();
    await this.ari?.close();
  }
}

function describe(e: AriEvent): string {
  const ch = (e.channel ?? e.peer ?? e.playback ?? e.bridge ?? e.endpoint ?? e.device_state) as
    Record<string, unknown> | undefined;
  const extra = e.type === 'ChannelVarset' ? ` ${String(e.variable)}=${JSON.stringify(e.value)}` : '';
  return `${e.type}(${String(ch?.name ?? ch?.id ?? ch?.resource ?? '')}${ch?.state ? ' ' + String(ch.state) : ''}${extra})`;
}

function formatDiffs(diffs: Diff[]): string {
  return diffs
    .slice(0, 6)
    .map((d) => `${d.path}: recorded ${JSON.stringify(d.recorded)} vs double ${JSON.stringify(d.double)}`)
    .join('; ');
}

export async function replayRecording(file: string, opts: CaseOptions): Promise<Report> {
  const replay = new Replay(loadRecording(file), opts);
  try {
    await replay.start();
    return await replay.run();
  } finally {
    await replay.close();
  }
}
