import type { BusyPolicy, MemberCandidate, MemberPlan, PagePriority } from './paging.types.js';

export interface PlanRules {
  priority: PagePriority;
  busyPolicy: BusyPolicy;
  pagerExtension: string;
}

/**
 * Who a page calls, and why the others are not called (pure). A member on a call is never called (they keep their
 * call), whatever the policy or priority. A ringing member or one in DND is skipped under `busyPolicy: skip`;
 * `force` calls them anyway. An emergency page calls them too (it overrides DND, and counts as `force`), and takes a
 * member out of a normal page; a member in another page of the same or higher priority is skipped. Members without a
 * registered account fail (`unregistered`); the page goes on without them. The pager is never paged.
 */
export function planMembers(candidates: MemberCandidate[], rules: PlanRules): MemberPlan[] {
  const seen = new Set<string>();
  const plans: MemberPlan[] = [];
  for (const candidate of candidates) {
    if (seen.has(candidate.extension)) continue;
    seen.add(candidate.extension);
    plans.push(planOne(candidate, rules));
  }
  return plans;
}

function planOne(candidate: MemberCandidate, rules: PlanRules): MemberPlan {
  const { extension } = candidate;
  const emergency = rules.priority === 'emergency';
  const forced = emergency || rules.busyPolicy === 'force';
  if (extension === rules.pagerExtension) return { extension, action: 'skip', reason: 'pager' };
  if (candidate.inPage) {
    return emergency && candidate.inPage.priority === 'normal'
      ? {
          extension,
          action: 'take',
          fromPageId: candidate.inPage.pageId,
          channelIds: candidate.inPage.channelIds,
        }
      : { extension, action: 'skip', reason: 'in-another-page' };
  }
  const registered = candidate.accounts.filter((a) => a.registered);
  if (registered.some((a) => a.activity === 'on-call'))
    return { extension, action: 'skip', reason: 'on-call' };
  if (!forced && registered.some((a) => a.activity === 'ringing'))
    return { extension, action: 'skip', reason: 'ringing' };
  if (!forced && candidate.dnd) return { extension, action: 'skip', reason: 'dnd' };
  if (registered.length === 0) return { extension, action: 'fail', reason: 'unregistered' };
  return { extension, action: 'call', endpoints: registered.map((a) => a.endpoint) };
}
