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

/** The user's last 20 calls; empty while the controller has no call logs (404) or refuses (403). */
export async function fetchRecentCalls(token: string, extension: string): Promise<RecentCall[]> {
  try {
    const query = new URLSearchParams({ limit: '20', extension });
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
