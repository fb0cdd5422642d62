import { useCallback, useState } from 'react';

export interface Action<A extends unknown[]> {
  run: (...args: A) => Promise<boolean>;
  pending: boolean;
  error: unknown;
  clearError: () => void;
}

/** A user-triggered call with its pending and error state; `run` resolves true on success. */
export function useAction<A extends unknown[]>(act: (...args: A) => Promise<unknown>): Action<A> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(
    async (...args: A) => {
      setPending(true);
      setError(null);
      try {
        await act(...args);
        return true;
      } catch (e) {
        setError(e);
        return false;
      } finally {
        setPending(false);
      }
    },
    [act],
  );
  return { run, pending, error, clearError: () => setError(null) };
}
