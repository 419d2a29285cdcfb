import {
  callLogHandledBy,
  callLogInvolves,
  findCallLogById,
  listCallLogs,
  type CallLog,
  type CallLogFilter,
} from '../../db/call-logs.repository.js';
import type { Db } from '../../db/database.js';
import { findNote, insertNote, listNotes, updateNoteBody, type Note } from '../../db/notes.repository.js';
import type { PageRequest } from '../../db/pagination.js';
import { recordingsOfCalls } from '../../db/recordings.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { callLogScope, mayEditNote } from './call-logs.access.js';
import { withQuality } from '../quality/call-log-quality.js';

/** A call's recording as its log lists it. */
export interface CallLogRecording {
  id: string;
  state: 'recording' | 'stopped' | 'failed';
  durationSeconds: number;
  segments: number;
}

export type CallLogWithRecording = CallLog & { recording: CallLogRecording | null };

/** The read side of call logs, and notes on them. The calls feature writes the logs (db/calls.repository.ts). */
export function createCallLogsService(db: Db) {
  /** Each log with its call's recording (call recording, issue 17). */
  const withRecordings = async <T extends CallLog>(
    logs: T[],
  ): Promise<(T & { recording: CallLogRecording | null })[]> => {
    const recordings = await recordingsOfCalls(
      db,
      logs.map((log) => log.callId),
    );
    return logs.map((log) => {
      const found = recordings.get(log.callId);
      const recording = found
        ? {
            id: found.id,
            state: found.state,
            durationSeconds: found.durationSeconds,
            segments: found.segments.length,
          }
        : null;
      return { ...log, recording };
    });
  };

  /** The call log, if the caller took part (or oversees someone who did): 404 when none, 403 when not theirs. */
  const visible = async (principal: Principal, id: string) => {
    const actor = principal;
    const callLog = await findCallLogById(db, id);
    if (!callLog) throw new AppError('no-such-call-log', 'call log not found');
    if (!(await callLogInvolves(db, id, callLogScope(actor)))) {
      throw new AppError('forbidden', 'you took no part in this call');
    }
    return { actor, callLog };
  };

  /** The call log, if the caller handled it (or oversees who did): 403 for one they only saw (were rung for). */
  const handled = async (principal: Principal, id: string) => {
    const seen = await visible(principal, id);
    if (!(await callLogHandledBy(db, id, callLogScope(principal)))) {
      throw new AppError('forbidden', 'only whoever handled the call (or their supervisor) writes its notes');
    }
    return seen;
  };

  return {
    async list(principal: Principal, filter: CallLogFilter, page: PageRequest) {
      const found = await listCallLogs(db, callLogScope(principal), filter, page);
      return { ...found, items: await withRecordings(await withQuality(db, found.items)) };
    },
    get: async (principal: Principal, id: string) =>
      (await withRecordings(await withQuality(db, [(await visible(principal, id)).callLog])))[0]!,
    async notes(principal: Principal, id: string, page: PageRequest) {
      await visible(principal, id);
      return listNotes(db, { callLogId: id }, page);
    },
    async addNote(principal: Principal, id: string, body: string): Promise<Note> {
      const { actor } = await handled(principal, id);
      return insertNote(db, { callLogId: id }, actor.userId, body);
    },
    async editNote(principal: Principal, id: string, noteId: string, body: string): Promise<Note> {
      const { actor } = await handled(principal, id);
      const note = await findNote(db, { callLogId: id }, noteId);
      if (!note) throw new AppError('no-such-note', 'note not found');
      if (!mayEditNote(actor, note)) throw new AppError('forbidden', 'you may edit only the notes you wrote');
      return updateNoteBody(db, noteId, body);
    },
  };
}

export type CallLogsService = ReturnType<typeof createCallLogsService>;
