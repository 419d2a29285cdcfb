import type { Redis } from 'ioredis';
import type { PageState } from './paging.types.js';

/**
 * Live pages in Redis (`<prefix>pages:<id>`, ids in `<prefix>pages`), so a restarted controller adopts them; and the
 * one-page-per-group rule as one key per group and priority (`<prefix>page-group:<groupId>:<priority>`, taken with
 * SET NX, so two pagers on any instances never both win). A key outlives a crashed page by at most its TTL.
 */
export function createPageStore(redis: Redis, prefix: string) {
  const setKey = `${prefix}pages`;
  const key = (id: string) => `${prefix}pages:${id}`;
  const groupKey = (groupId: string, priority: string) => `${prefix}page-group:${groupId}:${priority}`;
  return {
    async save(page: PageState): Promise<void> {
      await redis.multi().set(key(page.id), JSON.stringify(page)).sadd(setKey, page.id).exec();
    },
    async remove(pageId: string): Promise<void> {
      await redis.multi().del(key(pageId)).srem(setKey, pageId).exec();
    },
    async loadAll(): Promise<PageState[]> {
      const ids = await redis.smembers(setKey);
      if (ids.length === 0) return [];
      const values = await redis.mget(ids.map(key));
      return values.flatMap((value) => (value ? [JSON.parse(value) as PageState] : []));
    },
    /** Takes every group for this page, or none (returns false: another page has one of them). */
    async claimGroups(
      pageId: string,
      groupIds: string[],
      priority: string,
      ttlSeconds: number,
    ): Promise<boolean> {
      const taken: string[] = [];
      for (const groupId of groupIds) {
        const ok = await redis.set(groupKey(groupId, priority), pageId, 'EX', ttlSeconds, 'NX');
        if (ok !== 'OK') {
          await this.releaseGroups(pageId, taken, priority);
          return false;
        }
        taken.push(groupId);
      }
      return true;
    },
    /** Frees the groups this page holds (only those it holds: a key another page took since is left alone). */
    async releaseGroups(pageId: string, groupIds: string[], priority: string): Promise<void> {
      for (const groupId of groupIds) {
        const k = groupKey(groupId, priority);
        if ((await redis.get(k)) === pageId) await redis.del(k);
      }
    },
  };
}

export type PageStore = ReturnType<typeof createPageStore>;
