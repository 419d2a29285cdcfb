import { apiFetch, ApiError } from './http';
import type { RecentCall } from './types';

interface CallLogRow {
  id?: string;
  callId?: string;
  fromNumber?: string;
  fromName?: string;
  toNumber?: string;
  toName?: string;
  answeredByExtension?: string | null;
  startedAt?: string;
  answeredAt?: string | null;
  endedAt?: string | null;
}

/** The user's last calls from `/api/call-logs?limit=20`; empty while the controller has no call logs. */
export async function fetchRecentCalls(token: string, extension: string): Promise<RecentCall[]> {
  try {
    const page = await apiFetch<{ items?: CallLogRow[] } | CallLogRow[]>('/call-logs?limit=20', { token });
    const rows = Array.isArray(page) ? page : (page.items ?? []);
    return rows.map((row) => toRecentCall(row, extension));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return [];
    throw error;
  }
}

export function toRecentCall(row: CallLogRow, extension: string): RecentCall {
  const outgoing = row.fromNumber === extension;
  const incoming = row.toNumber === extension || row.answeredByExtension === extension;
  const seconds =
    row.answeredAt && row.endedAt ? Math.max(0, Math.round((Date.parse(row.endedAt) - Date.parse(row.answeredAt)) / 1000)) : null;
  return {
    id: row.id ?? row.callId ?? `${row.startedAt}-${row.fromNumber}`,
    direction: outgoing ? 'out' : incoming ? 'in' : 'other',
    number: (outgoing ? row.toNumber : row.fromNumber) ?? '',
    name: (outgoing ? row.toName : row.fromName) ?? '',
    startedAt: row.startedAt ?? '',
    answered: Boolean(row.answeredAt),
    durationSeconds: seconds,
  };
}
