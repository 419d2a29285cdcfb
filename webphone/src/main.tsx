import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createSession } from './session';
import { App } from './ui/app';
import { SessionContext } from './ui/context';
import './styles.css';

const session = createSession();
window.addEventListener('beforeunload', () => session.phone.stop());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionContext value={session}>
      <App />
    </SessionContext>
  </StrictMode>,
);
