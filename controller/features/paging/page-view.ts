import type { EndReason, MemberStatus, PagePriority, PageState } from './paging.types.js';

/** A page as the API and the WebSocket show it (SPEC core shape, plus name, phase and why it ended). */
export interface PageView {
  id: string;
  number: string;
  name: string;
  priority: PagePriority;
  fromExtension: string;
  startedAt: string;
  phase: PageState['phase'];
  endReason: EndReason | null;
  members: { extension: string; status: MemberStatus; reason?: string }[];
}

export function pageViewOf(page: PageState): PageView {
  return {
    id: page.id,
    number: page.number,
    name: page.name,
    priority: page.priority,
    fromExtension: page.pager.extension,
    startedAt: page.startedAt,
    phase: page.phase,
    endReason: page.endReason,
    members: page.members.map((m) => ({
      extension: m.extension,
      status: m.status,
      ...(m.reason ? { reason: m.reason } : {}),
    })),
  };
}
