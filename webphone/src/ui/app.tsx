import { useEffect } from 'react';
import { useStore } from '../store';
import { useSession } from './context';
import { LoginScreen } from './login-screen';
import { MainScreen } from './main-screen';

export function App() {
  const session = useSession();
  const auth = useStore(session.auth, (s) => s);
  useEffect(() => {
    void session.resume();
  }, [session]);
  if (auth.kind === 'signed-in') return <MainScreen user={auth.user} sipProblem={auth.sipProblem} />;
  return (
    <LoginScreen busy={auth.kind === 'signing-in'} error={auth.kind === 'signed-out' ? auth.error : null} />
  );
}
