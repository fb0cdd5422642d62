import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { removeBuiltImages } from '../../support/built-images.ts';
import { request } from 'undici';
import { BridgeLease } from '../../support/bridge-lease.ts';
import { client } from '../../support/api-server.ts';
import { Platform, ROOT } from '../../e2e/platform.ts';
import { Workers } from '../../e2e/workers.ts';
import { User, type Result } from '../../e2e/user.ts';

/** One ordinary user of the platform with a personal team of their own, as an attacker or a victim. */
export interface Tenant {
  email: string;
  password: string;
  /** A `global` API token (what `slipway login` stores). */
  token: string;
  /** Their personal team, which owns the apps they create. */
  team: string;
  /** Their own shell: the CLI with its own config dir, stock git. */
  shell: User;
  /** Raw HTTP to the API with their token. */
  api: ReturnType<typeof client>;
  /** A folder of their own for app checkouts. */
  home: string;
}

/** A tiny Node app on the stack (no dependencies, so no npm install), answering `<mark> <DYNO>`. */
export const helloApp = (mark: string): Record<string, string> => ({
  'package.json': JSON.stringify({ name: 'hello', version: '1.0.0', private: true, scripts: { start: 'node server.js' } }),
  'server.js': [
    "const http = require('node:http');",
    `http.createServer((req, res) => res.end(${JSON.stringify(mark)} + ' ' + process.env.DYNO + '\\n')).listen(Number(process.env.PORT || 5000));`,
  ].join('\n'),
});

/**
 * A fresh platform as an outsider finds it (scripts/up.sh, three worker nodes in their own
 * namespaces), and two ordinary users of different teams, alice and bob, made by the
 * administrator. Suites attack it only from outside: the CLI, git, HTTP to the API and the
 * router, and what an app's own container can do.
 */
export class Outsiders {
  readonly platform = new Platform();
  private readonly bridge = new BridgeLease();
  workers: Workers | null = null;
  tmp = '';
  adminToken = '';
  alice!: Tenant;
  bob!: Tenant;
  private readonly startedSec = Math.floor(Date.now() / 1000) - 1;
  private readonly apps = new Set<string>();

  async start(): Promise<void> {
    await this.bridge.acquire(900_000);
    await this.platform.start();
    this.workers = new Workers(this.platform.agentApiUrl, await this.platform.joinToken(), join(this.platform.home, 'logs'));
    await this.workers.create();
    this.tmp = await mkdtemp(join(tmpdir(), 'slipway-outsider-'));
    this.adminToken = await this.login(this.platform.adminEmail, this.platform.adminPassword);
    this.alice = await this.tenant('alice');
    this.bob = await this.tenant('bob');
  }

  async stop(): Promise<void> {
    if (!this.bridge.isHeld) return;
    await this.platform.stop().catch((e) => console.error('platform cleanup', e));
    await this.workers?.destroy();
    await this.bridge.release();
    await removeBuiltImages(this.apps, this.startedSec);
    if (this.tmp) await rm(this.tmp, { recursive: true, force: true });
  }

  /** Raw HTTP to the API as the administrator. */
  get admin(): ReturnType<typeof client> {
    return client(this.platform.apiUrl, this.adminToken);
  }

  /** Raw HTTP to the API with no credentials, or with the given headers only. */
  get anonymous(): ReturnType<typeof client> {
    return client(this.platform.apiUrl);
  }

  /** A unique app name for this run (names are platform-wide). */
  appName(base: string): string {
    const name = `${base}-${randomBytes(2).toString('hex')}`;
    this.apps.add(name);
    return name;
  }

  /** Creates the app as `t` (CLI), commits `files` into a new repo and pushes it with stock git. */
  async deploy(t: Tenant, app: string, files: Record<string, string>, timeoutMs = 360_000): Promise<Result> {
    this.apps.add(app);
    await t.shell.ok(['apps:create', app]);
    const dir = join(t.home, app);
    await writeFiles(dir, files);
    for (const args of [['init', '-q', '-b', 'main'], ['add', '.'], ['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-qm', 'first']]) {
      await t.shell.exec('git', args, { cwd: dir });
    }
    const remote = await t.shell.exec(process.execPath, [join(ROOT, 'apps/cli/bin/slipway.js'), 'git:remote', '-a', app], { cwd: dir });
    if (remote.code !== 0) throw new Error(`git:remote failed: ${remote.out}`);
    return this.push(t, app, timeoutMs);
  }

  /** Pushes the app's checkout again (after the caller changed and committed files in `dir(t, app)`). */
  push(t: Tenant, app: string, timeoutMs = 360_000): Promise<Result> {
    return t.shell.exec('git', ['push', 'platform', 'main'], { cwd: this.dir(t, app), timeoutMs });
  }

  dir(t: Tenant, app: string): string {
    return join(t.home, app);
  }

  /** HTTP through the edge router with any Host header (a hostname, an IP literal, or none of ours). */
  async viaRouter(host: string, path = '/', headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    const res = await request(`http://127.0.0.1:${this.platform.routerPort}${path}`, {
      headers: { host, ...headers }, headersTimeout: 10_000, bodyTimeout: 10_000,
    });
    return { status: res.statusCode, body: await res.body.text() };
  }

  private async login(email: string, password: string): Promise<string> {
    const res = await client(this.platform.apiUrl)('POST', '/v1/login', { email, password, tokenDescription: 'outsider suite' });
    if (res.status !== 200) throw new Error(`login of ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token as string;
  }

  private async tenant(name: string): Promise<Tenant> {
    const email = `${name}-${randomBytes(3).toString('hex')}@example.test`;
    const password = randomBytes(12).toString('base64url');
    const made = await this.admin('POST', '/v1/users', { email, password });
    if (made.status !== 201) throw new Error(`creating ${email} failed: ${made.status} ${JSON.stringify(made.body)}`);
    const home = join(this.tmp, name);
    await mkdir(home, { recursive: true });
    const shell = new User(join(home, '.config'), home);
    await shell.ok(['login', '--api', this.platform.apiUrl, '--email', email, '--password', password]);
    const token = await this.login(email, password);
    const api = client(this.platform.apiUrl, token);
    const account = await api('GET', '/v1/account');
    const team = (account.body.teams as { name: string; role: string }[]).find((m) => m.role === 'owner')!.name;
    return { email, password, token, team, shell, api, home };
  }
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}
