import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { PbxFact } from '../../ari/pbx.facts.js';
import type { Pbx } from '../../ari/pbx.port.js';
import type { Db } from '../../db/database.js';
import type { CallDirectory } from '../calls/call-directory.js';
import type { DialledCall } from '../calls/dial-router.js';
import { heardToTheEnd } from '../calls/playout.js';
import { planMembers } from './page-members.js';
import { candidatesOf, readPresence } from './page-setup.js';
import type { PagingRunner } from './paging.runner.js';
import type { SkipReason } from './paging.types.js';

export interface IntercomDeps {
  pbx: Pbx;
  db: Db;
  logger: Logger;
  runner: PagingRunner;
  directory: CallDirectory;
}

/** What a refused intercom plays before it hangs up (stock sounds). */
const refusalPrompt: Record<SkipReason | 'unavailable', string> = {
  'on-call': 'sound:vm-isonphone',
  ringing: 'sound:vm-isonphone',
  'in-another-page': 'sound:vm-isonphone',
  dnd: 'sound:do-not-disturb',
  pager: 'sound:pbx-invalid',
  unavailable: 'sound:vm-nobodyavail',
};

/**
 * `*80<ext>` (the numbering plan's `intercom` route): a two-way call to one extension, auto-answered by the first of
 * its registered devices (the paging machinery with one member, unmuted, no beep, no group lock). A target that is on
 * a call, ringing or in DND — or has nothing registered — is refused with a prompt, then the caller is hung up. An
 * unknown extension is 404. The intercom ends when either side hangs up.
 */
export function createIntercom(deps: IntercomDeps) {
  const { pbx, db, logger, runner } = deps;
  const prompts = new Map<string, { channelId: string; timer: NodeJS.Timeout }>();

  async function refuse(channelId: string, media: string): Promise<void> {
    if (!(await pbx.answer(channelId)).ok) return;
    const playbackId = `intercom-prompt-${randomBytes(6).toString('hex')}`;
    const timer = setTimeout(() => finish(playbackId), 15_000);
    timer.unref();
    prompts.set(playbackId, { channelId, timer });
    if (!(await pbx.play({ playbackId, target: { channelId }, media: heardToTheEnd([media]) })).ok)
      finish(playbackId);
  }

  function finish(playbackId: string): void {
    const prompt = prompts.get(playbackId);
    if (!prompt) return;
    prompts.delete(playbackId);
    clearTimeout(prompt.timer);
    void pbx.hangup(prompt.channelId, 'normal');
  }

  async function start(pageId: string, call: DialledCall): Promise<void> {
    const target = call.argument ?? '';
    const pager = await deps.directory.identifyCaller(call.channel);
    const presence = await readPresence(pbx, (id) => runner.pageOfChannel(id) !== undefined);
    const [candidate] = await candidatesOf(db, [target], presence, runner.all(), false);
    if (!candidate) return void (await pbx.hangup(call.channel.id, 'unallocated'));
    const [plan] = planMembers([candidate], {
      priority: 'normal',
      busyPolicy: 'skip',
      pagerExtension: pager.number,
    });
    if (!plan || plan.action !== 'call')
      return refuse(call.channel.id, refusalPrompt[plan?.action === 'skip' ? plan.reason : 'unavailable']);
    await runner.submit(pageId, {
      kind: 'start',
      setup: {
        id: pageId,
        mode: 'intercom',
        number: `*80${target}`,
        name: `Intercom ${target}`,
        groupIds: [],
        priority: 'normal',
        busyPolicy: 'skip',
        beep: false,
        maxSeconds: 3600,
        pager: { extension: pager.number, name: pager.name, origin: 'dial', channelId: call.channel.id },
        candidates: [candidate],
      },
    });
  }

  return {
    onDialled(call: DialledCall): void {
      const pageId = randomBytes(6).toString('hex');
      runner.claim(call.channel.id, pageId);
      void start(pageId, call).catch((error: unknown) => {
        logger.error({ err: error, dialled: call.dialled }, 'an intercom could not start');
        void pbx.hangup(call.channel.id, 'congestion');
      });
    },
    /** The end of a refusal prompt hangs the caller up. */
    onFact(fact: PbxFact): void {
      if (fact.kind === 'playback-finished' && prompts.has(fact.playbackId)) finish(fact.playbackId);
    },
    stop(): void {
      for (const prompt of prompts.values()) clearTimeout(prompt.timer);
      prompts.clear();
    },
  };
}
