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
 * errors beats no app at all. A retry prefers another node than the one that
 * failed: a node that dies takes all its instances with it.
 */
export function pickBackend(
  route: Route,
  registry: BackendRegistry,
  now: number,
  tried: ReadonlySet<string>,
  pinnedId?: string,
): BackendState | undefined {
  const usable: BackendState[] = [];
  const sameNode: BackendState[] = [];
  const fallback: BackendState[] = [];
  const states = registry.statesOf(route);
  const triedNodes = new Set<string>();
  if (tried.size > 0) {
    for (const s of states) if (s && tried.has(s.key)) triedNodes.add(nodeOf(s.url));
  }
  for (let i = 0; i < states.length; i++) {
    const s = states[i];
    if (!s || route.backends[i]!.state !== 'active' || tried.has(s.key)) continue;
    if (s.available(now)) (triedNodes.size > 0 && triedNodes.has(nodeOf(s.url)) ? sameNode : usable).push(s);
    else if (s.passive.reason === '5xx') fallback.push(s);
  }
  if (pinnedId !== undefined) {
    const pinned = usable.find((s) => s.id === pinnedId);
    if (pinned) return pinned;
  }
  const pool = usable.length > 0 ? usable : sameNode.length > 0 ? sameNode : fallback;
  let counter = counters.get(route);
  if (!counter) counters.set(route, (counter = { n: Math.floor(Math.random() * 1000) }));
  return strategies[route.balance](pool, counter);
}

/** The node part of a backend URL (its host without the port). */
const nodeOf = (url: string): string => url.slice(url.indexOf('//') + 2).replace(/:\d+(\/.*)?$/, '');
