/** Simulated SIP phones (like the baresip desk phones and JsSIP webphones used against a real Asterisk). */
import type { MessageSummary } from './mailboxes.js';
import type { Sim } from './sim.js';
import type { CallerId } from './types.js';
import type { PhoneCall, PhoneEvent, PhoneEventKind } from './phone-types.js';
import { phoneAnswers, phoneDial, phoneHangsUp, phoneHold, phoneRejects, phoneSendsDtmf } from './calls.js';
import { phoneRefer, phoneAttendedRefer } from './transfer.js';
import { hearsOn } from './audio.js';
import { carrierDial } from './trunks.js';

/**
 * `manual`: rings until told; `auto`: answers every call; `on-headers`: a desk phone that honours the auto-answer
 * headers of a page or an intercom (`Call-Info: …;answer-after=0`, `Alert-Info: …info=alert-autoanswer`,
 * `Alert-Info: Auto Answer`) and rings like `manual` otherwise.
 */
export type AnswerMode = 'manual' | 'auto' | 'on-headers';

/** Whether an INVITE's headers ask the phone to answer by itself. */
export function asksAutoAnswer(headers: Record<string, string>): boolean {
  return (
    /answer-after=0/i.test(headers['Call-Info'] ?? '') ||
    /info=alert-autoanswer|auto answer/i.test(headers['Alert-Info'] ?? '')
  );
}
export type Transport = 'udp' | 'ws';

export interface PhoneOptions {
  password: string;
  /** `auto` answers every incoming call at once (default `auto`, as the recordings' phones). */
  answerMode?: AnswerMode;
  /** `ws` registrations are lost when Asterisk restarts; `udp` ones survive (default `udp`). */
  transport?: Transport;
  /** A carrier (trunk peer): the `ip:port` it sends from and listens on; it never registers. */
  address?: string;
}

let dialogSeq = 0;

export class SimPhone {
  state: 'registered' | 'unregistered' = 'registered';
  answerMode: AnswerMode;
  readonly transport: Transport;
  readonly address: string | undefined;
  readonly calls: PhoneCall[] = [];
  readonly events: PhoneEvent[] = [];
  /** Every unsolicited message-summary NOTIFY this phone got (message waiting: `mailboxes.ts`). */
  readonly messageSummaries: MessageSummary[] = [];
  private readonly handedOut = new Set<string>();
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly sim: Sim,
    readonly id: string,
    readonly password: string,
    opts: PhoneOptions,
  ) {
    this.answerMode = opts.answerMode ?? 'auto';
    this.transport = opts.transport ?? 'udp';
    this.address = opts.address;
  }

  /** The most recent call that is not closed. */
  get currentCall(): PhoneCall | undefined {
    return [...this.calls].reverse().find((c) => c.state !== 'closed');
  }

  /** Dial a number (INVITE sip:<exten>@pbx); a carrier's From is `from` (whatever it claims). */
  dial(exten: string, from: CallerId = { name: '', number: this.id }): PhoneCall {
    const call = this.newCall('outgoing', exten, { name: '', number: exten }, {});
    if (this.address !== undefined) carrierDial(this.sim, this, call, exten, from);
    else phoneDial(this.sim, this, call, exten);
    return call;
  }

  /** Wait for a call ringing at this phone that was not handed out by an earlier wait. */
  async waitForIncoming(timeoutMs = 3000): Promise<PhoneCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const call = this.calls.find((c) => c.direction === 'incoming' && !this.handedOut.has(c.id));
      if (call) {
        this.handedOut.add(call.id);
        return call;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`phone ${this.id}: no incoming call within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  answer(call = this.ringingCall()): void {
    if (!call || call.state !== 'ringing') throw new Error(`phone ${this.id}: no ringing call to answer`);
    phoneAnswers(this.sim, this, call);
  }

  reject(status = 486, call = this.ringingCall()): void {
    if (!call || call.state !== 'ringing') throw new Error(`phone ${this.id}: no ringing call to reject`);
    phoneRejects(this.sim, this, call, status);
  }

  /** BYE (or CANCEL, or 486 for a call ringing here, as baresip's `hangup` does). */
  hangup(call = this.currentCall): void {
    if (!call) throw new Error(`phone ${this.id}: no call to hang up`);
    if (call.direction === 'incoming' && call.state === 'ringing') return this.reject(486, call);
    phoneHangsUp(this.sim, this, call);
  }

  /** Send RFC 4733 DTMF digits, one every `dtmfGapMs`. */
  sendDtmf(digits: string, call = this.currentCall): void {
    if (!call) throw new Error(`phone ${this.id}: no call for DTMF`);
    phoneSendsDtmf(this.sim, call, digits);
  }

  /** Blind transfer: REFER to `target` on the call. */
  transfer(target: string, call = this.currentCall): void {
    if (!call) throw new Error(`phone ${this.id}: no call to transfer`);
    this.record('transfer-accepted', call.id);
    phoneRefer(this.sim, this, call, target);
  }

  /** Attended transfer: REFER on `call` with Replaces pointing at `consultation`. */
  attendedTransfer(call: PhoneCall, consultation: PhoneCall): void {
    this.record('transfer-accepted', call.id);
    phoneAttendedRefer(this.sim, this, call, consultation);
  }

  hold(call = this.currentCall): void {
    if (call) phoneHold(this.sim, call, true);
  }

  resume(call = this.currentCall): void {
    if (call) phoneHold(this.sim, call, false);
  }

  /** Sources this phone hears right now on a call: phone ids, 'moh', 'sound:...'. */
  hears(call = this.currentCall): string[] {
    return call?.channelId ? hearsOn(this.sim, call.channelId) : [];
  }

  setAnswerMode(mode: AnswerMode): void {
    this.answerMode = mode;
  }

  /** REGISTER with Expires: 0. */
  unregister(): void {
    this.sim.config.unregisterPhone(this);
  }

  // ---- what Asterisk sends (called by phone-side.ts) ----

  receiveInvite(
    channelId: string,
    from: CallerId,
    headers: Record<string, string>,
    requestUri?: string,
  ): PhoneCall {
    const call = this.newCall('incoming', '', from, headers);
    call.channelId = channelId;
    if (requestUri !== undefined) call.requestUri = requestUri;
    call.state = 'ringing';
    this.record('incoming', call.id);
    if (this.answerMode === 'auto' || (this.answerMode === 'on-headers' && asksAutoAnswer(headers)))
      this.sim.later(this.sim.opts.sipDelayMs, () => {
        if (call.state === 'ringing') phoneAnswers(this.sim, this, call);
      });
    return call;
  }

  receiveRinging(channelId: string): void {
    const call = this.byChannel(channelId);
    if (call?.state !== 'calling') return;
    call.state = 'early';
    this.record('ringing', call.id);
  }

  receiveAnswer(channelId: string): void {
    const call = this.byChannel(channelId);
    if (!call || call.state === 'established' || call.state === 'closed') return;
    call.state = 'established';
    this.record('established', call.id);
  }

  receiveEnd(channelId: string, status: number, sipReason?: string): void {
    const call = this.byChannel(channelId);
    if (!call) return;
    if (sipReason) call.sipReason = sipReason;
    this.close(call, call.state === 'established' ? 200 : status, 'remote');
  }

  receiveDtmf(channelId: string, digit: string): void {
    const call = this.byChannel(channelId);
    if (!call) return;
    call.dtmfReceived += digit;
    this.events.push({ kind: 'dtmf', callId: call.id, digit, at: Date.now() });
  }

  receiveNotify(channelId: string, status: number): void {
    const call = this.byChannel(channelId);
    if (!call) return;
    call.transferNotifies.push(status);
    this.record('transfer-notify', call.id, status);
  }

  // ---- helpers ----

  close(call: PhoneCall, status: number, by: 'local' | 'remote'): void {
    if (call.state === 'closed') return;
    call.state = 'closed';
    call.status = status;
    call.endedBy = by;
    this.record('closed', call.id, status);
  }

  markEstablished(call: PhoneCall): void {
    call.state = 'established';
    this.record('established', call.id);
  }

  record(kind: PhoneEventKind, callId?: string, status?: number): void {
    this.events.push({ kind, callId, status, at: Date.now() });
    for (const w of this.waiters.splice(0)) w();
  }

  private byChannel(channelId: string): PhoneCall | undefined {
    return this.calls.find((c) => c.channelId === channelId && c.state !== 'closed');
  }

  private ringingCall(): PhoneCall | undefined {
    return this.calls.find((c) => c.direction === 'incoming' && c.state === 'ringing');
  }

  private newCall(
    direction: PhoneCall['direction'],
    target: string,
    remote: CallerId,
    headers: Record<string, string>,
  ): PhoneCall {
    const call: PhoneCall = {
      id: `dlg-${this.id}-${++dialogSeq}`,
      direction,
      target,
      state: 'calling',
      remote,
      headers,
      onHold: false,
      transferNotifies: [],
      transferFailed: false,
      dtmfReceived: '',
      prompts: [],
    };
    this.calls.push(call);
    return call;
  }
}
