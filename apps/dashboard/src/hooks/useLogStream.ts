import { useEffect, useState } from 'react';
import { api } from '../api/endpoints.ts';
import type { LogLine } from '@slipway/api-types';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'failed';

const KEEP = 1_000;
const keyOf = (l: LogLine) => `${l.ts}|${l.instanceId}|${l.line}`;

/**
 * Tails an app's log over server-sent events. EventSource reconnects by itself;
 * the recent lines it replays then are dropped as duplicates. When it gives up,
 * one plain request fetches the API's error message to show.
 */
export function useLogStream(app: string, type: string, paused: boolean) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (paused) return;
    const seen = new Set<string>();
    setLines([]);
    setStatus('connecting');
    setError(null);
    const source = new EventSource(api.logStreamUrl(app, type || undefined));
    source.onopen = () => setStatus('live');
    source.onmessage = (e: MessageEvent<string>) => {
      const line = JSON.parse(e.data) as LogLine;
      const key = keyOf(line);
      if (seen.has(key)) return;
      seen.add(key);
      setLines((prev) => (prev.length >= KEEP ? [...prev.slice(prev.length - KEEP + 1), line] : [...prev, line]));
    };
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED) return setStatus('reconnecting');
      setStatus('failed');
      api.logProbe(app).then(() => setError(new Error('The log stream closed; reload to try again')), setError);
    };
    return () => source.close();
  }, [app, type, paused]);

  return { lines, status, error };
}
