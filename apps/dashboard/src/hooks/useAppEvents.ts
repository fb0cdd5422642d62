import { useEffect, useState } from 'react';
import { api } from '../api/endpoints.ts';

/**
 * Follows an app's change stream (server-sent events). `tick` grows on every
 * change so views can reload; `live` is false while the stream is down, when
 * callers fall back to polling.
 */
export function useAppEvents(app: string): { tick: number; live: boolean } {
  const [tick, setTick] = useState(0);
  const [live, setLive] = useState(false);
  useEffect(() => {
    const source = new EventSource(api.appEventsUrl(app));
    source.addEventListener('ready', () => setLive(true));
    source.addEventListener('changed', () => setTick((t) => t + 1));
    // EventSource reconnects by itself; a reconnect may have missed a change.
    source.onerror = () => setLive(false);
    source.onopen = () => setTick((t) => t + 1);
    return () => source.close();
  }, [app]);
  return { tick, live };
}
