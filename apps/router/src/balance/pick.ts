import type { Route } from '@slipway/core';
import type { BackendRegistry } from '../backends/registry.ts';
import type { BackendState } from '../backends/backend.ts';
import { strategies } from './strategies.ts';

const counters = new WeakMap<Route, { n: number }>();

/**
 * Chooses the backend for one request: the pinned one when it is still active
 * and available, else one by the route's strategy among active, available
 * backends not yet tried. When every backend is passively ejected for 5xx
 * bursts (not for refused connections) they are used anyway: an app answering
 * errors beats no app at all.
 */
export function pickBackend(
  route: Route,
  registry: BackendRegistry,
  now: number,
  tried: ReadonlySet<string>,
  pinnedId?: string,
): BackendState | undefined {
  const usable: BackendState[] = [];
  const fallback: BackendState[] = [];
  for (const b of route.backends) {
    if (b.state !== 'active') continue;
    const s = registry.get(b);
    if (!s || tried.has(s.key)) continue;
    if (s.available(now)) usable.push(s);
    else if (s.health.healthy && s.passive.reason === '5xx') fallback.push(s);
  }
  if (pinnedId !== undefined) {
    const pinned = usable.find((s) => s.id === pinnedId);
    if (pinned) return pinned;
  }
  const pool = usable.length > 0 ? usable : fallback;
  let counter = counters.get(route);
  if (!counter) counters.set(route, (counter = { n: Math.floor(Math.random() * 1000) }));
  return strategies[route.balance](pool, counter);
}
