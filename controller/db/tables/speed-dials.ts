import type { Selectable } from 'kysely';

/** One speed dial of a user (migration 0014): `*0<slot>` dials `number`. */
export interface SpeedDialsTable {
  user_id: string;
  slot: number;
  number: string;
  label: string;
}
export type SpeedDialRow = Selectable<SpeedDialsTable>;
