import { ROUTES_CHANNEL, ROUTES_KEY } from '@slipway/core';

/** Where the route table lives in Redis; tests and multi-tenant setups use a prefix. */
export interface RouteKeys {
  /** Hash: field = hostname, value = JSON array of routes. */
  hash: string;
  /** Pub/sub channel carrying the hostname that changed. */
  channel: string;
}

export const defaultRouteKeys: RouteKeys = { hash: ROUTES_KEY, channel: ROUTES_CHANNEL };

/** Keys under a prefix, e.g. `t123:` gives `t123:slipway:routes`; empty prefix gives the defaults. */
export function routeKeys(prefix = ''): RouteKeys {
  return { hash: prefix + ROUTES_KEY, channel: prefix + ROUTES_CHANNEL };
}

/** Hostnames are case-insensitive and may carry a trailing dot or a port in a Host header. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  if (colon !== -1) h = h.slice(0, colon);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}
