import type { Backend, Route } from '@slipway/core';
import type { RouteTable } from '../routes/table.ts';
import { BackendState, backendKey } from './backend.ts';

/**
 * Keeps one BackendState per listed instance across table swaps: connection
 * pools, passive ejection and counters survive; instances no longer listed are retired
 * after their in-flight requests finish.
 */
export class BackendRegistry {
  private readonly states = new Map<string, BackendState>();
  /** Each route's backends resolved to their states, per table version (rebuilt lazily after a sync). */
  private byRoute = new WeakMap<Route, readonly (BackendState | undefined)[]>();

  constructor(private readonly connections: number) {}

  get(b: Backend): BackendState | undefined {
    return this.states.get(backendKey(b.id, b.url));
  }

  /** The states of `route.backends`, index for index (undefined for one not in the registry). */
  statesOf(route: Route): readonly (BackendState | undefined)[] {
    let states = this.byRoute.get(route);
    if (!states) this.byRoute.set(route, (states = route.backends.map((b) => this.get(b))));
    return states;
  }

  all(): IterableIterator<BackendState> {
    return this.states.values();
  }

  sync(table: RouteTable): void {
    this.byRoute = new WeakMap();
    const wanted = new Map<string, { b: Backend; route: Route }>();
    for (const [, routes] of table.routes()) {
      for (const route of routes) for (const b of route.backends) wanted.set(backendKey(b.id, b.url), { b, route });
    }
    for (const [key, state] of this.states) {
      if (!wanted.has(key)) {
        this.states.delete(key);
        void state.retire();
      }
    }
    for (const [key, { b, route }] of wanted) {
      if (!this.states.has(key)) this.states.set(key, new BackendState(key, b.id, b.url, route.app, this.connections));
    }
  }

  async close(): Promise<void> {
    const all = [...this.states.values()];
    this.states.clear();
    await Promise.all(all.map((s) => s.retire()));
  }
}
