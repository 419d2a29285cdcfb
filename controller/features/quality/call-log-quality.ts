import { legQualityOfCalls } from '../../db/call-quality.repository.js';
import type { CallLog } from '../../db/call-logs.repository.js';
import type { Db } from '../../db/database.js';
import type { CallQualityRow } from '../../db/tables/call-quality.js';
import { storedQualityOf } from './quality-view.js';

/** Call logs with their stored quality figures (`quality`: null when no leg was sampled), in one query. */
export async function withQuality<T extends Pick<CallLog, 'callId'>>(
  db: Db,
  logs: T[],
): Promise<(T & { quality: ReturnType<typeof storedQualityOf> })[]> {
  const rows = await legQualityOfCalls(
    db,
    logs.map((log) => log.callId),
  );
  const byCall = new Map<string, CallQualityRow[]>();
  for (const row of rows) byCall.set(row.call_id, [...(byCall.get(row.call_id) ?? []), row]);
  return logs.map((log) => ({ ...log, quality: storedQualityOf(byCall.get(log.callId) ?? []) }));
}
