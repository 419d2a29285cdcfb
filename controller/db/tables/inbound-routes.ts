import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type FallbackKind = 'extension' | 'external' | 'hangup';

/** Migration 0013: a DID (E.164) routed to a team; the fallback when nobody is available or nobody answers. */
export interface InboundRoutesTable {
  id: Generated<string>;
  did: string;
  team_id: string;
  assigned_ring_seconds: ColumnType<number, number | undefined, number>;
  fallback_kind: FallbackKind;
  fallback_target: string | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}
export type InboundRouteRow = Selectable<InboundRoutesTable>;
export type NewInboundRouteRow = Insertable<InboundRoutesTable>;
export type InboundRouteUpdate = Updateable<InboundRoutesTable>;
