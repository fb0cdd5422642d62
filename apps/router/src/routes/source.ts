import { NonceCache, routeHostRefusal, verify, type HostRoutes, type Logger, type ReservedHosts } from '@slipway/core';
import { NOTIFICATION_MAX_AGE_MS, RELOAD_ALL, getHostEntry, isTableWhole, listEntries, type RouteKeys } from '@slipway/routing';
import { Redis } from 'ioredis';
import { RouteTable } from './table.ts';

/**
 * Feeds the route table from Redis: the whole hash at start, after every
 * reconnect and when the scheduler marks it whole, one host per change
 * notification. Each change hands a new table to `apply`. Notifications are
 * applied in arrival order. While Redis is down the table in use stays.
 *
 * With a secret, only signed entries and fresh, unreplayed signed notifications
 * count; an entry signed before the one in use (a replayed old entry) is refused
 * too. Refusals are logged and the current routes stay.
 *
 * Entries for reserved hosts (IP literals, localhost, the bare platform domain,
 * the control plane's names) are refused whoever wrote them, so a request by
 * address or for an unknown name can only get the 404 page, never an app.
 */
export class RedisRouteSource {
  private readonly client: Redis;
  private readonly sub: Redis;
  private table = RouteTable.empty();
  private chain: Promise<void> = Promise.resolve();
  private readonly signedAt = new Map<string, number>();
  private readonly nonces = new NonceCache();

  constructor(
    redisUrl: string,
    private readonly keys: RouteKeys,
    private readonly reserved: ReservedHosts,
    private readonly apply: (table: RouteTable) => void,
    private readonly log: Logger,
    private readonly secret?: string,
  ) {
    const opts = { maxRetriesPerRequest: null, lazyConnect: true } as const;
    this.client = new Redis(redisUrl, opts);
    this.sub = new Redis(redisUrl, opts);
    this.client.on('error', (err) => this.log.warn({ err: err.message }, 'route store connection error'));
    this.sub.on('error', (err) => this.log.warn({ err: err.message }, 'route subscription error'));
    this.sub.on('message', (_channel: string, message: string) => {
      const host = this.hostOf(message);
      if (host === RELOAD_ALL) this.enqueue(() => this.reloadAll());
      else if (host) this.enqueue(() => this.reloadHost(host));
    });
    // After a reconnect we may have missed notifications: reload everything.
    this.sub.on('ready', () => this.enqueue(() => this.reloadAll()));
    if (!secret) this.log.warn('SLIPWAY_INTERNAL_SECRET is unset: route entries are not verified');
  }

  async start(): Promise<void> {
    await this.client.connect();
    await this.sub.connect();
    await this.sub.subscribe(this.keys.channel);
    await this.chain;
  }

  private hostOf(message: string): string | null {
    if (!this.secret) return message;
    const v = verify(message, this.secret, { maxAgeMs: NOTIFICATION_MAX_AGE_MS, nonces: this.nonces });
    if (v.ok) return v.payload;
    this.log.warn({ reason: v.reason }, 'refused route change notification');
    return null;
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((err: Error) => this.log.error({ err: err.message }, 'route reload failed'));
  }

  private async reloadAll(): Promise<void> {
    const [all, whole] = await Promise.all([
      listEntries(this.client, this.keys, (host) => this.log.error({ host }, 'ignoring malformed or unsigned routes'), this.secret),
      isTableWhole(this.client, this.keys, this.secret),
    ]);
    for (const host of [...all.keys()].filter((h) => !this.allowed(h))) all.delete(host);
    // Hosts refused as rollbacks keep the routes in use.
    const kept = new Map([...this.table.routes()].map(([host, routes]) => [host, [...routes]]));
    const routes = [...all].map(([host, e]): [string, HostRoutes | undefined] => [host, this.fresh(host, e.signedAt) ? e.routes : kept.get(host)]);
    // Without the scheduler's mark the store lost its table (Redis restarted empty) and is being refilled:
    // a host it lacks keeps its routes, until the scheduler marks the table whole again (RELOAD_ALL).
    const lacking = whole ? [] : [...kept].filter(([host]) => !all.has(host));
    if (lacking.length > 0) this.log.warn({ hosts: lacking.length }, 'route store not marked whole (Redis restarted empty?): keeping the routes it lacks until the scheduler republishes');
    this.set(RouteTable.from([...routes.filter((r): r is [string, HostRoutes] => r[1] !== undefined), ...lacking]));
    this.log.info({ hosts: this.table.size, whole }, 'route table loaded');
  }

  private async reloadHost(host: string): Promise<void> {
    if (!this.allowed(host)) {
      this.set(this.table.withHost(host, undefined));
      return;
    }
    const { present, entry } = await getHostEntry(this.client, host, this.keys, this.secret);
    if (present && !entry) {
      this.log.error({ host }, 'refused malformed or unsigned route entry');
      return;
    }
    if (entry && !this.fresh(host, entry.signedAt)) return;
    if (!entry) this.signedAt.delete(host);
    this.set(this.table.withHost(host, entry?.routes));
    this.log.debug({ host }, 'route updated');
  }

  /** False (and logged) for a host the route table must never carry. */
  private allowed(host: string): boolean {
    const refusal = routeHostRefusal(host, this.reserved);
    if (refusal) this.log.error({ host, reason: refusal }, 'refused route entry for a reserved host');
    return refusal === undefined;
  }

  /** False (and logged) for an entry signed before the one in use: an old entry written back. */
  private fresh(host: string, signedAt: number): boolean {
    if (signedAt < (this.signedAt.get(host) ?? 0)) {
      this.log.warn({ host }, 'refused route entry older than the one in use');
      return false;
    }
    this.signedAt.set(host, signedAt);
    return true;
  }

  private set(table: RouteTable): void {
    this.table = table;
    this.apply(table);
  }

  async close(): Promise<void> {
    this.sub.disconnect();
    this.client.disconnect();
    await this.chain;
  }
}
