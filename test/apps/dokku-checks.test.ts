import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    assert.match(r.out, /web: readiness check "ready" is not run yet/);
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

  test('liveness: a wedged instance is restarted and serves again', async () => {
    interface Row { name: string; state: string; healthy: boolean; restarts: number; release: number }
    const web = async () => (JSON.parse(await user.ok(['ps', '-a', APP, '--json'])) as { instances: Row[] }).instances.filter((i) => i.name.startsWith('web.') && i.release === 6);
    const before = (await web()).find((i) => i.state === 'running')!;
    assert.equal((await viaRouter(platform.routerPort, APP, '/wedge')).status, 200);
    await waitFor('the wedged instance restarted and healthy again', async () => {
      const now = (await web()).find((i) => i.name === before.name);
      return now !== undefined && now.restarts > before.restarts && now.state === 'running' && now.healthy;
    }, 90_000, 1_000);
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
