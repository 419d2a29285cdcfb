import type { PbxConnection } from '../../ari/pbx.port.js';
import { isSupervisionBridge } from './session-state.js';
import type { SupervisionRunner } from './supervision.runner.js';

/**
 * After every (re)connect, and on the instance taking over the ARI app: sessions intact in Asterisk are adopted, those
 * built over events we may have missed end cleanly (the decider's `reconcile`); orphans of ours go.
 */
export async function reconcileSessions(connection: PbxConnection, runner: SupervisionRunner): Promise<void> {
  await runner.restore();
  // The sessions there were when the socket came back; one started since is built over events we did see.
  const before = runner.all();
  const [listed, bridges] = await Promise.all([connection.pbx.listChannels(), connection.pbx.listBridges()]);
  const channelIds = listed.ok ? listed.value.map((c) => c.id) : [];
  // Not knowing Asterisk's bridges, nothing counts as intact.
  const seen = bridges.ok ? bridges.value.map((b) => ({ id: b.id, channelIds: b.channelIds })) : [];
  await Promise.all(before.map((s) => runner.submit(s.id, { kind: 'reconcile', channelIds, bridges: seen })));
  const ours = (bridgeId: string) => runner.all().some((s) => s.bridges.includes(bridgeId));
  if (bridges.ok)
    for (const bridge of bridges.value.filter((b) => isSupervisionBridge(b.name) && !ours(b.id))) {
      for (const channelId of bridge.channelIds)
        if (runner.sessionsOfChannel(channelId).length === 0)
          await connection.pbx.hangup(channelId, 'normal');
      await connection.pbx.destroyBridge(bridge.id);
    }
  for (const channelId of channelIds.filter((c) => c.startsWith('sv-')))
    if (runner.sessionsOfChannel(channelId).length === 0) await connection.pbx.hangup(channelId, 'normal');
}
