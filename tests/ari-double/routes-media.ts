/** /channels/{id}/record, /recordings, /mailboxes routes. */
import { readFileSync } from 'node:fs';
import type { Router } from './rest.js';
import { err, ok, requireParam, type RestRequest, type RestResponse } from './rest.js';

function record(req: RestRequest): RestResponse {
  const ch = req.sim.liveChannel(req.path.channelId ?? '');
  if (!ch) return err(404, 'Channel not found');
  if (!ch.inStasis) return err(409, 'Channel not in Stasis application');
  const name = requireParam(req.params, 'name');
  const format = requireParam(req.params, 'format');
  if (!name || !format) return err(400, 'Invalid parameters');
  const ifExists = req.params.ifExists ?? 'fail';
  const terminateOn = req.params.terminateOn ?? 'none';
  if (!['fail', 'overwrite', 'append'].includes(ifExists)) return err(400, 'ifExists invalid');
  if (!['none', 'any', '*', '#'].includes(terminateOn)) return err(400, 'terminateOn invalid');
  const started = req.sim.recordings.start(ch, {
    name,
    format,
    maxDurationSeconds: Number(req.params.maxDurationSeconds ?? 0),
    terminateOn,
    ifExists,
  });
  if ('status' in started) return err(started.status, started.message);
  return { status: 201, body: req.sim.recordings.snapshot(started) };
}

function storedSnapshot(stored: { name: string; format: string }): Record<string, unknown> {
  return { name: stored.name, format: stored.format };
}

function mailboxCount(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function mediaRoutes(r: Router): void {
  const stored = '/recordings/stored/{recordingName}';
  r.add('POST', '/channels/{channelId}/record', record)
    .add('GET', '/recordings/stored', ({ sim }) =>
      ok([...sim.recordings.stored.values()].map(storedSnapshot)),
    )
    .add('GET', stored, ({ sim, path }) => {
      const found = sim.recordings.stored.get(path.recordingName ?? '');
      return found ? ok(storedSnapshot(found)) : err(404, 'Recording not found');
    })
    .add('DELETE', stored, ({ sim, path }) =>
      sim.recordings.deleteStored(path.recordingName ?? '') ? ok() : err(404, 'Recording not found'),
    )
    .add('GET', `${stored}/file`, ({ sim, path }) => {
      const found = sim.recordings.stored.get(path.recordingName ?? '');
      if (!found) return err(404, 'Recording not found');
      return { status: 200, body: readFileSync(found.file), contentType: 'audio/wav' };
    })
    .add('POST', '/recordings/live/{recordingName}/stop', ({ sim, path }) => {
      const live = sim.recordings.live.get(path.recordingName ?? '');
      if (!live) return err(404, 'Recording not found');
      sim.recordings.finish(live);
      return ok();
    })
    .add('GET', '/mailboxes', ({ sim }) =>
      ok([...sim.mailboxes.boxes.values()].map((b) => sim.mailboxes.snapshot(b))),
    )
    .add('GET', '/mailboxes/{mailboxName}', ({ sim, path }) => {
      const box = sim.mailboxes.boxes.get(path.mailboxName ?? '');
      return box ? ok(sim.mailboxes.snapshot(box)) : err(404, 'Mailbox is does not exist');
    })
    .add('PUT', '/mailboxes/{mailboxName}', ({ sim, path, params }) => {
      const newMessages = mailboxCount(params.newMessages);
      const oldMessages = mailboxCount(params.oldMessages);
      if (newMessages === undefined || oldMessages === undefined) return err(400, 'Invalid parameters');
      sim.mailboxes.put(path.mailboxName ?? '', newMessages, oldMessages);
      return ok();
    })
    .add('DELETE', '/mailboxes/{mailboxName}', ({ sim, path }) =>
      sim.mailboxes.delete(path.mailboxName ?? '') ? ok() : err(404, 'Mailbox does not exist'),
    );
}
