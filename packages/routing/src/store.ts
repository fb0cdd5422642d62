import { hostRoutesSchema, sign, verify, type HostRoutes } from '@slipway/core';
import type { Redis } from 'ioredis';
import { defaultRouteKeys, normalizeHost, type RouteKeys } from './keys.ts';

type RouteInput = Parameters<typeof hostRoutesSchema.parse>[0];

/** A stored entry once read and checked; `signedAt` is 0 for unsigned tables. */
export interface StoredRoutes {
  routes: HostRoutes;
  signedAt: number;
}

/**
 * With SLIPWAY_INTERNAL_SECRET, entries and notifications are signed (see
 * core's signing.ts) and readers refuse what fails the check: a Redis writer
 * without the secret cannot add backends. The entry's signature covers its
 * hostname, so a valid entry cannot be copied to another host.
 */
const entryPayload = (host: string, json: string) => `${host}\n${json}`;

/**
 * Replaces every route of one hostname and notifies routers. The write and the
 * notification go in one MULTI so a router never hears of a change it can't read.
 * Idempotent: writing the same routes twice leaves the same state.
 */
export async function setHostRoutes(redis: Redis, host: string, routes: RouteInput, keys: RouteKeys = defaultRouteKeys, secret?: string): Promise<HostRoutes> {
  const parsed = hostRoutesSchema.parse(routes);
  const name = normalizeHost(host);
  if (!name) throw new Error('setHostRoutes: empty hostname');
  const json = JSON.stringify(parsed);
  const value = secret ? sign(entryPayload(name, json), secret) : json;
  await redis.multi().hset(keys.hash, name, value).publish(keys.channel, notification(name, secret)).exec();
  return parsed;
}

/** Removes a hostname (its routers answer 404 for it afterwards), also a field stored unnormalized. Idempotent. */
export async function deleteHost(redis: Redis, host: string, keys: RouteKeys = defaultRouteKeys, secret?: string): Promise<void> {
  const name = normalizeHost(host);
  await redis.multi().hdel(keys.hash, ...new Set([name, host])).publish(keys.channel, notification(name, secret)).exec();
}

/** What goes on the change channel: the hostname, signed when a secret is set. */
export const notification = (host: string, secret?: string): string => (secret ? sign(host, secret) : host);

/** Freshness window for change notifications (entries themselves carry no window: they are state). */
export const NOTIFICATION_MAX_AGE_MS = 60_000;

/**
 * Parses one stored value; a malformed or (with a secret) unsigned, forged or
 * misplaced entry yields undefined so one bad host can't break the rest.
 */
export function readEntry(host: string, raw: string | null | undefined, secret?: string): StoredRoutes | undefined {
  if (raw == null) return undefined;
  let json = raw;
  let signedAt = 0;
  if (secret) {
    const v = verify(raw, secret);
    const prefix = `${host}\n`;
    if (!v.ok || !v.payload.startsWith(prefix)) return undefined;
    json = v.payload.slice(prefix.length);
    signedAt = v.signedAt;
  }
  try {
    const parsed = hostRoutesSchema.safeParse(JSON.parse(json));
    return parsed.success ? { routes: parsed.data, signedAt } : undefined;
  } catch {
    return undefined;
  }
}

/** Routes of one hostname, or undefined when it has none (or its entry is malformed or fails its signature). */
export async function getHostRoutes(redis: Redis, host: string, keys: RouteKeys = defaultRouteKeys, secret?: string): Promise<HostRoutes | undefined> {
  const name = normalizeHost(host);
  return readEntry(name, await redis.hget(keys.hash, name), secret)?.routes;
}

/** One stored entry with its signing time, for readers that refuse rollbacks to older entries. */
export async function getHostEntry(redis: Redis, host: string, keys: RouteKeys = defaultRouteKeys, secret?: string): Promise<{ present: boolean; entry?: StoredRoutes }> {
  const name = normalizeHost(host);
  const raw = await redis.hget(keys.hash, name);
  return { present: raw != null, entry: readEntry(name, raw, secret) };
}

/** The whole table: hostname → routes. Bad entries are reported through `onInvalid` and skipped. */
export async function listRoutes(
  redis: Redis,
  keys: RouteKeys = defaultRouteKeys,
  onInvalid: (host: string) => void = () => {},
  secret?: string,
): Promise<Map<string, HostRoutes>> {
  const table = new Map<string, HostRoutes>();
  for (const [host, entry] of await listEntries(redis, keys, onInvalid, secret)) table.set(host, entry.routes);
  return table;
}

/** Like listRoutes, with each entry's signing time. */
export async function listEntries(
  redis: Redis,
  keys: RouteKeys = defaultRouteKeys,
  onInvalid: (host: string) => void = () => {},
  secret?: string,
): Promise<Map<string, StoredRoutes>> {
  const all = await redis.hgetall(keys.hash);
  const table = new Map<string, StoredRoutes>();
  for (const [host, raw] of Object.entries(all)) {
    const entry = readEntry(host, raw, secret);
    if (entry) table.set(host, entry);
    else onInvalid(host);
  }
  return table;
}

/**
 * Takes one app's routes off a hostname, keeping other apps' path prefixes on it;
 * the host goes away when nothing is left. Idempotent.
 */
export async function removeAppRoutes(redis: Redis, host: string, app: string, keys: RouteKeys = defaultRouteKeys, secret?: string): Promise<void> {
  const name = normalizeHost(host);
  const { present, entry } = await getHostEntry(redis, name, keys, secret);
  if (!present || (entry && !entry.routes.some((r) => r.app === app))) return;
  const rest = (entry?.routes ?? []).filter((r) => r.app !== app);
  if (rest.length) await setHostRoutes(redis, name, rest, keys, secret);
  else await deleteHost(redis, name, keys, secret);
}

/**
 * Takes an app off every hostname that names it, including entries it no longer
 * owns (left by a crash or an older version); other apps' routes stay. Idempotent.
 */
export async function removeAppEverywhere(redis: Redis, app: string, keys: RouteKeys = defaultRouteKeys, secret?: string): Promise<string[]> {
  const hosts = [...(await listEntries(redis, keys, () => {}, secret))].filter(([, e]) => e.routes.some((r) => r.app === app)).map(([host]) => host);
  for (const host of hosts) await removeAppRoutes(redis, host, app, keys, secret);
  return hosts;
}

/** Key of the mark that the route hash holds its publisher's whole table (see markTableWhole). */
export const wholeTableKey = (keys: RouteKeys): string => `${keys.hash}:whole`;
/** A change notification that asks routers to reload the whole table rather than one host. */
export const RELOAD_ALL = '*';

/**
 * Marks the route hash as holding the whole table, after the publisher (the scheduler) wrote every
 * app's routes, and tells routers to reload it all. A Redis restarted empty loses the mark with the
 * table: routers then keep the routes the store lacks instead of dropping them (source.ts). Signed
 * like the entries. Sets the mark only when it is missing; returns whether it did.
 */
export async function markTableWhole(redis: Redis, keys: RouteKeys = defaultRouteKeys, secret?: string): Promise<boolean> {
  const key = wholeTableKey(keys);
  const set = await redis.set(key, secret ? sign(key, secret) : '1', 'NX');
  if (set === 'OK') await redis.publish(keys.channel, notification(RELOAD_ALL, secret));
  return set === 'OK';
}

/** Whether the route hash carries a valid mark of a whole table. */
export async function isTableWhole(redis: Redis, keys: RouteKeys = defaultRouteKeys, secret?: string): Promise<boolean> {
  const key = wholeTableKey(keys);
  const raw = await redis.get(key);
  if (raw === null) return false;
  if (!secret) return true;
  const v = verify(raw, secret);
  return v.ok && v.payload === key;
}
