import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/endpoints.ts';
import { ApiError, onUnauthorized } from '../api/client.ts';
import type { Account } from '@slipway/api-types';

interface Session {
  /** undefined while the first check runs; null when logged out. */
  account: Account | null | undefined;
  error: unknown;
  refresh: () => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** Who is logged in, from GET /v1/account; any 401 anywhere logs the dashboard out. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [account, setAccount] = useState<Account | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);

  const refresh = useCallback(async () => {
    try {
      setAccount(await api.account());
      setError(null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setAccount(null);
      else setError(e);
    }
  }, []);

  const logout = useCallback(async () => {
    await api.logout().catch(() => undefined);
    setAccount(null);
  }, []);

  useEffect(() => {
    void refresh();
    return onUnauthorized(() => setAccount(null));
  }, [refresh]);

  const value = useMemo(() => ({ account, error, refresh, logout }), [account, error, refresh, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
