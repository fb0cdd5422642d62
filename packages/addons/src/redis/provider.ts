import { Redis } from 'ioredis';
import type { Logger } from '@slipway/core';
import type { PlanLimits } from '../catalog.ts';
import type { AddonProvider, Credentials } from '../provider.ts';
import { resourceName } from '../names.ts';
import { aclRules, permissionRules } from './acl.ts';

export interface RedisProviderOptions {
  /** Admin ACL user on the managed Redis (scripts/addon-servers.sh prints it). */
  adminUrl: string;
  publicHost?: string;
  logger: Logger;
  connectTimeoutMs?: number;
}

/** Shared plan: one ACL user per add-on on the managed Redis, limited to its key prefix (see acl.ts for why). */
export class RedisProvider implements AddonProvider {
  readonly service = 'redis' as const;
  private readonly admin: URL;
  private client: Redis | null = null;

  constructor(private readonly opts: RedisProviderOptions) {
    this.admin = new URL(opts.adminUrl);
  }

  /** The plan's memory quota is not set here: Redis has none per user, the usage watch enforces it. */
  async provision(addonId: string, secret: string, _limits: PlanLimits): Promise<Credentials> {
    const user = resourceName(addonId);
    const redis = await this.connection();
    // A rotation must not lift a write stop the usage watch imposed.
    const writable = !(await redis.sismember(overQuotaKey, user));
    await redis.call('ACL', 'SETUSER', user, ...aclRules(keyPrefix(user), secret, writable));
    await this.persist(redis);
    this.opts.logger.info({ addonId, user }, 'redis add-on ready');
    const host = this.opts.publicHost ?? this.admin.hostname;
    return {
      url: `redis://${user}:${secret}@${host}:${this.admin.port || '6379'}`,
      username: user,
      secret,
      extra: { KEY_PREFIX: keyPrefix(user) },
    };
  }

  async deprovision(addonId: string): Promise<void> {
    const user = resourceName(addonId);
    const redis = await this.connection();
    await this.removeUser(addonId);
    await this.deleteKeys(redis, keyPrefix(user));
    this.opts.logger.info({ addonId, user }, 'redis add-on removed');
  }

  /** Deleting the user also disconnects every client logged in as it. */
  async removeUser(addonId: string): Promise<void> {
    const user = resourceName(addonId);
    const redis = await this.connection();
    await redis.call('ACL', 'DELUSER', user);
    await redis.srem(overQuotaKey, user);
    await this.persist(redis);
  }

  async exists(addonId: string): Promise<boolean> {
    const redis = await this.connection();
    return (await redis.call('ACL', 'GETUSER', resourceName(addonId))) !== null;
  }

  /**
   * Re-applies the add-on's permissions (bringing users made by an earlier
   * version up to date) with writes allowed or stopped; the password stays.
   * Returns false when the user does not exist.
   */
  async setWritable(addonId: string, writable: boolean): Promise<boolean> {
    const user = resourceName(addonId);
    const redis = await this.connection();
    if ((await redis.call('ACL', 'GETUSER', user)) === null) return false;
    // ACL first: SADD is refused once the server is full, which is when the stop matters most.
    await redis.call('ACL', 'SETUSER', user, ...permissionRules(keyPrefix(user), writable));
    await this.persist(redis);
    await (writable ? redis.srem(overQuotaKey, user) : redis.sadd(overQuotaKey, user));
    return true;
  }

  /**
   * Bytes held by each add-on's keys (MEMORY USAGE, summed by key prefix) in one
   * SCAN of db 0, the only database tenants can reach. At most `maxKeys` keys are
   * measured per call, so a huge keyspace yields lower bounds rather than a stall.
   */
  async usage(maxKeys = 1_000_000): Promise<{ bytes: Map<string, number>; complete: boolean }> {
    const redis = await this.connection();
    const bytes = new Map<string, number>();
    let cursor = '0';
    let seen = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'addon_*', 'COUNT', 1000);
      cursor = next;
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.call('MEMORY', 'USAGE', key);
      const results = keys.length ? ((await pipeline.exec()) ?? []) : [];
      results.forEach(([error, size], i) => {
        const key = keys[i]!;
        const end = key.indexOf(':'); // every tenant key starts with `<user>:`
        if (!error && typeof size === 'number' && end > 0) bytes.set(key.slice(0, end), (bytes.get(key.slice(0, end)) ?? 0) + size);
      });
      seen += keys.length;
    } while (cursor !== '0' && seen < maxKeys);
    return { bytes, complete: cursor === '0' };
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.quit().catch(() => client.disconnect());
  }

  /** Every database, in case data reached one before SELECT was denied. */
  private async deleteKeys(redis: Redis, prefix: string): Promise<void> {
    const [, count] = (await redis.call('CONFIG', 'GET', 'databases')) as [string, string];
    for (let db = 0; db < Number(count); db++) {
      await redis.select(db);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
    await redis.select(0);
  }

  /** Writes users to the ACL file so they survive a restart; a server without one keeps them in memory only. */
  private async persist(redis: Redis): Promise<void> {
    try {
      await redis.call('ACL', 'SAVE');
    } catch (e) {
      this.opts.logger.warn({ err: (e as Error).message }, 'redis ACL SAVE failed: add-on users will not survive a restart');
    }
  }

  private async connection(): Promise<Redis> {
    // Without retries a dropped connection ends for good: start a new one.
    if (this.client?.status === 'end') this.client = null;
    if (!this.client) {
      const client = new Redis(this.admin.toString(), {
        lazyConnect: true,
        connectTimeout: this.opts.connectTimeoutMs ?? 5000,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      });
      let cause: Error | undefined;
      client.on('error', (e: Error) => {
        cause = e;
        this.opts.logger.warn({ err: e.message }, 'redis admin connection error');
      });
      try {
        await client.connect();
      } catch (e) {
        client.disconnect();
        // connect() only says "Connection is closed"; the 'error' event has the reason.
        throw new Error(`cannot reach the Redis add-on server at ${this.admin.host}: ${(cause ?? (e as Error)).message}`);
      }
      this.client = client;
    }
    return this.client;
  }
}

const keyPrefix = (user: string): string => `${user}:`;
/** Users whose writes the usage watch stopped; outside every tenant's key pattern. */
const overQuotaKey = 'slipway:over-quota';
