import { hostRoutesSchema } from '@slipway/core';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { defaultRouteKeys, normalizeHost, type RouteKeys } from './keys.ts';
import { deleteHost, readEntry, setHostRoutes } from './store.ts';

/** What a sync changed: hosts written (new or different) and hosts removed. */
export interface RouteSync {
  written: string[];
  removed: string[];
}

/**
 * Makes the stored table exactly `desired` (hostname → routes): writes each host
 * whose entry differs (or is missing, malformed or unsigned) and deletes every
 * other host, whoever wrote it. The table is derived state, so a stale entry of
 * any origin goes. Unchanged hosts are not written, so routers hear nothing.
 */
export async function syncRouteTable(redis: Redis, desired: ReadonlyMap<string, z.input<typeof hostRoutesSchema>>, keys: RouteKeys = defaultRouteKeys, secret?: string): Promise<RouteSync> {
  const stored = await redis.hgetall(keys.hash);
  const wanted = new Map([...desired].map(([host, routes]) => [normalizeHost(host), hostRoutesSchema.parse(routes)]));
  const written: string[] = [];
  for (const [host, routes] of wanted) {
    const have = readEntry(host, stored[host], secret)?.routes;
    if (have && JSON.stringify(have) === JSON.stringify(routes)) continue;
    await setHostRoutes(redis, host, routes, keys, secret);
    written.push(host);
  }
  const removed = Object.keys(stored).filter((host) => !wanted.has(host));
  for (const host of removed) await deleteHost(redis, host, keys, secret);
  return { written, removed };
}
