import { cp as copy } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { BridgeLease } from '../support/bridge-lease.ts';
import { privatePostgres, type PrivatePostgres } from '../support/private-postgres.ts';
import { Platform } from '../e2e/platform.ts';
import { Workers } from '../e2e/workers.ts';

/**
 * The chaos suites' platform (issue 16): scripts/up.sh on a Postgres cluster and Redis server of
 * its own (they may be stopped or emptied), three worker nodes in namespaces on slw0.
 * `env` adds to or overrides the platform's environment (e.g. two router workers).
 */
export class ChaosPlatform extends Platform {
  readonly bridge = new BridgeLease();
  workers: Workers | null = null;
  private db: pg.Client | null = null;

  private constructor(readonly postgres: PrivatePostgres, private readonly extraEnv: Record<string, string>) {
    super(postgres.url);
  }

  static async create(env: Record<string, string> = {}): Promise<ChaosPlatform> {
    return new ChaosPlatform(await privatePostgres(), env);
  }

  override env(): NodeJS.ProcessEnv {
    return { ...super.env(), ...this.extraEnv };
  }

  /** Waits for the bridge, starts the platform and its three nodes. */
  async up(): Promise<Workers> {
    // Multi-node suites take turns on slw0; one may run for many minutes.
    await this.bridge.acquire(1_800_000);
    await this.start();
    this.workers = new Workers(this.agentApiUrl, await this.joinToken(), join(this.home, 'logs'));
    await this.workers.create();
    return this.workers;
  }

  /** A query on the control plane's database (read-only checks of what the platform recorded). */
  async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (!this.db) {
      this.db = new pg.Client({ connectionString: `${this.postgres.url}/${this.dbName}` });
      await this.db.connect();
    }
    return (await this.db.query<T>(sql, params)).rows;
  }

  /** Everything down and removed; the logs copied to CHAOS_KEEP_LOGS first when set. */
  async down(): Promise<void> {
    await this.db?.end().catch(() => {});
    if (this.bridge.isHeld) {
      if (process.env.CHAOS_KEEP_LOGS) await copy(join(this.home, 'logs'), process.env.CHAOS_KEEP_LOGS, { recursive: true }).catch(() => {});
      await this.postgres.start().catch(() => {});
      await this.stop().catch((e) => console.error('platform cleanup', e));
      await this.workers?.destroy();
      await this.bridge.release();
    }
    await this.postgres.destroy();
  }
}

/** Every managed container of the apps on every node, with when it started: a restart or a move changes this. */
export async function containerStarts(workers: Workers, apps: string[]): Promise<string[]> {
  const all: string[] = [];
  for (const node of workers.nodes) {
    const list = await node.docker.listContainers({ all: true, filters: { label: ['io.slipway.managed=1'] } });
    for (const c of list.filter((c) => apps.includes(c.Labels['io.slipway.app'] ?? ''))) {
      all.push(`${node.name} ${c.Labels['io.slipway.app']} ${c.Id.slice(0, 12)} ${(await node.docker.getContainer(c.Id).inspect()).State.StartedAt} ${c.State}`);
    }
  }
  return all.sort();
}
