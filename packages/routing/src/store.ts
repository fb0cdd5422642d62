import { hostRoutesSchema, type HostRoutes } from '@slipway/core';
import type { Redis } from 'ioredis';
import { defaultRouteKeys, normalizeHost, type RouteKeys } from './keys.ts';

type RouteInput = Parameters<typeof hostRoutesSchema.parse>[0];

/**
 * Replaces every route of one hostname and notifies routers. The write and the
 * notification go in one MULTI so a router never hears of a change it can't read.
 * Idempotent: writing the same routes twice leaves the same state.
 */
export async function setHostRoutes(redis: Redis, host: string, routes: RouteInput, keys: RouteKeys = defaultRouteKeys): Promise<HostRoutes> {
  const parsed = hostRoutesSchema.parse(routes);
  const name = normalizeHost(host);
  if (!name) throw new Error('setHostRoutes: empty hostname');
  await redis.multi().hset(keys.hash, name, JSON.stringify(parsed)).publish(keys.channel, name).exec();
  return parsed;
}

/** Removes a hostname (its routers answer 404 for it afterwards). Idempotent. */
export async function deleteHost(redis: Redis, host: string, keys: RouteKeys = defaultRouteKeys): Promise<void> {
  const name = normalizeHost(host);
  await redis.multi().hdel(keys.hash, name).publish(keys.channel, name).exec();
}

/** Parses one stored value; a malformed entry yields undefined so one bad host can't break the rest. */
export function parseHostRoutes(raw: string | null | undefined): HostRoutes | undefined {
  if (raw == null) return undefined;
  try {
    const parsed = hostRoutesSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Routes of one hostname, or undefined when it has none (or its entry is malformed). */
export async function getHostRoutes(redis: Redis, host: string, keys: RouteKeys = defaultRouteKeys): Promise<HostRoutes | undefined> {
  return parseHostRoutes(await redis.hget(keys.hash, normalizeHost(host)));
}

/** The whole table: hostname → routes. Malformed entries are reported through `onInvalid` and skipped. */
export async function listRoutes(
  redis: Redis,
  keys: RouteKeys = defaultRouteKeys,
  onInvalid: (host: string) => void = () => {},
): Promise<Map<string, HostRoutes>> {
  const all = await redis.hgetall(keys.hash);
  const table = new Map<string, HostRoutes>();
  for (const [host, raw] of Object.entries(all)) {
    const routes = parseHostRoutes(raw);
    if (routes) table.set(host, routes);
    else onInvalid(host);
  }
  return table;
}
