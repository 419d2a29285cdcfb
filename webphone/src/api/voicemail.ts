import { apiFetch, ApiError } from './http';

/** A voicemail message as `GET /api/voicemail` and the `voicemail.*` events carry it (SPEC "message"). */
export interface VoicemailMessage {
  id: string;
  mailboxUserId: string;
  from: string;
  fromName: string;
  to: string;
  receivedAt: string;
  durationSeconds: number;
  heard: boolean;
}

/** The newest 50 messages of one mailbox; empty while the controller refuses (403) or has no voicemail (404). */
export async function fetchMailbox(token: string, userId: string): Promise<VoicemailMessage[]> {
  try {
    const query = new URLSearchParams({ limit: '50', mailboxUserId: userId });
    const page = await apiFetch<{ items: VoicemailMessage[] }>(`/voicemail?${query}`, { token });
    return page.items;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return [];
    throw error;
  }
}

export const markHeard = (token: string, id: string, heard: boolean) =>
  apiFetch<VoicemailMessage>(`/voicemail/${encodeURIComponent(id)}`, {
    token,
    method: 'PATCH',
    body: { heard },
  });

export async function deleteMessage(token: string, id: string): Promise<void> {
  const response = await fetch(`/api/voicemail/${encodeURIComponent(id)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => null);
  if (!response) throw new ApiError(0, 'controller-unreachable', 'The PBX server cannot be reached.');
  if (!response.ok && response.status !== 404) throw await errorOf(response);
}

/**
 * The message's WAV as a blob (an `<audio>` element cannot send the bearer token, so the page fetches it and plays
 * an object URL).
 */
export async function fetchAudio(token: string, id: string): Promise<Blob> {
  const response = await fetch(`/api/voicemail/${encodeURIComponent(id)}/audio`, {
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => null);
  if (!response) throw new ApiError(0, 'controller-unreachable', 'The PBX server cannot be reached.');
  if (!response.ok) throw await errorOf(response);
  return response.blob();
}

async function errorOf(response: Response): Promise<ApiError> {
  const payload = (await response.json().catch(() => null)) as {
    error?: { code?: string; message?: string };
  } | null;
  return new ApiError(
    response.status,
    payload?.error?.code ?? `http-${response.status}`,
    payload?.error?.message ?? response.statusText,
  );
}
