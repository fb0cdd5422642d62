import { spawn } from 'node:child_process';
import { cp as copy, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeBuiltImages } from '../support/built-images.ts';
import { TestNode } from '../cluster/harness/nodes.ts';
import { waitFor } from '../cluster/harness/exec.ts';
import { BridgeLease } from '../support/bridge-lease.ts';
import { Platform, ROOT } from '../e2e/platform.ts';
import { Workers } from '../e2e/workers.ts';
import { User, type Result } from '../e2e/user.ts';

/** One worker node (own namespace, engine and agent): enough for one-off and rollout tests. */
class OneWorker extends Workers {
  override readonly nodes = [new TestNode('n1', 1)];
}

/** The platform as scripts/up.sh starts it, with a short release-phase timeout for the tests that need one. */
class ReleasePlatform extends Platform {
  constructor(private readonly extraEnv: Record<string, string>) {
    super();
  }

  override env(): NodeJS.ProcessEnv {
    return { ...super.env(), ...this.extraEnv };
  }
}

/**
 * The lightest whole platform that runs a release phase for real: api, builder, scheduler and
 * router from scripts/up.sh (with the add-on servers), one worker node in a network namespace,
 * and a user with the CLI and stock git, logged in as the administrator.
 */
export class ReleaseHarness {
  readonly platform: ReleasePlatform;
  readonly bridge = new BridgeLease();
  workers: OneWorker | null = null;
  user!: User;
  tmp = '';
  private readonly startedSec = Math.floor(Date.now() / 1000) - 1;
  private readonly apps: string[] = [];

  constructor(env: Record<string, string> = {}) {
    this.platform = new ReleasePlatform(env);
  }

  async start(): Promise<void> {
    await this.bridge.acquire(900_000);
    await this.platform.start();
    this.workers = new OneWorker(this.platform.agentApiUrl, await this.platform.joinToken(), join(this.platform.home, 'logs'));
    await this.workers.create();
    this.tmp = await mkdtemp(join(tmpdir(), 'slipway-apps-'));
    this.user = new User(join(this.tmp, 'config'), this.tmp);
    await this.user.ok(['login', '--api', this.platform.apiUrl, '--email', this.platform.adminEmail, '--password', this.platform.adminPassword]);
    await waitFor('the worker node ready', async () => (JSON.parse(await this.user.ok(['nodes', '--json'])) as { status: string }[]).some((n) => n.status === 'ready'), 60_000, 1_000);
  }

  /** A git repo of the fixture test/fixtures/apps/<fixture>, committed, with an app and its git remote. */
  async app(fixture: string, name: string): Promise<string> {
    const dir = join(this.tmp, name);
    await copy(join(ROOT, 'test/fixtures/apps', fixture), dir, { recursive: true });
    for (const args of [['init', '-q', '-b', 'main'], ['config', 'user.name', 'Tester'], ['config', 'user.email', 'tester@example.com'], ['add', '.'], ['commit', '-qm', 'first version']]) {
      await this.user.exec('git', args, { cwd: dir });
    }
    await this.user.ok(['apps:create', name]);
    await this.user.exec(process.execPath, [join(ROOT, 'apps/cli/bin/slipway.js'), 'git:remote', '-a', name], { cwd: dir });
    this.apps.push(name);
    return dir;
  }

  /** Commits everything changed in `dir`. */
  async commit(dir: string, message: string): Promise<void> {
    await this.user.exec('git', ['commit', '-qam', message], { cwd: dir });
  }

  /**
   * `git push platform main`, timed: `seconds` in all, and `secondsAfter(text)` from the moment
   * the output first showed `text` to the end (e.g. from "Rolling out" to the failure).
   */
  push(dir: string): Promise<Result & { seconds: number; secondsAfter: (text: string) => number }> {
    const t0 = Date.now();
    const chunks: { at: number; text: string }[] = [];
    return new Promise((resolve) => {
      const child = spawn('git', ['push', 'platform', 'main'], { cwd: dir, env: this.user.env(), stdio: ['ignore', 'pipe', 'pipe'] });
      const take = (d: Buffer) => chunks.push({ at: Date.now(), text: d.toString() });
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const end = Date.now();
        const out = chunks.map((c) => c.text).join('');
        const secondsAfter = (text: string) => {
          let seen = '';
          const hit = chunks.find((c) => (seen += c.text).includes(text));
          return hit ? (end - hit.at) / 1000 : NaN;
        };
        resolve({ code: code ?? (signal ? 128 : 1), out, seconds: (end - t0) / 1000, secondsAfter });
      });
    });
  }

  async stop(): Promise<void> {
    if (!this.bridge.isHeld) return;
    await this.platform.stop().catch((e) => console.error('platform cleanup', e));
    await this.workers?.destroy();
    await this.bridge.release();
    await removeBuiltImages(this.apps, this.startedSec);
    if (this.tmp) await rm(this.tmp, { recursive: true, force: true });
  }
}
