import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { run, waitFor } from '../cluster/harness/exec.ts';
import { BRIDGE_ADDR } from '../cluster/harness/nodes.ts';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const PG = 'postgresql://postgres@127.0.0.1:5432';
const port = () => 20_000 + Math.floor(Math.random() * 20_000);

/**
 * The platform started the way the README's first command starts it (scripts/up.sh),
 * but private to one run: its own state dir, control-plane database, Redis server and
 * ports, without the local agent (the worker nodes run in namespaces).
 */
export class Platform {
  readonly id = randomBytes(4).toString('hex');
  readonly dbName = `slipway_e2e_${this.id}`;
  readonly apiPort = port();
  readonly routerPort = this.apiPort + 1;
  readonly redisPort = this.apiPort + 2;
  readonly adminPort = this.apiPort + 3;
  home = '';
  adminEmail = '';
  adminPassword = '';
  upOutput = '';
  private redis: ChildProcess | null = null;

  /** `pgServer`: a Postgres server URL without a database (default the machine's), e.g. a test's private one. */
  constructor(private readonly pgServer = PG) {}

  get apiUrl(): string {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  /** URL the agents in node namespaces use. */
  get agentApiUrl(): string {
    return `http://${BRIDGE_ADDR}:${this.apiPort}`;
  }

  env(): NodeJS.ProcessEnv {
    return {
      ...process.env, SLIPWAY_HOME: this.home, DATABASE_URL: `${this.pgServer}/${this.dbName}`, REDIS_URL: `redis://127.0.0.1:${this.redisPort}`,
      SLIPWAY_PROCESSES: 'api,builder,scheduler,router', ADDONS_PUBLIC_HOST: BRIDGE_ADDR, PORT: String(this.apiPort), HOST: '0.0.0.0', SLIPWAY_PUBLIC_URL: this.apiUrl,
      ROUTER_PORT: String(this.routerPort), ROUTER_ADMIN_PORT: String(this.adminPort), ROUTER_WORKERS: '1',
      SCHEDULER_TICK_MS: '1000', HEARTBEAT_TIMEOUT_MS: '4000', DRAIN_MS: '1500', LOG_LEVEL: 'info',
    };
  }

  async start(): Promise<void> {
    this.home = await mkdtemp(join(tmpdir(), 'slipway-e2e-'));
    // Builds, routes and queues stay apart from any other Slipway on this machine.
    this.redis = spawn('redis-server', ['--port', String(this.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor('private redis', async () => (await run('redis-cli', ['-p', String(this.redisPort), 'ping'], true)).includes('PONG'), 15_000);
    this.upOutput = await new Promise<string>((done, fail) => {
      const up = spawn('bash', [join(ROOT, 'scripts/up.sh')], { cwd: ROOT, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      up.stdout.on('data', (d: Buffer) => (out += d));
      up.stderr.on('data', (d: Buffer) => (out += d));
      const timer = setTimeout(() => up.kill('SIGKILL'), 240_000);
      up.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) done(out); else fail(new Error(`scripts/up.sh exited ${code}:\n${out}`));
      });
    });
    this.adminEmail = /email:\s*(\S+)/.exec(this.upOutput)?.[1] ?? '';
    this.adminPassword = /password:\s*(\S+)/.exec(this.upOutput)?.[1] ?? '';
    if (!this.adminPassword) throw new Error(`scripts/up.sh printed no administrator password:\n${this.upOutput}`);
  }

  async joinToken(): Promise<string> {
    const env = await readFile(join(this.home, 'slipway.env'), 'utf8');
    return /^SLIPWAY_JOIN_TOKEN=(\S+)$/m.exec(env)![1]!;
  }

  async log(name: string): Promise<string> {
    return readFile(join(this.home, 'logs', `${name}.log`), 'utf8').catch(() => '');
  }

  /** npm run down, then the private Redis, database and state dir. */
  async stop(): Promise<void> {
    // Only ever with our own SLIPWAY_HOME: without it down.sh would stop the machine's default install.
    if (this.home) await run('env', [`SLIPWAY_HOME=${this.home}`, 'bash', join(ROOT, 'scripts/down.sh')], true);
    if (this.redis && this.redis.exitCode === null) this.redis.kill('SIGKILL');
    const client = new pg.Client({ connectionString: `${this.pgServer}/postgres` });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${this.dbName}" WITH (FORCE)`);
    await client.end();
    if (this.home) await rm(this.home, { recursive: true, force: true });
  }
}
