import { spawn, type ChildProcess } from 'node:child_process';
import { cp as copy } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { run, sleep, waitFor } from '../cluster/harness/exec.ts';
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
  /** The Redis server started by restartRedisEmpty (the first one is the Platform's). */
  private redisAgain: ChildProcess | null = null;

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
      const db = new pg.Client({ connectionString: `${this.postgres.url}/${this.dbName}` });
      // The database may be stopped on purpose: a lost connection is reopened at the next query.
      db.on('error', () => { if (this.db === db) this.db = null; });
      this.db = db;
      await db.connect().catch((err: unknown) => { this.db = null; throw err; });
    }
    const db = this.db!;
    try {
      return (await db.query<T>(sql, params)).rows;
    } catch (err) {
      if (this.db === db) this.db = null;
      void db.end().catch(() => {});
      throw err;
    }
  }

  private redisCli(...args: string[]): Promise<string> {
    return run('redis-cli', ['-p', String(this.redisPort), ...args], true);
  }

  /** The platform's Redis stopped without saving and started again, empty, on the same port after `downMs`. */
  async restartRedisEmpty(downMs = 2_000): Promise<void> {
    await this.redisCli('shutdown', 'nosave');
    await waitFor('redis stopped', async () => !(await this.redisCli('ping')).includes('PONG'), 10_000, 100);
    await sleep(downMs);
    this.redisAgain = spawn('redis-server', ['--port', String(this.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor('redis started again', async () => (await this.redisCli('ping')).includes('PONG'), 15_000, 100);
  }

  /** Everything down and removed; the logs copied to CHAOS_KEEP_LOGS first when set. */
  async down(): Promise<void> {
    await this.db?.end().catch(() => {});
    if (this.bridge.isHeld) {
      if (process.env.CHAOS_KEEP_LOGS) await copy(join(this.home, 'logs'), process.env.CHAOS_KEEP_LOGS, { recursive: true }).catch(() => {});
      await this.postgres.start().catch(() => {});
      await this.stop().catch((e) => console.error('platform cleanup', e));
      if (this.redisAgain && this.redisAgain.exitCode === null) this.redisAgain.kill('SIGKILL');
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
