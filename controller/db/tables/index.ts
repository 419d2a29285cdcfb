import type { AuditLogTable } from './audit-log.js';
import type { AuthSessionsTable } from './auth-sessions.js';
import type { CallLogsTable } from './call-logs.js';
import type { CallQualityTable } from './call-quality.js';
import type { ContactAssignmentsTable } from './contact-assignments.js';
import type { ContactsTable } from './contacts.js';
import type { DevicesTable } from './devices.js';
import type { HotdeskSessionsTable } from './hotdesk-sessions.js';
import type { InboundRoutesTable } from './inbound-routes.js';
import type { NotesTable } from './notes.js';
import type {
  PagingGroupMembersTable,
  PagingGroupsTable,
  PagingNumbersTable,
  PagingZoneGroupsTable,
  PagingZonesTable,
} from './paging.js';
import type {
  CallRecordingSegmentsTable,
  CallRecordingsTable,
  RecordingAnnotationsTable,
  TeamRecordingPoliciesTable,
} from './recordings.js';
import type { SpeedDialsTable } from './speed-dials.js';
import type { TeamsTable } from './teams.js';
import type { TrunksTable } from './trunks.js';
import type { UsersTable } from './users.js';
import type { VoicemailBoxesTable, VoicemailMessagesTable } from './voicemail.js';

export interface Database {
  teams: TeamsTable;
  users: UsersTable;
  devices: DevicesTable;
  contacts: ContactsTable;
  contact_assignments: ContactAssignmentsTable;
  call_logs: CallLogsTable;
  notes: NotesTable;
  audit_log: AuditLogTable;
  auth_sessions: AuthSessionsTable;
  paging_numbers: PagingNumbersTable;
  paging_groups: PagingGroupsTable;
  paging_group_members: PagingGroupMembersTable;
  paging_zones: PagingZonesTable;
  paging_zone_groups: PagingZoneGroupsTable;
  hotdesk_sessions: HotdeskSessionsTable;
  speed_dials: SpeedDialsTable;
  trunks: TrunksTable;
  inbound_routes: InboundRoutesTable;
  voicemail_boxes: VoicemailBoxesTable;
  voicemail_messages: VoicemailMessagesTable;
  call_quality: CallQualityTable;
  call_recordings: CallRecordingsTable;
  call_recording_segments: CallRecordingSegmentsTable;
  recording_annotations: RecordingAnnotationsTable;
  team_recording_policies: TeamRecordingPoliciesTable;
}
