import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/endpoints.ts';
import { useSession } from '../session/SessionContext.tsx';
import { useAction } from '../hooks/useAction.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';

/** Only same-site paths are followed after login, never another origin. */
const safeNext = (next: string | null): string => (next && next.startsWith('/') && !next.startsWith('//') ? next : '/apps');

export function LoginPage() {
  const { account, refresh } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useAction(async () => {
    await api.login(email.trim(), password);
    await refresh();
    navigate(next, { replace: true });
  });

  if (account) return <Navigate to={next} replace />;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void login.run();
  };
  return (
    <main className="login" id="main">
      <form className="card stack" onSubmit={submit} aria-labelledby="login-title">
        <div className="brand big">
          <span className="logo" aria-hidden="true" />
          Slipway
        </div>
        <h1 id="login-title">Log in</h1>
        <label htmlFor="email">Email</label>
        <input id="email" type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="password">Password</label>
        <input id="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <ErrorMessage error={login.error} />
        <button type="submit" disabled={login.pending}>
          {login.pending ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
