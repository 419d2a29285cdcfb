import type { ColumnType, Generated, Selectable } from 'kysely';

export type PagePriority = 'normal' | 'emergency';
export type BusyPolicy = 'skip' | 'force';

/** 800-899, shared by groups and zones: its primary key keeps a number unique across both. */
export interface PagingNumbersTable {
  number: string;
  kind: 'group' | 'zone';
}

export interface PagingGroupsTable {
  id: Generated<string>;
  number: string;
  name: string;
  everyone: ColumnType<boolean, boolean | undefined, boolean>;
  priority: ColumnType<PagePriority, PagePriority | undefined, PagePriority>;
  busy_policy: ColumnType<BusyPolicy, BusyPolicy | undefined, BusyPolicy>;
  beep: ColumnType<boolean, boolean | undefined, boolean>;
  max_seconds: ColumnType<number, number | undefined, number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface PagingGroupMembersTable {
  group_id: string;
  extension: string;
  position: number;
}

export interface PagingZonesTable {
  id: Generated<string>;
  number: string;
  name: string;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface PagingZoneGroupsTable {
  zone_id: string;
  group_id: string;
  position: number;
}

export type PagingGroupRow = Selectable<PagingGroupsTable>;
export type PagingZoneRow = Selectable<PagingZonesTable>;
