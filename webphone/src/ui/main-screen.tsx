import { useCallback, useState } from 'react';
import type { User } from '../api/types';
import { isLive } from '../phone/call.state';
import { useStore } from '../store';
import { EndedCallNotes } from './call-notes';
import { CallHistory } from './call-history';
import { CallPanel } from './call-panel';
import { ContactsPanel } from './contacts-panel';
import { useSession } from './context';
import { Dialer } from './dialer';
import { MoveHereCard } from './handoff';
import { HotdeskPanel } from './hotdesk-panel';
import { IncomingPopups } from './incoming-popups';
import { NoticeBanner } from './notice-banner';
import { ParkPanel } from './park-panel';
import { ParkResult } from './park-result';
import { PresencePanel } from './presence-panel';
import { ShortcutsHelp } from './shortcuts-help';
import { TopBar } from './top-bar';
import { useShortcuts } from './use-shortcuts';
import { StatusPanel } from './status-panel';
import { RingSettingsPanel } from './ring-settings-panel';
import { SupervisorPanels } from './supervisor-panels';
import { VoicemailPanel } from './voicemail-panel';

export function MainScreen({ user, sipProblem }: { user: User; sipProblem: string | null }) {
  const session = useSession();
  const call = useStore(session.phoneState, (s) => s.call);
  const consulting = useStore(session.phoneState, (s) => isLive(s.consult));
  const [number, setNumber] = useState('');
  const [help, setHelp] = useState(false);
  const openHelp = useCallback(() => setHelp(true), []);
  const closeHelp = useCallback(() => setHelp(false), []);
  useShortcuts(number, setNumber, openHelp);
  const inCall = (isLive(call) && call.kind !== 'incoming') || consulting;
  return (
    <div className="app">
      <TopBar user={user} onHelp={openHelp} />
      {help && <ShortcutsHelp onClose={closeHelp} />}
      <div className="banners">
        {sipProblem && (
          <p className="banner error" role="alert">
            {sipProblem} Ask an administrator to check your account.
          </p>
        )}
        <NoticeBanner />
        <ParkResult extension={user.extension} />
      </div>
      <IncomingPopups extension={user.extension} />
      <div className="columns">
        <section className="phone-column" aria-label="Phone">
          {inCall ? (
            <CallPanel extension={user.extension} />
          ) : (
            <>
              <MoveHereCard extension={user.extension} />
              <Dialer number={number} setNumber={setNumber} />
            </>
          )}
        </section>
        <div className="side-column">
          <EndedCallNotes />
          <SupervisorPanels user={user} />
          <StatusPanel />
          <RingSettingsPanel userId={user.id} />
          <HotdeskPanel userId={user.id} extension={user.extension} />
          <ParkPanel />
          <PresencePanel extension={user.extension} />
          <ContactsPanel />
          <VoicemailPanel />
          <CallHistory />
        </div>
      </div>
    </div>
  );
}
