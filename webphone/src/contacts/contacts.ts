import { ApiError, apiFetch } from '../api/http';

/** A contact as `GET /api/contacts` lists it (the fields the webphone shows). */
export interface ContactRow {
  id: string;
  name: string;
  company: string;
  phoneNumbers: string[];
}

/** The agent another call has this contact with (`contact-busy`'s details). */
interface BusyAgent {
  displayName?: string;
  extension?: string;
}

/** Contacts the user may see whose name, company or number matches `query` (agents: those assigned to them). */
export async function searchContacts(token: string, query: string): Promise<ContactRow[]> {
  const params = new URLSearchParams({ limit: '20', ...(query.trim() ? { q: query.trim() } : {}) });
  const page = await apiFetch<{ items: ContactRow[] }>(`/contacts?${params}`, { token });
  return page.items;
}

/** Click to call: the user's own phones ring first, then the number (`POST /api/calls`). */
export async function callNumber(token: string, to: string): Promise<void> {
  await apiFetch('/calls', { token, method: 'POST', body: { to } });
}

/** What the agent reads when a click-to-call is refused. Pure. */
export function callRefusal(error: unknown): string {
  if (!(error instanceof ApiError)) return 'The call could not be placed. Try again.';
  if (error.code === 'contact-busy') {
    const agent = (error.details as { agent?: BusyAgent | null } | undefined)?.agent;
    return `${agent?.displayName ?? 'Another agent'} is on a call with this customer.`;
  }
  return error.message;
}

/** The two commands of the contacts panel, with the session's token. */
export interface ContactsCommands {
  search(query: string): Promise<ContactRow[]>;
  call(to: string): Promise<void>;
}

export function createContacts(token: () => Promise<string>): ContactsCommands {
  return {
    search: async (query) => searchContacts(await token(), query),
    call: async (to) => callNumber(await token(), to),
  };
}
