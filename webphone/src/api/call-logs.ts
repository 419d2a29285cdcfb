import { apiFetch, ApiError } from './http';
import type { RecentCall } from './types';

/** A row of `GET /api/call-logs` (only the fields the webphone shows). */
export interface CallLogRow {
  id?: string;
  callId?: string;
  from?: string;
  fromName?: string;
  to?: string;
  toName?: string;
  answeredBy?: string | null;
  startedAt?: string;
  answeredAt?: string | null;
  endedAt?: string | null;
}

/**
 * The user's last 50 calls (since `since`, an ISO time, when given); empty while the controller has no call logs
 * (404) or refuses (403).
 */
export async function fetchRecentCalls(
  token: string,
  extension: string,
  since?: string,
): Promise<RecentCall[]> {
  try {
    const query = new URLSearchParams({ limit: '50', extension, ...(since ? { from: since } : {}) });
    const page = await apiFetch<{ items?: CallLogRow[] } | CallLogRow[]>(`/call-logs?${query}`, { token });
    const rows = Array.isArray(page) ? page : (page.items ?? []);
    return rows.map((row) => toRecentCall(row, extension));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return [];
    throw error;
  }
}

export function toRecentCall(row: CallLogRow, extension: string): RecentCall {
  const outgoing = row.from === extension;
  const incoming = row.to === extension || row.answeredBy === extension;
  const seconds =
    row.answeredAt && row.endedAt
      ? Math.max(0, Math.round((Date.parse(row.endedAt) - Date.parse(row.answeredAt)) / 1000))
      : null;
  return {
    id: row.id ?? row.callId ?? `${row.startedAt}-${row.from}`,
    direction: outgoing ? 'out' : incoming ? 'in' : 'other',
    number: (outgoing ? row.to : row.from) ?? '',
    name: (outgoing ? row.toName : row.fromName) ?? '',
    startedAt: row.startedAt ?? '',
    answered: Boolean(row.answeredAt),
    durationSeconds: seconds,
  };
}

export type HistoryKind = 'all' | 'missed' | 'in' | 'out';

/** The calls of the history that match what the agent asked to see: a kind, and text in the name or number. Pure. */
export function filterHistory(
  calls: readonly RecentCall[],
  filter: { kind: HistoryKind; text: string },
): RecentCall[] {
  const text = filter.text.trim().toLowerCase();
  const digits = text.replace(/[^\d]/g, '');
  return calls.filter((call) => {
    if (filter.kind === 'missed' && (call.answered || call.direction !== 'in')) return false;
    if ((filter.kind === 'in' || filter.kind === 'out') && call.direction !== filter.kind) return false;
    if (!text) return true;
    return (
      call.name.toLowerCase().includes(text) ||
      (digits !== '' && call.number.replace(/[^\d]/g, '').includes(digits))
    );
  });
}

/** A note on a call (`GET /api/call-logs/{id}/notes`). */
export interface CallNote {
  id: string;
  body: string;
  authorName: string | null;
  createdAt: string;
}

export async function fetchCallNotes(token: string, callLogId: string): Promise<CallNote[]> {
  const page = await apiFetch<{ items: CallNote[] }>(
    `/call-logs/${encodeURIComponent(callLogId)}/notes?limit=20`,
    {
      token,
    },
  );
  return page.items;
}
