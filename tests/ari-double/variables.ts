/**
 * Channel variables and the dialplan functions the project writes through ARI (`POST /channels/{id}/variable`,
 * the `variables` body of `POST /channels` and `/channels/create`): plain variables emit `ChannelVarset`; a name
 * ending in `)` is a function write (Asterisk's `pbx_builtin_setvar_helper` → `ast_func_write`) and emits none.
 * `CALLERID(name|num|all)` and `CONNECTEDLINE(name|num|all)` change the channel's caller / connected line
 * (func_callerid.c) with a `ChannelCallerId` / `ChannelConnectedLine` to subscribers, like any snapshot change;
 * chan_pjsip builds the callee's INVITE `From` from the connected line, so that is what a phone displays.
 */
import type { Sim } from './sim.js';
import type { CallerId, Channel } from './types.js';
import { emitChannel, emitVarset } from './events.js';
import { phoneSide } from './phone-side.js';

export class VariableError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Party = 'caller' | 'connected';
type Member = 'name' | 'number' | 'all';

/** `CALLERID(name)`, `CONNECTEDLINE(num)`, `CALLERID(number)`, `CALLERID(all)` (case-insensitive, options ignored). */
function partyFunction(name: string): { party: Party; member: Member } | undefined {
  const m = /^(CALLERID|CONNECTEDLINE)\(\s*([a-z]+)\s*(?:,[^)]*)?\)$/i.exec(name);
  if (!m?.[1] || !m[2]) return undefined;
  const party: Party = m[1].toUpperCase() === 'CALLERID' ? 'caller' : 'connected';
  const sub = m[2].toLowerCase();
  if (sub === 'name' || sub === 'all') return { party, member: sub };
  // func_callerid.c accepts num[ber] by its first three letters.
  if (sub.startsWith('num')) return { party, member: 'number' };
  return undefined;
}

/** `ast_callerid_split`: `"Name" <num>` → name and number; a bare value is a number when it looks like one. */
export function splitCallerId(value: string): CallerId {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(value);
  if (m) return { name: m[1] ?? '', number: m[2] ?? '' };
  const v = value.trim();
  return /^[0-9+*#\s()-]+$/.test(v) ? { name: '', number: v } : { name: v, number: '' };
}

function written(current: CallerId, member: Member, value: string): CallerId {
  const v = value.trimStart();
  if (member === 'all') return splitCallerId(v);
  if (member === 'name') return { ...current, name: v };
  return { ...current, number: v.trim() };
}

function writeParty(sim: Sim, ch: Channel, party: Party, member: Member, value: string): void {
  const next = written(ch[party], member, value);
  if (next.name === ch[party].name && next.number === ch[party].number) return;
  ch[party] = next;
  if (party === 'caller') {
    emitChannel(sim, 'ChannelCallerId', ch, {
      caller_presentation: 0,
      caller_presentation_txt: 'Presentation Allowed, Not Screened',
    });
    return;
  }
  emitChannel(sim, 'ChannelConnectedLine', ch);
  // A call already offered to the phone gets a connected-line UPDATE: its display changes.
  phoneSide.connectedLine(sim, ch);
}

function readParty(ch: Channel, party: Party, member: Member): string {
  const who = ch[party];
  if (member === 'name') return who.name;
  if (member === 'number') return who.number;
  return who.name ? `"${who.name}" <${who.number}>` : who.number;
}

export function getVariable(ch: Channel, name: string): string {
  if (name === 'PJSIP_TRANSFER_HANDLING()') return ch.vars.get(name) ?? 'core';
  if (name === 'CHANNEL(name)') return ch.name;
  const fn = partyFunction(name);
  if (fn) return readParty(ch, fn.party, fn.member);
  const v = ch.vars.get(name);
  if (v === undefined) throw new VariableError(404, 'Provided variable was not found');
  return v;
}

export function setVariable(sim: Sim, ch: Channel, name: string, value: string): void {
  if (name === 'PJSIP_TRANSFER_HANDLING()' && !['core', 'ari-only'].includes(value)) {
    throw new VariableError(400, 'Invalid value for PJSIP_TRANSFER_HANDLING');
  }
  const fn = partyFunction(name);
  if (fn) return writeParty(sim, ch, fn.party, fn.member, value);
  // Other functions (PJSIP_HEADER(add,…), PJSIP_TRANSFER_HANDLING()) are kept for the SIP side to read. Each
  // PJSIP_HEADER(add,X) write adds one more X header (res_pjsip_header_funcs): kept comma-joined, as SIP allows.
  const previous = /^PJSIP_HEADER\(add,/.test(name) ? ch.vars.get(name) : undefined;
  ch.vars.set(name, previous === undefined ? value : `${previous}, ${value}`);
  if (!name.endsWith(')')) emitVarset(sim, ch, name, value);
}

/**
 * The `variables` of an originate or create, in order (`ast_set_variables`): a function write that fails is
 * ignored, as Asterisk does not check it. Events reach the apps already subscribed to the channel.
 */
export function applyVariables(sim: Sim, ch: Channel, vars: Record<string, string>): void {
  for (const [k, v] of Object.entries(vars)) {
    try {
      setVariable(sim, ch, k, v);
    } catch (e) {
      if (!(e instanceof VariableError)) throw e;
    }
  }
}

/**
 * The body's `variables` (Asterisk 22: each value a string or `{value, report_events}`); undefined when malformed
 * (400 "Each value in 'variables' must be …").
 */
export function variablesOf(body: unknown): Record<string, string> | undefined {
  const v = (body as { variables?: unknown } | null)?.variables;
  if (!v || typeof v !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v as Record<string, unknown>)) {
    if (!k) continue;
    if (typeof value === 'string') out[k] = value;
    else if (value && typeof value === 'object' && typeof (value as { value?: unknown }).value === 'string') {
      out[k] = (value as { value: string }).value;
    } else return undefined;
  }
  return out;
}
