import { useEffect } from 'react';

/** Calls `refresh` every `ms` while the tab is visible, so status stays current without reloading the page; null stops it. */
export function usePolling(refresh: () => void, ms: number | null): void {
  useEffect(() => {
    if (ms === null) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') refresh();
    }, ms);
    return () => clearInterval(timer);
  }, [refresh, ms]);
}
