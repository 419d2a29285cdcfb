import type { ParkSlotRow } from '../../db/park-slots.repository.js';
import type { AbandonReason, ParkState, ParkVia, RetrievalVia } from './parking.types.js';

/** A park slot as the API and the WebSocket show it (SPEC "park slot"; the webphone reads the same names). */
export interface ParkSlotView {
  slot: string;
  occupied: boolean;
  callerIdNumber: string | null;
  callerIdName: string | null;
  parkerExtension: string | null;
  parkedAt: string | null;
  timeoutAt: string | null;
}

export const emptySlotView = (slot: string): ParkSlotView => ({
  slot,
  occupied: false,
  callerIdNumber: null,
  callerIdName: null,
  parkerExtension: null,
  parkedAt: null,
  timeoutAt: null,
});

export function slotViewOf(park: ParkState, occupied = park.stage !== 'done'): ParkSlotView {
  return {
    slot: park.slot,
    occupied,
    callerIdNumber: park.caller.number,
    callerIdName: park.caller.name,
    parkerExtension: park.parker?.number ?? null,
    parkedAt: park.parkedAt ?? park.requestedAt,
    timeoutAt: park.timeoutAt,
  };
}

export function slotViewOfRow(row: ParkSlotRow): ParkSlotView {
  if (!row.parkId) return emptySlotView(row.slot);
  return {
    slot: row.slot,
    occupied: true,
    callerIdNumber: row.callerIdNumber,
    callerIdName: row.callerIdName,
    parkerExtension: row.parkerExtension,
    parkedAt: row.parkedAt?.toISOString() ?? null,
    timeoutAt: row.timeoutAt?.toISOString() ?? null,
  };
}

/** `call.parked`: the slot as it now is, and which channel is on it. */
export interface ParkedEvent extends ParkSlotView {
  parkId: string;
  channelId: string;
  via: ParkVia;
}

/** `call.unparked`: the slot is free again; the call it held went to `retrievedBy`. */
export interface UnparkedEvent extends ParkSlotView {
  parkId: string;
  channelId: string;
  retrievedBy: { extension: string; name: string; userId: string | null };
  via: RetrievalVia;
}

/** `park.timeout`: the slot is still held while the parker (`recallTo`) is rung back. */
export interface ParkTimeoutEvent extends ParkSlotView {
  parkId: string;
  channelId: string;
  recallTo: string | null;
}

/** `park.abandoned`: the slot is free; the parked caller hung up, vanished, or nobody took the recall. */
export interface ParkAbandonedEvent extends ParkSlotView {
  parkId: string;
  channelId: string;
  reason: AbandonReason;
}
