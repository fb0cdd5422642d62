import { useEffect, useState } from 'react';
import { api } from '../api/endpoints.ts';
import type { BuildOutcome } from '@slipway/api-types';

export type BuildStreamStatus = 'connecting' | 'streaming' | 'ended' | 'failed';

/**
 * A build's output over server-sent events: every line from the start, live
 * while the build runs, then its outcome. The stream is closed on `end` (an
 * EventSource would otherwise reconnect and replay the whole log).
 */
export function useBuildStream(app: string, buildId: string) {
  const [lines, setLines] = useState<string[]>([]);
  const [outcome, setOutcome] = useState<BuildOutcome | null>(null);
  const [status, setStatus] = useState<BuildStreamStatus>('connecting');

  useEffect(() => {
    setLines([]);
    setOutcome(null);
    setStatus('connecting');
    const source = new EventSource(api.buildOutputUrl(app, buildId));
    source.onopen = () => setStatus('streaming');
    source.onmessage = (e: MessageEvent<string>) => {
      const { line } = JSON.parse(e.data) as { line: string };
      setLines((prev) => [...prev, line]);
    };
    source.addEventListener('end', (e) => {
      setOutcome(JSON.parse((e as MessageEvent<string>).data) as BuildOutcome);
      setStatus('ended');
      source.close();
    });
    source.onerror = () => {
      // A dropped connection replays from the first line: start the view over with it.
      if (source.readyState === EventSource.CONNECTING) return setLines([]);
      setStatus('failed');
    };
    return () => source.close();
  }, [app, buildId]);

  return { lines, outcome, status };
}
