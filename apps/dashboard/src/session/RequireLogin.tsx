import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from './SessionContext.tsx';
import { Loading } from '../components/Loading.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';

/** Renders its children for a logged-in user; otherwise sends them to /login and back afterwards. */
export function RequireLogin({ children }: { children: ReactNode }) {
  const { account, error, refresh } = useSession();
  const location = useLocation();
  if (account === undefined) {
    return error ? <ErrorMessage error={error} onRetry={() => void refresh()} /> : <Loading label="Checking your session" />;
  }
  if (account === null) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}
