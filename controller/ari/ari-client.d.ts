/**
 * The small part of ari-client 2.2 (no published types) that controller/ari/ uses: `connect()` loads the ARI's
 * Swagger description (it fails when Asterisk is unreachable or the credentials are wrong) and `start()` opens the
 * application's event WebSocket as `client._ws` (ws 6) and attaches its own listeners synchronously. ari-socket.ts
 * replaces those listeners at once: see the comment there for why.
 */
declare module 'ari-client' {
  import type { EventEmitter } from 'node:events';

  /** The `ws` 6 WebSocket that ari-client opens. */
  export interface AriWebSocket extends EventEmitter {
    readonly readyState: number;
    close(code?: number, reason?: string): void;
    terminate(): void;
    ping(data?: unknown, mask?: boolean, callback?: (error?: Error) => void): void;
  }

  export interface Client extends EventEmitter {
    /** Opens the event WebSocket for the application(s); resolves on the first open. */
    start(apps: string | string[], subscribeAll?: boolean): Promise<void>;
    stop(): void;
    /** Set synchronously by `start()`. */
    _ws?: AriWebSocket;
    /** Tells ari-client's own close/error handlers that the close was on purpose. */
    _wsClosed?: boolean;
  }

  export function connect(url: string, username: string, password: string): Promise<Client>;

  const ari: { connect: typeof connect };
  export default ari;
}
