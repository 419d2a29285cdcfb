import { useStore } from '../store';
import { useSession } from './context';
import { describeNotice } from './format';

export function NoticeBanner() {
  const session = useSession();
  const notice = useStore(session.phoneState, (s) => s.notice);
  if (!notice) return null;
  const { tone, text } = describeNotice(notice);
  return (
    <p className={`banner ${tone}`} role="alert" data-testid={`notice-${notice.kind}`}>
      <span>{text}</span>
      <button
        type="button"
        className="ghost small"
        aria-label="Dismiss"
        onClick={() => session.phone.dismissNotice()}
      >
        ✕
      </button>
    </p>
  );
}
