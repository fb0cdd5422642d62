import type { Logger } from '@slipway/core';
import type { BackendState } from '../backends/backend.ts';
import { nextHealth } from './thresholds.ts';

/**
 * Runs the route's health check against one backend on its interval and moves
 * its state by thresholds. Backends without a configured check rely on passive
 * ejection only. Returns a stop function.
 */
export function startActiveChecks(state: BackendState, log: Logger): () => void {
  const check = state.healthCheck;
  if (!check) return () => {};
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const run = async (): Promise<void> => {
    const ok = await probe(state, check.path, check.timeoutMs, check.content);
    if (stopped) return;
    const before = state.health.healthy;
    state.health = nextHealth(state.health, ok, check);
    if (state.health.healthy !== before) {
      log.warn({ app: state.app, backend: state.id, healthy: state.health.healthy }, 'backend health changed');
    }
    timer = setTimeout(run, check.intervalMs);
    timer.unref();
  };
  timer = setTimeout(run, check.intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

async function probe(state: BackendState, path: string, timeoutMs: number, content: string | undefined): Promise<boolean> {
  try {
    const res = await state.pool.request({
      path,
      method: 'GET',
      headers: { 'user-agent': 'slipway-router-health' },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.body.text();
    return res.statusCode >= 200 && res.statusCode < 400 && (!content || body.includes(content));
  } catch {
    return false;
  }
}
