/**
 * The last recording failure (Asterisk refused or failed a recording, the disk is full), shown by `/readyz` until a
 * recording is saved again. It never makes the controller unready: calls go on without their recordings.
 */
export function createRecordingAlerts(now: () => Date = () => new Date()) {
  let last: { message: string; at: string } | undefined;
  return {
    failed(message: string): void {
      last = { message, at: now().toISOString() };
    },
    saved(): void {
      last = undefined;
    },
    /** The alert `/readyz` shows, if any. */
    current: (): string | undefined => (last ? `${last.message} (since ${last.at})` : undefined),
  };
}

export type RecordingAlerts = ReturnType<typeof createRecordingAlerts>;
