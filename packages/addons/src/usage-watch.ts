import type { Logger, SecretBox } from '@slipway/core';
import type { Db } from '@slipway/db';
import { planById } from './catalog.ts';
import { resourceName } from './names.ts';
import type { StoredCredentials } from './operations.ts';
import type { PostgresProvider } from './postgres/provider.ts';
import { safeReason } from './redact.ts';
import type { RedisProvider } from './redis/provider.ts';

export interface UsageWatchDeps {
  db: Db;
  box: SecretBox;
  logger: Logger;
  redis: RedisProvider | null;
  postgres: PostgresProvider | null;
  secrets: readonly string[];
}

/**
 * What the shared servers cannot enforce per tenant, checked on a timer:
 *  - Redis has no per-user memory limit: each add-on's keys are measured and an
 *    add-on above its plan's quota loses write permission (it may still read and
 *    delete) until it is back under; the outcome is recorded on the add-on row.
 *  - Postgres lets a role change its own password: an add-on whose role no longer
 *    accepts the stored password gets that password set again (its apps' URL works
 *    again; the one the tenant chose stops working).
 * The first pass also re-applies every add-on's current rules (connection limit,
 * ACL), so add-ons made by an earlier version get them when the platform starts.
 */
export class UsageWatch {
  /** Add-on id -> writable, as last applied by this process. */
  private readonly applied = new Map<string, boolean>();
  private readonly reconciled = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: UsageWatchDeps) {}

  /** Runs a pass now and then every `intervalMs`, never two at once. */
  start(intervalMs: number): void {
    if (this.timer) return;
    const tick = (): void => {
      this.running = this.runOnce()
        .catch((e: unknown) => this.deps.logger.error({ err: safeReason(e, this.deps.secrets) }, 'add-on usage watch pass failed'))
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  async runOnce(): Promise<void> {
    const addons = await this.deps.db.addon.findMany({ where: { state: 'available' }, select: { id: true, planId: true, credentials: true, overQuota: true } });
    const redisAddons = addons.filter((a) => planById(a.planId).service === 'redis');
    const pgAddons = addons.filter((a) => planById(a.planId).service === 'postgres');
    if (this.deps.redis && redisAddons.length) await this.checkRedis(this.deps.redis, redisAddons);
    if (this.deps.postgres) {
      for (const addon of pgAddons) await this.each(addon.id, () => this.checkPostgres(this.deps.postgres!, addon));
    }
  }

  private async checkRedis(redis: RedisProvider, addons: { id: string; planId: string; overQuota: boolean }[]): Promise<void> {
    const { bytes, complete } = await redis.usage();
    if (!complete) this.deps.logger.warn('redis add-on usage: key limit reached, some usage is a lower bound');
    for (const addon of addons) {
      await this.each(addon.id, async () => {
        const used = bytes.get(resourceName(addon.id)) ?? 0;
        const quota = planById(addon.planId).limits.memoryBytes;
        const over = quota !== undefined && used > quota;
        if (this.applied.get(addon.id) !== !over) {
          if (!(await redis.setWritable(addon.id, !over))) return;
          // SETUSER recreates a user deleted since GETUSER: undo that if the add-on went meanwhile.
          if (!(await this.stillAvailable(addon.id))) return redis.removeUser(addon.id);
          this.applied.set(addon.id, !over);
          if (over !== addon.overQuota) this.deps.logger.warn({ addonId: addon.id, used, quota }, over ? 'redis add-on over quota: writes stopped' : 'redis add-on back under quota: writes allowed');
        }
        await this.deps.db.addon.updateMany({ where: { id: addon.id, state: 'available' }, data: { usageBytes: BigInt(used), usageAt: new Date(), overQuota: over } });
      });
    }
  }

  private async checkPostgres(postgres: PostgresProvider, addon: { id: string; planId: string; credentials: string | null }): Promise<void> {
    if (!addon.credentials) return;
    const { secret } = this.deps.box.decryptJson<StoredCredentials>(addon.credentials);
    const limits = planById(addon.planId).limits;
    // restoreRole only alters the role, so it cannot bring back one a destroy just dropped.
    if (!this.reconciled.has(addon.id)) {
      await postgres.restoreRole(addon.id, secret, limits);
      this.reconciled.add(addon.id);
    } else if (!(await postgres.acceptsSecret(addon.id, secret))) {
      await postgres.restoreRole(addon.id, secret, limits);
      this.deps.logger.warn({ addonId: addon.id }, 'postgres add-on password was changed from inside: restored the one its apps were given');
    }
  }

  private async stillAvailable(addonId: string): Promise<boolean> {
    return (await this.deps.db.addon.count({ where: { id: addonId, state: 'available' } })) > 0;
  }

  /** One add-on's failure (e.g. destroyed meanwhile) must not stop the pass for the others. */
  private async each(addonId: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.deps.logger.warn({ addonId, err: safeReason(e, this.deps.secrets) }, 'add-on usage check failed');
    }
  }
}
