import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

export interface DevicesTable {
  id: string;
  name: string;
  location: ColumnType<string, string | undefined, string>;
  hotdesk: ColumnType<boolean, boolean | undefined, boolean>;
  owner_user_id: string | null;
  sip_password: string;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}
export type DeviceRow = Selectable<DevicesTable>;
export type NewDeviceRow = Insertable<DevicesTable>;
export type DeviceUpdate = Updateable<DevicesTable>;
