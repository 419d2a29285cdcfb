import { useMemo } from 'react';
import type { Presence } from '../api/types';
import {
  isEmergency,
  type LivePage,
  type PageTarget,
  type PagingGroup,
  type PagingState,
} from '../paging/paging.state';
import { useStore } from '../store';
import { useSession } from './context';
import { EmergencyConfirm } from './emergency-confirm';
import { formatClock } from './format';

const statusLabels: Record<LivePage['members'][number]['status'], string> = {
  calling: 'calling',
  connected: 'hearing the page',
  skipped: 'skipped',
  failed: 'not reached',
  left: 'left',
};

/**
 * Supervisors and admins: page all staff, a group or a zone (an emergency page only after a confirmation step),
 * and the live pages with their members, each of which can be stopped.
 */
export function PagingPanel() {
  const { paging, live } = useSession();
  const state = useStore(paging.store, (s) => s);
  const presence = useStore(live, (s) => s.presence);
  const allStaff = state.groups.filter((g) => g.everyone);
  const groups = state.groups.filter((g) => !g.everyone);
  const pages = useMemo(
    () => Object.values(state.pages).sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
    [state.pages],
  );
  const mine = state.mine ? state.pages[state.mine] : undefined;
  return (
    <section className="card panel paging-panel" aria-labelledby="paging-title" data-testid="paging-panel">
      <h2 id="paging-title">Paging</h2>
      {mine && mine.phase === 'starting' && (
        <p className="banner ok" role="status">
          Your phone is ringing: answer it to speak to {mine.name || mine.number}.
        </p>
      )}
      {state.sending && (
        <p className="hint" role="status">
          Paging {state.sending.target.name}…
        </p>
      )}
      {state.error && (
        <p className="inline-error" role="alert">
          {state.error}{' '}
          <button type="button" className="ghost small" onClick={paging.dismissError}>
            Dismiss
          </button>
        </p>
      )}
      {state.config === 'loading' && <p className="empty">Loading paging groups…</p>}
      {state.config === 'failed' && <p className="inline-error">Paging groups could not be loaded.</p>}
      {state.config === 'loaded' && (
        <>
          <TargetList
            title="All staff"
            empty="No all-staff group: an administrator creates one with “everyone” on."
            state={state}
            items={allStaff.map(groupTarget)}
          />
          <TargetList
            title="Groups"
            empty="No paging groups."
            state={state}
            items={groups.map(groupTarget)}
          />
          <TargetList
            title="Zones"
            empty="No paging zones."
            state={state}
            items={state.zones.map((z) => ({
              target: { kind: 'zone' as const, id: z.id, number: z.number, name: z.name },
              detail: `${z.groupIds.length} group${z.groupIds.length === 1 ? '' : 's'}`,
            }))}
          />
        </>
      )}
      <h3 id="live-pages-title">
        Live pages <span className="count">{pages.length}</span>
      </h3>
      {pages.length === 0 ? (
        <p className="empty">No page is on now.</p>
      ) : (
        <ul className="live-pages" aria-labelledby="live-pages-title">
          {pages.map((page) => (
            <LivePageRow
              key={page.id}
              page={page}
              presence={presence}
              stopping={state.stopping.includes(page.id)}
            />
          ))}
        </ul>
      )}
      {state.confirming && (
        <EmergencyConfirm
          target={state.confirming.target}
          onConfirm={() => void paging.confirm()}
          onCancel={paging.cancel}
        />
      )}
    </section>
  );
}

const groupTarget = (g: PagingGroup) => ({
  target: { kind: 'group' as const, id: g.id, number: g.number, name: g.name },
  detail: g.everyone ? 'everyone' : `${g.members.length} member${g.members.length === 1 ? '' : 's'}`,
});

function TargetList(props: {
  title: string;
  empty: string;
  state: PagingState;
  items: { target: PageTarget; detail: string }[];
}) {
  const { paging } = useSession();
  const { state } = props;
  const busy = Boolean(state.sending || state.confirming);
  const id = `paging-${props.title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <>
      <h3 id={id}>{props.title}</h3>
      {props.items.length === 0 ? (
        <p className="empty">{props.empty}</p>
      ) : (
        <ul className="paging-targets" aria-labelledby={id}>
          {props.items.map(({ target, detail }) => {
            const emergencyOnly = isEmergency(state, target, 'normal');
            return (
              <li key={target.id} className="paging-target">
                <span className="paging-name">
                  {target.name} <span className="presence-ext">{target.number}</span>
                  <span className="paging-detail">
                    {detail}
                    {emergencyOnly && ' · emergency'}
                  </span>
                </span>
                {!emergencyOnly && (
                  <button
                    type="button"
                    className="primary small"
                    disabled={busy}
                    aria-label={`Page ${target.name}`}
                    onClick={() => void paging.page(target, 'normal')}
                  >
                    Page
                  </button>
                )}
                <button
                  type="button"
                  className="danger small"
                  disabled={busy}
                  aria-label={`Emergency page ${target.name}`}
                  onClick={() => void paging.page(target, 'emergency')}
                >
                  Emergency
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

function LivePageRow(props: {
  page: LivePage;
  presence: Readonly<Record<string, Presence>>;
  stopping: boolean;
}) {
  const { paging } = useSession();
  const { page, presence } = props;
  const label = page.name || page.number;
  const pager = presence[page.fromExtension]?.displayName || page.fromExtension;
  const connected = page.members.filter((m) => m.status === 'connected').length;
  return (
    <li className={`live-page ${page.priority}`} aria-label={`Page ${label}`} data-testid={`page-${page.id}`}>
      <div className="live-page-head">
        {page.priority === 'emergency' && <strong className="emergency-badge">EMERGENCY</strong>}
        <strong>{label}</strong> <span className="presence-ext">{page.number}</span>
        <span className="paging-detail">
          by {pager} since {formatClock(page.startedAt)} · {connected} of {page.members.length} hearing
          {page.phase === 'starting' && ' · waiting for the pager to answer'}
        </span>
        <button
          type="button"
          className="ghost small"
          disabled={props.stopping}
          aria-label={`Stop page ${label}`}
          onClick={() => void paging.stop(page.id)}
        >
          {props.stopping ? 'Stopping…' : 'Stop'}
        </button>
      </div>
      <ul className="page-members" aria-label={`Members of page ${label}`}>
        {page.members.map((m) => (
          <li key={m.extension} className={`page-member ${m.status}`}>
            {presence[m.extension]?.displayName || m.extension}{' '}
            <span className="presence-ext">{m.extension}</span>: {statusLabels[m.status]}
            {m.reason && ` (${m.reason})`}
          </li>
        ))}
      </ul>
    </li>
  );
}
