import type { User } from '../api/types';
import { isSupervisorRole } from '../supervision/team-calls';
import { PagingPanel } from './paging-panel';
import { TeamCallsPanel } from './team-calls-panel';
import './supervisor.css';

/** The supervisor's panels: shown to supervisors and admins only (the controller refuses the others anyway). */
export function SupervisorPanels({ user }: { user: User }) {
  if (!isSupervisorRole(user.role)) return null;
  return (
    <div className="supervisor-panels" role="region" aria-label="Supervisor">
      <TeamCallsPanel user={user} />
      <PagingPanel />
    </div>
  );
}
