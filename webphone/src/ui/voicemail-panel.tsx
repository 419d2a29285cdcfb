import { useEffect, useMemo, useState } from 'react';
import type { VoicemailMessage } from '../api/voicemail';
import { useStore } from '../store';
import { messagesOf, newCount } from '../voicemail/voicemail.state';
import { useSession } from './context';
import { formatClock, formatDuration } from './format';

/** The user's own mailbox: the count of new messages, each message played in the page, heard, deleted. */
export function VoicemailPanel() {
  const session = useSession();
  const state = useStore(session.voicemail.store, (s) => s);
  const messages = useMemo(() => messagesOf(state), [state]);
  const unheard = newCount(state);
  const [playing, setPlaying] = useState<{ id: string; url: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(
    () => () => {
      if (playing) URL.revokeObjectURL(playing.url);
    },
    [playing],
  );

  const act = (work: Promise<unknown>) =>
    work.then(
      () => setProblem(null),
      (error: unknown) => setProblem(error instanceof Error ? error.message : 'That did not work.'),
    );
  const play = (message: VoicemailMessage) =>
    act(session.voicemail.audioUrl(message.id).then((url) => setPlaying({ id: message.id, url })));
  const remove = (message: VoicemailMessage) => {
    if (playing?.id === message.id) setPlaying(null);
    void act(session.voicemail.remove(message.id));
  };

  return (
    <section className="card panel" aria-labelledby="voicemail-title" data-testid="voicemail-panel">
      <h2 id="voicemail-title">
        Voicemail{' '}
        <span className={`count${unheard ? ' new' : ''}`} aria-live="polite" data-testid="voicemail-count">
          {unheard === 1 ? '1 new' : `${unheard} new`}
        </span>
      </h2>
      {problem && (
        <p className="inline-error" role="alert">
          {problem}
        </p>
      )}
      {!state.loaded ? (
        <p className="empty">Loading…</p>
      ) : messages.length === 0 ? (
        <p className="empty">No messages.</p>
      ) : (
        <ul className="voicemail-list">
          {messages.map((message) => {
            const who = message.fromName || message.from || 'Unknown caller';
            return (
              <li key={message.id} className={`voicemail-row${message.heard ? '' : ' unheard'}`}>
                <span className="voicemail-who">
                  {who}
                  {!message.heard && <span className="badge">new</span>}
                </span>
                <span className="voicemail-meta">
                  {formatClock(message.receivedAt)} · {formatDuration(message.durationSeconds * 1000)}
                </span>
                <span className="voicemail-actions">
                  <button
                    type="button"
                    className="ghost small"
                    aria-label={`Play message from ${who}`}
                    onClick={() => void play(message)}
                  >
                    ▶
                  </button>
                  <button
                    type="button"
                    className="ghost small"
                    aria-label={
                      message.heard ? `Mark message from ${who} as new` : `Mark message from ${who} as heard`
                    }
                    onClick={() => void act(session.voicemail.setHeard(message.id, !message.heard))}
                  >
                    {message.heard ? '●' : '✓'}
                  </button>
                  <button
                    type="button"
                    className="ghost small"
                    aria-label={`Delete message from ${who}`}
                    onClick={() => remove(message)}
                  >
                    🗑
                  </button>
                </span>
                {playing?.id === message.id && (
                  <audio
                    className="voicemail-player"
                    controls
                    autoPlay
                    src={playing.url}
                    aria-label={`Message from ${who}`}
                  />
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
