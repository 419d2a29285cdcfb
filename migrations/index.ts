import type { Migration } from 'kysely';
import * as initial from './0001-initial.js';
import * as platformIndexes from './0002-platform-indexes.js';
import * as parking from './0003-parking.js';
import * as authSessions from './0004-auth-sessions.js';
import * as contactTeams from './0005-contact-teams.js';
import * as paging from './0006-paging.js';
import * as userDnd from './0007-user-dnd.js';
import * as callHandling from './0009-call-handling.js';
import * as hotdesk from './0010-hotdesk.js';
import * as trunks from './0011-trunks.js';
import * as presence from './0012-presence.js';
import * as contactCentre from './0013-contact-centre.js';
import * as speedDials from './0014-speed-dials.js';
import * as voicemail from './0015-voicemail.js';
import * as callRecording from './0016-call-recording.js';
import * as callQuality from './0017-call-quality.js';
import * as transfers from './0018-transfers.js';

/** Every migration, in order. Add new ones here: the list is static so that nothing depends on file discovery. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-platform-indexes': platformIndexes,
  '0003-parking': parking,
  '0004-auth-sessions': authSessions,
  '0005-contact-teams': contactTeams,
  '0006-paging': paging,
  '0007-user-dnd': userDnd,
  '0009-call-handling': callHandling,
  '0010-hotdesk': hotdesk,
  '0011-trunks': trunks,
  '0012-presence': presence,
  '0013-contact-centre': contactCentre,
  '0014-speed-dials': speedDials,
  '0015-voicemail': voicemail,
  '0016-call-recording': callRecording,
  '0017-call-quality': callQuality,
  '0018-transfers': transfers,
};
