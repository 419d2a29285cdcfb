import type { PbxConnection } from '../../ari/pbx.port.js';
import { isSupervisionBridge } from './session-state.js';
import type { SupervisionRunner } from './supervision.runner.js';

/** After every (re)connect: sessions built over events we may have missed end cleanly; orphans of ours go. */
export async function reconcileSessions(connection: PbxConnection, runner: SupervisionRunner): Promise<void> {
  await runner.restore();
  // The sessions there were when the socket came back; one started since is built over events we did see.
  const before = runner.all();
  const listed = await connection.pbx.listChannels();
  const channelIds = listed.ok ? listed.value.map((c) => c.id) : [];
  await Promise.all(before.map((s) => runner.submit(s.id, { kind: 'reconcile', channelIds })));
  const ours = (bridgeId: string) => runner.all().some((s) => s.bridges.includes(bridgeId));
  const bridges = await connection.pbx.listBridges();
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
