import type { HostRoutes, Route } from '@slipway/core';
import { normalizeHost } from '@slipway/routing';

/**
 * Immutable host → routes table. Each update yields a new table, swapped in
 * with one assignment, so a request always sees one consistent version.
 */
export class RouteTable {
  private constructor(private readonly hosts: ReadonlyMap<string, readonly Route[]>) {}

  static empty(): RouteTable {
    return new RouteTable(new Map());
  }

  static from(entries: Iterable<[string, HostRoutes]>): RouteTable {
    const hosts = new Map<string, readonly Route[]>();
    for (const [host, routes] of entries) hosts.set(normalizeHost(host), byLongestPrefix(routes));
    return new RouteTable(hosts);
  }

  /** A new table with one host replaced, or removed when `routes` is undefined or empty. */
  withHost(host: string, routes: HostRoutes | undefined): RouteTable {
    const hosts = new Map(this.hosts);
    const name = normalizeHost(host);
    if (routes && routes.length > 0) hosts.set(name, byLongestPrefix(routes));
    else hosts.delete(name);
    return new RouteTable(hosts);
  }

  /** The route of the longest prefix matching `path` on segment boundaries. */
  match(host: string, path: string): Route | undefined {
    const routes = this.hosts.get(normalizeHost(host));
    if (!routes) return undefined;
    return routes.find((r) => prefixMatches(r.pathPrefix, path));
  }

  routes(): Iterable<[string, readonly Route[]]> {
    return this.hosts.entries();
  }

  get size(): number {
    return this.hosts.size;
  }
}

function byLongestPrefix(routes: HostRoutes): Route[] {
  return [...routes].sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);
}

/** `/api` matches `/api`, `/api/x` and `/api?q`, not `/apix`. */
export function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === '/' || prefix === '') return true;
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (!path.startsWith(p)) return false;
  const next = path.charAt(p.length);
  return next === '' || next === '/' || next === '?';
}
