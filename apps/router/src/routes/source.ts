import type { Logger } from '@slipway/core';
import { getHostRoutes, listRoutes, type RouteKeys } from '@slipway/routing';
import { Redis } from 'ioredis';
import { RouteTable } from './table.ts';

/**
 * Feeds the route table from Redis: the whole hash at start and after every
 * reconnect, one host per change notification. Each change hands a new table
 * to `apply`. Notifications for one host are applied in arrival order.
 */
export class RedisRouteSource {
  private readonly client: Redis;
  private readonly sub: Redis;
  private table = RouteTable.empty();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    redisUrl: string,
    private readonly keys: RouteKeys,
    private readonly apply: (table: RouteTable) => void,
    private readonly log: Logger,
  ) {
    const opts = { maxRetriesPerRequest: null, lazyConnect: true } as const;
    this.client = new Redis(redisUrl, opts);
    this.sub = new Redis(redisUrl, opts);
    this.client.on('error', (err) => this.log.warn({ err: err.message }, 'route store connection error'));
    this.sub.on('error', (err) => this.log.warn({ err: err.message }, 'route subscription error'));
    this.sub.on('message', (_channel: string, host: string) => this.enqueue(() => this.reloadHost(host)));
    // After a reconnect we may have missed notifications: reload everything.
    this.sub.on('ready', () => this.enqueue(() => this.reloadAll()));
  }

  async start(): Promise<void> {
    await this.client.connect();
    await this.sub.connect();
    await this.sub.subscribe(this.keys.channel);
    await this.chain;
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((err: Error) => this.log.error({ err: err.message }, 'route reload failed'));
  }

  private async reloadAll(): Promise<void> {
    const all = await listRoutes(this.client, this.keys, (host) => this.log.error({ host }, 'ignoring malformed routes'));
    this.set(RouteTable.from(all));
    this.log.info({ hosts: all.size }, 'route table loaded');
  }

  private async reloadHost(host: string): Promise<void> {
    this.set(this.table.withHost(host, await getHostRoutes(this.client, host, this.keys)));
    this.log.debug({ host }, 'route updated');
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
