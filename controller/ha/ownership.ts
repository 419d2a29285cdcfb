import { randomUUID } from 'node:crypto';
import type { OwnerRecord } from './lease.rules.js';

/**
 * What the app knows of who owns the Stasis application (issue 15): this instance or another one, and where that
 * one answers. main.ts gives the ARI lease's answers; an app built without it (the tests, a single instance
 * embedded elsewhere) owns the app alone.
 */
export interface Ownership {
  readonly instanceId: string;
  isOwner(): boolean;
  /** The owner as last seen (undefined: unknown, or this instance). */
  owner(): OwnerRecord | undefined;
}

export const soleOwner = (): Ownership => ({
  instanceId: randomUUID(),
  isOwner: () => true,
  owner: () => undefined,
});
