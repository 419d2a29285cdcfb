import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import type { PageRequest } from '../../db/pagination.js';
import {
  deleteTeam,
  findTeamById,
  insertTeam,
  listTeams,
  renameTeam,
  type Team,
} from '../../db/teams.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { asActor, requireRole } from '../users/actor.js';
import { canReadTeam, visibleTeam } from './teams.access.js';

const noSuchTeam = () => new AppError('no-such-team', 'team not found');

export function createTeamsService(db: Db) {
  const audited = async <T extends Team | undefined>(
    principal: Principal,
    action: string,
    change: (trx: Db) => Promise<T>,
  ): Promise<Team> => {
    const actor = principal;
    requireRole(actor, 'admin');
    return asActor(db, actor, async (trx) => {
      const team = await change(trx);
      if (!team) throw noSuchTeam();
      await writeAudit(trx, {
        actorUserId: actor.userId,
        actor: auditActor(actor),
        action,
        target: auditTarget.team(team.id),
        details: { name: team.name },
      });
      return team;
    });
  };

  return {
    async list(principal: Principal, page: PageRequest) {
      return listTeams(db, visibleTeam(principal), page);
    },
    async get(principal: Principal, id: string): Promise<Team> {
      const actor = principal;
      const team = await findTeamById(db, id);
      if (!team) throw noSuchTeam();
      if (!canReadTeam(actor, id)) throw new AppError('forbidden', 'you may see only your own team');
      return team;
    },
    create: (principal: Principal, name: string) =>
      audited(principal, 'team.created', (trx) => insertTeam(trx, name)),
    update: (principal: Principal, id: string, name: string) =>
      audited(principal, 'team.updated', (trx) => renameTeam(trx, id, name)),
    remove: (principal: Principal, id: string) =>
      audited(principal, 'team.deleted', (trx) => deleteTeam(trx, id)),
  };
}

export type TeamsService = ReturnType<typeof createTeamsService>;
