import type { ReactNode } from 'react';
import type { Loaded } from '../hooks/useLoad.ts';
import { Loading } from './Loading.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';

/** Loading, error, or the view of the loaded data (kept on screen while reloading). */
export function LoadView<T>({ state, label, children }: { state: Loaded<T>; label?: string; children: (data: T) => ReactNode }) {
  if (state.data !== undefined) {
    return (
      <>
        {state.error ? <ErrorMessage error={state.error} onRetry={state.reload} /> : null}
        {children(state.data)}
      </>
    );
  }
  if (state.error) return <ErrorMessage error={state.error} onRetry={state.reload} />;
  return <Loading label={label} />;
}
