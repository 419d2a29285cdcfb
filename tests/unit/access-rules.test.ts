import { describe, expect, it } from 'vitest';
import { auditScope } from '../../controller/features/audit/audit.access.js';
import { callLogScope } from '../../controller/features/call-logs/call-logs.access.js';
import {
  canAssign,
  canReadContact,
  canWriteContact,
  contactScope,
  defaultContactTeam,
} from '../../controller/features/contacts/contacts.access.js';
import { canReadTeam, visibleTeam } from '../../controller/features/teams/teams.access.js';
import {
  canReadUser,
  canWriteUsers,
  selfChangeProblem,
  userListScope,
} from '../../controller/features/users/users.access.js';
import type { Principal } from '../../controller/http/auth.js';

const who = (role: Principal['role'], userId: string, teamId: string | null): Principal => ({
  userId,
  username: userId,
  role,
  extension: '1000',
  teamId,
});
const admin = who('admin', 'admin', null);
const supervisor = who('supervisor', 'sup', 'red');
const loneSupervisor = who('supervisor', 'lone', null);
const agent = who('agent', 'agent', 'red');

const self = { id: 'agent', teamId: 'red' };
const teammate = { id: 'mate', teamId: 'red' };
const stranger = { id: 'stranger', teamId: 'blue' };
const teamless = { id: 'nobody', teamId: null };

describe('users.access', () => {
  it.each([
    [admin, stranger, true],
    [admin, teamless, true],
    [supervisor, teammate, true],
    [supervisor, self, true],
    [supervisor, stranger, false],
    [supervisor, teamless, false],
    [loneSupervisor, teamless, false],
    [loneSupervisor, { id: 'lone', teamId: null }, true],
    [agent, self, true],
    [agent, teammate, false],
    [agent, stranger, false],
  ])('canReadUser(%o, %o) is %s', (actor, user, expected) => {
    expect(canReadUser(actor, user)).toBe(expected);
  });

  it.each([
    [admin, { kind: 'all' }],
    [supervisor, { kind: 'team', teamId: 'red' }],
    [loneSupervisor, { kind: 'self', userId: 'lone' }],
    [agent, { kind: 'self', userId: 'agent' }],
  ])('userListScope(%o) is %o', (actor, scope) => {
    expect(userListScope(actor)).toEqual(scope);
  });

  it.each([
    [admin, 'admin', 'delete', 'you cannot delete your own account'],
    [admin, 'other', 'delete', undefined],
    [admin, 'admin', { role: 'agent' }, 'you cannot change your own role'],
    [admin, 'admin', { role: 'admin' }, undefined],
    [admin, 'admin', {}, undefined],
    [admin, 'other', { role: 'agent' }, undefined],
  ] as const)('selfChangeProblem(%o, %s, %o) is %s', (actor, id, change, expected) => {
    expect(selfChangeProblem(actor, id, change)).toBe(expected);
  });

  it('only admins write users', () => {
    expect([admin, supervisor, agent].map(canWriteUsers)).toEqual([true, false, false]);
  });
});

describe('teams.access', () => {
  it.each([
    [admin, 'blue', true],
    [supervisor, 'red', true],
    [supervisor, 'blue', false],
    [agent, 'red', true],
    [loneSupervisor, 'red', false],
  ])('canReadTeam(%o, %s) is %s', (actor, teamId, expected) => {
    expect(canReadTeam(actor, teamId)).toBe(expected);
  });

  it('lists all teams for admins, one (or none) for others', () => {
    expect([admin, supervisor, loneSupervisor].map(visibleTeam)).toEqual([undefined, 'red', null]);
  });
});

describe('contacts.access', () => {
  const mine = { teamId: 'red' };
  const theirs = { teamId: 'blue' };
  const shared = { teamId: null };

  it.each([
    [admin, { kind: 'all' }],
    [supervisor, { kind: 'team', teamId: 'red' }],
    [loneSupervisor, { kind: 'team', teamId: null }],
    [agent, { kind: 'assigned', userId: 'agent' }],
  ])('contactScope(%o) is %o', (actor, scope) => {
    expect(contactScope(actor)).toEqual(scope);
  });

  it.each([
    // who, the contact's team, assigned to them, reads, writes (changes, deletes, assigns)
    [admin, mine, false, true, true],
    [admin, theirs, false, true, true],
    [admin, shared, false, true, true],
    [supervisor, mine, false, true, true],
    [supervisor, theirs, false, false, false],
    [supervisor, theirs, true, false, false],
    [supervisor, shared, false, true, false],
    [loneSupervisor, shared, false, true, false],
    [loneSupervisor, theirs, false, false, false],
    [agent, mine, true, true, false],
    [agent, mine, false, false, false],
    [agent, theirs, true, true, false],
    [agent, shared, false, false, false],
  ])(
    '%o and a contact of %o (assigned: %s) reads %s, writes %s',
    (actor, contact, assigned, reads, writes) => {
      expect(canReadContact(actor, { ...contact, assigned })).toBe(reads);
      expect(canWriteContact(actor, contact)).toBe(writes);
    },
  );

  it("creates a contact in the creator's team unless told otherwise", () => {
    expect([admin, supervisor, loneSupervisor, agent].map(defaultContactTeam)).toEqual([
      null,
      'red',
      null,
      'red',
    ]);
  });

  it.each([
    [admin, stranger, true],
    [supervisor, teammate, true],
    [supervisor, { id: 'sup', teamId: 'red' }, true],
    [supervisor, stranger, false],
    [loneSupervisor, teamless, false],
    [agent, self, false],
  ])('canAssign(%o, %o) is %s', (actor, user, expected) => {
    expect(canAssign(actor, user)).toBe(expected);
  });
});

describe('call-logs and audit scopes', () => {
  it.each([
    [admin, { kind: 'all' }, { kind: 'all' }],
    [supervisor, { kind: 'team', teamId: 'red' }, { kind: 'team', teamId: 'red' }],
    [loneSupervisor, { kind: 'self', userId: 'lone' }, { kind: 'self', userId: 'lone' }],
    [agent, { kind: 'self', userId: 'agent' }, undefined],
  ])('%o sees call logs %o and audit %o', (actor, calls, audit) => {
    expect(callLogScope(actor)).toEqual(calls);
    expect(auditScope(actor)).toEqual(audit);
  });
});
