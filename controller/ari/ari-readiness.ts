import type { PbxConnection } from './pbx.port.js';

/**
 * `/readyz`'s `ari` check: up when the app's event WebSocket is connected (so calls reach the controller) and ARI
 * answers a ping now (so commands would work).
 */
export function ariReadiness(connection: PbxConnection): () => Promise<boolean> {
  return async () => connection.state() === 'connected' && (await connection.pbx.ping()).ok;
}
