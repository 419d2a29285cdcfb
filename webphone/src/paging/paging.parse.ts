import type { LivePage, MemberStatus, PagingGroup, PagingZone, Priority } from './paging.state';

/** The controller's paging shapes read defensively: anything malformed is dropped, not shown half. Pure. */
const str = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
const record = (value: unknown): Record<string, unknown> | null =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.flatMap((v) => str(v) ?? []) : [];
const priorityOf = (value: unknown): Priority => (value === 'emergency' ? 'emergency' : 'normal');

export function toGroup(value: unknown): PagingGroup | null {
  const v = record(value);
  const id = str(v?.id);
  const number = str(v?.number);
  if (!v || !id || !number) return null;
  return {
    id,
    number,
    name: str(v.name) ?? number,
    members: strings(v.members),
    everyone: v.everyone === true,
    priority: priorityOf(v.priority),
  };
}

export function toZone(value: unknown): PagingZone | null {
  const v = record(value);
  const id = str(v?.id);
  const number = str(v?.number);
  if (!v || !id || !number) return null;
  return { id, number, name: str(v.name) ?? number, groupIds: strings(v.groupIds) };
}

const statuses: readonly MemberStatus[] = ['calling', 'connected', 'skipped', 'failed', 'left'];

export function toPage(value: unknown): LivePage | null {
  const v = record(value);
  const id = str(v?.id);
  if (!v || !id) return null;
  const members = (Array.isArray(v.members) ? v.members : []).flatMap((m) => {
    const r = record(m);
    const extension = str(r?.extension);
    if (!r || !extension) return [];
    const status = (statuses as readonly unknown[]).includes(r.status)
      ? (r.status as MemberStatus)
      : 'calling';
    const reason = str(r.reason);
    return [{ extension, status, ...(reason ? { reason } : {}) }];
  });
  return {
    id,
    number: str(v.number) ?? '',
    name: str(v.name) ?? '',
    priority: priorityOf(v.priority),
    fromExtension: str(v.fromExtension) ?? '',
    startedAt: str(v.startedAt) ?? '',
    phase: str(v.phase) ?? 'live',
    members,
  };
}
