import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { waitFor } from '../cluster/harness/exec.ts';
import { BridgeLease } from '../support/bridge-lease.ts';
import { Platform } from '../e2e/platform.ts';
import { User, viaRouter } from '../e2e/user.ts';
import { Workers } from '../e2e/workers.ts';

// Dokku-format health checks (app.json written as Dokku documents it) gate real deploys: the
// platform as scripts/up.sh starts it, one worker node with its own engine and agent, stock git
// pushes, requests through the router.
const platform = new Platform();
const bridge = new BridgeLease();
let workers: Workers | null = null;
let user: User;
let tmp = '';
let dir = '';
const APP = 'checks';

const push = () => user.exec('git', ['push', 'platform', 'main'], { cwd: dir, timeoutMs: 300_000 });
async function commit(file: string, edit: (text: string) => string, message: string): Promise<void> {
  const path = join(dir, file);
  await writeFile(path, edit(await readFile(path, 'utf8')));
  await user.exec('git', ['commit', '-qam', message], { cwd: dir });
}
const appJson = (edit: (a: { healthchecks: { web: Record<string, unknown>[] } }) => void) => (text: string) => {
  const a = JSON.parse(text);
  edit(a);
  return JSON.stringify(a, null, 2);
};
interface Row { name: string; state: string; healthy: boolean; ready: boolean; notReady: string | null; restarts: number; release: number; lastError: string | null }
/** The app's web instances of the release that serves after the refused deploys (v6), as `ps --json` lists them. */
const web = async () => (JSON.parse(await user.ok(['ps', '-a', APP, '--json'])) as { instances: Row[] }).instances.filter((i) => i.name.startsWith('web.') && i.release === 6);
/** How many backends of the app the router holds (its route table, as its admin stats count them). */
async function routerBackends(): Promise<number> {
  const res = await request(`http://127.0.0.1:${platform.adminPort}/stats`);
  const stats = (await res.body.json()) as { apps: Record<string, { backends: { total: number } }> };
  return stats.apps[APP]?.backends.total ?? 0;
}
/** `n` GETs of / through the router one after another: which instance answered each, and those that failed. */
async function steady(n: number): Promise<{ by: Map<string, number>; failed: string[] }> {
  const by = new Map<string, number>();
  const failed: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await viaRouter(platform.routerPort, APP, '/').catch((e: Error) => ({ status: 0, body: e.message }));
    const dyno = /on (web\.\d+)/.exec(r.body)?.[1];
    if (r.status !== 200 || !dyno) failed.push(`${r.status} ${r.body.trim()}`);
    else by.set(dyno, (by.get(dyno) ?? 0) + 1);
  }
  return { by, failed };
}

/** A refused deploy: the push fails naming the check's outcome, and the last good release keeps answering through the router. */
async function refused(out: string, version: number): Promise<void> {
  assert.match(out, new RegExp(`release v${version} failed: .*failed its health check or exited.*the previous release keeps serving`), out);
  const res = await viaRouter(platform.routerPort, APP, '/');
  assert.equal(res.status, 200);
  assert.match(res.body, /Hello from nodejs\/express/);
}

describe('Dokku-format health checks decide whether a deploy goes live', { timeout: 1_800_000 }, () => {
  before(async () => {
    await bridge.acquire(1_200_000);
    await platform.start();
    tmp = await mkdtemp(join(tmpdir(), 'slipway-apps-'));
    workers = new Workers(platform.agentApiUrl, await platform.joinToken(), join(platform.home, 'logs'), 1);
    await workers.create();
    dir = join(tmp, APP);
    user = new User(join(tmp, 'config'), dir);
    await cp(new URL('../fixtures/apps/dokku-checks/', import.meta.url), dir, { recursive: true });
    for (const args of [['init', '-q', '-b', 'main'], ['config', 'user.name', 'T'], ['config', 'user.email', 't@example.com'], ['add', '.'], ['commit', '-qm', 'first']]) {
      await user.exec('git', args, { cwd: dir });
    }
    await user.ok(['login', '--api', platform.apiUrl, '--email', platform.adminEmail, '--password', platform.adminPassword]);
    await user.ok(['apps:create', APP]);
    await user.ok(['git:remote', '-a', APP]);
    await waitFor('a ready node', async () => (JSON.parse(await user.ok(['nodes', '--json'])) as { status: string }[]).some((n) => n.status === 'ready'), 60_000, 1_000);
  });

  after(async () => {
    if (!bridge.isHeld) return;
    await platform.stop().catch((e) => console.error('platform cleanup', e));
    await workers?.destroy();
    await bridge.release();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('the checks as written deploy, and the build says what it checks', async () => {
    const r = await push();
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /web: startup check GET \/health\/ready expecting "ready", 2 attempts 1 s apart/);
    assert.match(r.out, /web: startup check runs \/bin\/sh -c test -n "\$PORT" expecting exit 0, 2 attempts 1 s apart/);
    assert.match(r.out, /web: liveness check GET \/health\/live, 2 attempts 1 s apart; keeps running, a failure restarts the instance/);
    assert.match(r.out, /web: readiness check GET \/health\/ready, 2 attempts 1 s apart; keeps running, a failure takes the instance out of the router until it passes/);
    assert.match(r.out, /v1 deployed to/);
    assert.match((await viaRouter(platform.routerPort, APP, '/')).body, /Hello from nodejs\/express/);
  });

  test('404 at the path refuses the deploy', async () => {
    await commit('app.json', appJson((a) => { a.healthchecks.web[0]!.path = '/health/missing'; }), 'check a missing path');
    const r = await push();
    assert.notEqual(r.code, 0, r.out);
    await refused(r.out, 2);
  });

  test('the wrong content refuses the deploy', async () => {
    await commit('app.json', appJson((a) => { a.healthchecks.web[0]!.path = '/health/ready'; a.healthchecks.web[0]!.content = 'nodejs/express'; }), 'expect other content');
    const r = await push();
    assert.notEqual(r.code, 0, r.out);
    await refused(r.out, 3);
  });

  test('a second startup check that fails (a command exiting 1) refuses the deploy though the first passes', async () => {
    await commit('app.json', appJson((a) => { a.healthchecks.web[0]!.content = 'ready'; a.healthchecks.web[1]!.command = ['/bin/sh', '-c', 'exit 1']; }), 'a command check that fails');
    const r = await push();
    assert.notEqual(r.code, 0, r.out);
    await refused(r.out, 4);
  });

  test('an app that exits at start is refused', async () => {
    await commit('app.json', appJson((a) => { a.healthchecks.web[1]!.command = ['/bin/sh', '-c', 'test -n "$PORT"']; }), 'checks fixed');
    await commit('index.js', (t) => `process.exit(1);\n${t}`, 'crash at start');
    const r = await push();
    assert.notEqual(r.code, 0, r.out);
    await refused(r.out, 5);
  });

  test('the same app fixed deploys', async () => {
    await commit('index.js', (t) => t.replace('process.exit(1);\n', ''), 'no crash');
    const r = await push();
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /v6 deployed to/);
  });

  test('readiness: an instance failing its readiness check leaves the router (0 failed requests while it is out) and returns when it passes', async () => {
    await user.ok(['ps:scale', 'web=2', '-a', APP]);
    await waitFor('two web instances up and ready', async () => (await web()).filter((i) => i.state === 'running' && i.ready).length === 2, 120_000, 1_000);
    await waitFor('the router holding both', async () => (await routerBackends()) === 2, 60_000, 500);
    // The instance told to fail answers its readiness path and its pages with 503 for 25 s, as an app that lost its database would.
    const toggled = await viaRouter(platform.routerPort, APP, '/toggle?seconds=25', { method: 'POST' });
    assert.equal(toggled.status, 200, toggled.body);
    const out = /^(web\.\d+) not ready/.exec(toggled.body)?.[1];
    assert.ok(out, toggled.body);
    const row = await waitFor('ps showing it not ready, and why', async () => (await web()).find((i) => i.name === out && !i.ready) ?? null, 60_000, 500);
    assert.equal(row.notReady, 'GET /health/ready returned 503');
    assert.equal(row.state, 'running', 'not ready is not a crash');
    assert.match(await user.ok(['ps', '-a', APP]), new RegExp(`^${out.replace('.', '\\.')}: up .* healthy \\(not ready: GET /health/ready returned 503\\) restarts 0`, 'm'));
    await waitFor('the router dropping it', async () => (await routerBackends()) === 1, 30_000, 200);
    // While it is out: every request answers, none from the instance that is not ready.
    const served = await steady(40);
    assert.deepEqual(served.failed, [], 'no request failed while it was out of rotation');
    assert.equal(served.by.get(out) ?? 0, 0, 'the not-ready instance got no request');
    // Its readiness path passes again: it returns to the rotation without a restart.
    await waitFor('ps showing it ready again', async () => (await web()).find((i) => i.name === out)?.ready === true, 90_000, 500);
    await waitFor('the router holding both again', async () => (await routerBackends()) === 2, 30_000, 200);
    const back = await steady(20);
    assert.deepEqual(back.failed, []);
    assert.ok((back.by.get(out) ?? 0) > 0, 'it serves again');
    assert.equal((await web()).find((i) => i.name === out)?.restarts, 0);
  });

  test('liveness: a wedged instance (it accepts TCP, its liveness path hangs) is restarted and serves again', async () => {
    const wedged = await viaRouter(platform.routerPort, APP, '/wedge');
    assert.equal(wedged.status, 200);
    const name = /^(web\.\d+) wedged/.exec(wedged.body)?.[1];
    assert.ok(name, wedged.body);
    const before = (await web()).find((i) => i.name === name)!;
    const after = await waitFor('the wedged instance restarted and healthy again', async () => {
      const now = (await web()).find((i) => i.name === name);
      return now !== undefined && now.restarts > before.restarts && now.state === 'running' && now.healthy ? now : null;
    }, 90_000, 1_000);
    assert.equal(after.lastError, 'failed its liveness check alive: GET /health/live timed out after 1 s');
    const res = await waitFor('the app answering through the router', async () => {
      const r = await viaRouter(platform.routerPort, APP, '/health/live').catch(() => null);
      return r?.status === 200 ? r : null;
    }, 30_000, 500);
    assert.match(res.body, /alive/);
  });

  test('an invalid app.json fails the push naming the field, before anything is built', async () => {
    await commit('app.json', appJson((a) => { a.healthchecks.web[0]!.attempts = 0; }), 'invalid attempts');
    const r = await push();
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /app\.json: healthchecks\.web\[0\]\.attempts must be a positive integer/);
    assert.doesNotMatch(r.out, /Rolling out/);
  });
});
