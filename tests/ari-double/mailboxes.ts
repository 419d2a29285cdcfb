/**
 * Mailboxes (res_mwi_external through ARI `/mailboxes`): message counts by name. Setting one notifies every
 * registered phone whose endpoint's `mailboxes` lists that name, as res_pjsip_mwi's unsolicited message-summary
 * NOTIFY does (`Messages-Waiting: yes|no`, `Voice-Message: new/old`); deleting one clears it (0/0). The phone keeps
 * each NOTIFY it got (`phone.messageSummaries`).
 */
import type { Sim } from './sim.js';

export interface MailboxState {
  name: string;
  newMessages: number;
  oldMessages: number;
}

export interface MessageSummary {
  mailbox: string;
  messagesWaiting: boolean;
  newMessages: number;
  oldMessages: number;
  at: number;
}

export class Mailboxes {
  readonly boxes = new Map<string, MailboxState>();

  constructor(private readonly sim: Sim) {}

  put(name: string, newMessages: number, oldMessages: number): MailboxState {
    const box = { name, newMessages, oldMessages };
    this.boxes.set(name, box);
    this.notify(box);
    return box;
  }

  delete(name: string): boolean {
    if (!this.boxes.delete(name)) return false;
    this.notify({ name, newMessages: 0, oldMessages: 0 });
    return true;
  }

  snapshot(box: MailboxState): Record<string, unknown> {
    return { name: box.name, old_messages: box.oldMessages, new_messages: box.newMessages };
  }

  /** Asterisk restarting forgets every mailbox (res_mwi_external keeps them in memory). */
  restart(): void {
    this.boxes.clear();
  }

  private notify(box: MailboxState): void {
    for (const endpointId of this.sim.config.endpointIds()) {
      const listed = (this.sim.config.endpointField(endpointId, 'mailboxes') ?? '')
        .split(',')
        .map((m) => m.trim());
      if (!listed.includes(box.name)) continue;
      const phone = this.sim.config.registeredPhone(endpointId);
      if (!phone) continue;
      const summary: MessageSummary = {
        mailbox: box.name,
        messagesWaiting: box.newMessages > 0,
        newMessages: box.newMessages,
        oldMessages: box.oldMessages,
        at: Date.now(),
      };
      this.sim.later(this.sim.opts.sipDelayMs, () => phone.messageSummaries.push(summary));
    }
  }
}
