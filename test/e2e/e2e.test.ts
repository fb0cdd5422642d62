import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { access, cp as copy, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import pg from 'pg';
import { spawn } from 'node:child_process';
import { waitFor, sleep } from '../cluster/harness/exec.ts';
import { BridgeLease } from '../support/bridge-lease.ts';
import { removeBuiltImages } from '../support/built-images.ts';
import { Platform, ROOT } from './platform.ts';
import { Workers } from './workers.ts';
import { User, viaRouter } from './user.ts';
import { Load } from './load.ts';
import { echo, echoOnce, openSocket } from './websocket.ts';

// The mission as a new user sees it (issue 10): the platform started by scripts/up.sh,
// three worker nodes in their own namespaces, then only the CLI, git and HTTP through the router.
const platform = new Platform();
const bridge = new BridgeLease();
let workers: Workers | null = null;
let user: User;
let shopDir = '';
let echoDir = '';
let tmp = '';
const startedSec = Math.floor(Date.now() / 1000) - 1;

interface Instance { name: string; state: string; healthy: boolean; node: string | null; release: number }
const instances = async (app: string) => (JSON.parse(await user.ok(['ps', '-a', app, '--json'])) as { instances: Instance[] }).instances;
const runningOn = async (app: string, release: number) => {
  const rows = (await instances(app)).filter((i) => i.state === 'running' && i.healthy && i.release === release);
  return rows.map((r) => r.node!).sort();
};
const managed = async (docker: Docker, app: string) => docker.listContainers({ all: true, filters: { label: ['io.slipway.managed=1', `io.slipway.app=${app}`] } });

async function setCode(dir: string, file: string, from: RegExp, to: string, message: string): Promise<void> {
  const path = join(dir, file);
  await writeFile(path, (await readFile(path, 'utf8')).replace(from, to));
  await user.exec('git', ['commit', '-qam', message], { cwd: dir });
}
const push = (dir: string) => user.exec('git', ['push', 'platform', 'main'], { cwd: dir, timeoutMs: 360_000 });

describe('end to end: from git push to a live URL with a database, on three nodes', { timeout: 1_200_000 }, () => {
  before(async () => {
    await bridge.acquire(600_000);
    await platform.start();
    workers = new Workers(platform.agentApiUrl, await platform.joinToken(), join(platform.home, 'logs'));
    await workers.create();
    tmp = await mkdtemp(join(tmpdir(), 'slipway-e2e-user-'));
    shopDir = join(tmp, 'shop');
    echoDir = join(tmp, 'echo');
    user = new User(join(tmp, 'config'), shopDir);
    const gitEnv = ['-c', 'user.name=E2E', '-c', 'user.email=e2e@example.com'];
    for (const [dir, fixture] of [[shopDir, 'shop'], [echoDir, 'echo']] as const) {
      await copy(new URL(`./fixtures/${fixture}/`, import.meta.url), dir, { recursive: true });
      await user.exec('git', ['init', '-q', '-b', 'main'], { cwd: dir });
      await user.exec('git', ['config', 'user.name', 'E2E'], { cwd: dir });
      await user.exec('git', ['config', 'user.email', 'e2e@example.com'], { cwd: dir });
      await user.exec('git', [...gitEnv, 'add', '.'], { cwd: dir });
      await user.exec('git', ['commit', '-qm', 'first version'], { cwd: dir });
    }
    user.transcript.length = 0;
  });

  after(async () => {
    if (!bridge.isHeld) return;
    if (process.env.E2E_TRANSCRIPT && user) await writeFile(process.env.E2E_TRANSCRIPT, JSON.stringify({ up: platform.upOutput, steps: user.transcript }, null, 1));
    // The platform's and agents' logs, kept to find what a failed run's processes did.
    if (process.env.E2E_KEEP_LOGS) await copy(join(platform.home, 'logs'), process.env.E2E_KEEP_LOGS, { recursive: true }).catch(() => {});
    await platform.stop().catch((e) => console.error('platform cleanup', e));
    await workers?.destroy();
    await bridge.release();
    // Every image this run built (build and vN tags share an id), whatever step failed.
    await removeBuiltImages(['shop', 'echo'], startedSec);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('1. login, apps:create shop, git:remote', async () => {
    await user.ok(['login', '--api', platform.apiUrl, '--email', platform.adminEmail, '--password', platform.adminPassword], 60_000,
      `login --api ${platform.apiUrl} --email ${platform.adminEmail} --password '…'`);
    assert.match(await user.ok(['apps:create', 'shop']), /shop/);
    assert.match(await user.ok(['git:remote', '-a', 'shop']), /platform/);
    await waitFor('three ready nodes', async () => {
      const nodes = JSON.parse(await user.ok(['nodes', '--json'])) as { status: string }[];
      return nodes.filter((n) => n.status === 'ready').length === 3;
    }, 60_000, 1_000);
  });

  test('2. git push builds with npm ci, streams the build and ends with the URL', async () => {
    const r = await push(shopDir);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /npm ci|added \d+ packages/);
    assert.match(r.out, new RegExp(`deployed to http://shop\\.slipway\\.localhost:${platform.routerPort}/`));
    const res = await viaRouter(platform.routerPort, 'shop');
    assert.equal(res.status, 200);
    assert.match(res.body, /^v1 web\.1 /);
  });

  test('3. addons:create postgres: a new release carries DATABASE_URL and /items reads and writes rows', async () => {
    await user.ok(['addons:create', 'postgres', '-a', 'shop'], 240_000);
    await waitFor('v2 (the attachment) serving', async () => (await runningOn('shop', 2)).length === 1, 120_000, 1_000);
    assert.match(await user.ok(['config', '-a', 'shop']), /DATABASE_URL/);
    const created = await waitFor('a row written through the router', async () => {
      const r = await viaRouter(platform.routerPort, 'shop', '/items', { method: 'POST', body: JSON.stringify({ name: 'teapot' }) });
      return r.status === 201 ? r : null;
    }, 30_000, 500);
    assert.match(created.body, /"name":"teapot"/);
    const list = await viaRouter(platform.routerPort, 'shop', '/items');
    assert.deepEqual((JSON.parse(list.body) as { name: string }[]).map((i) => i.name), ['teapot']);
  });

  test('4. ps:scale web=3 puts one instance on each node and requests reach all three', async () => {
    await user.ok(['ps:scale', 'web=3', '-a', 'shop']);
    const nodes = await waitFor('three healthy instances', async () => {
      const on = await runningOn('shop', 2);
      return on.length === 3 ? on : null;
    }, 120_000, 1_000);
    assert.deepEqual(nodes, ['n1', 'n2', 'n3']);
    const dynos = new Set<string>();
    await waitFor('answers from web.1, web.2 and web.3', async () => {
      const r = await viaRouter(platform.routerPort, 'shop');
      dynos.add(r.body.split(' ')[1]!);
      return dynos.size === 3;
    }, 30_000, 20);
    for (const w of workers!.nodes) assert.equal((await managed(w.docker, 'shop')).length, 1, `one container on ${w.name}`);
    const ps = await user.ok(['ps', '-a', 'shop']);
    for (const n of ['n1', 'n2', 'n3']) assert.match(ps, new RegExp(`^web\\.\\d: up \\S+ \\(v2\\) node ${n} healthy \\(ready\\) restarts 0( mem \\d+/512 MB)?$`, 'm'));
  });

  test('5. a deploy under load while a node dies mid-rollout: zero failed requests; v3 on the live nodes, spread again when it returns', async () => {
    const load = new Load(platform.routerPort, 'shop');
    load.start(4, 400_000);
    let victim = '';
    try {
      await setCode(shopDir, 'server.js', /const CODE = '[^']*';/, "const CODE = 'v3';", 'v3: a code change');
      const pushing = push(shopDir);
      // The node dies in the middle of the rollout, taking a new v3 instance with it while v2 ones still serve.
      victim = await waitFor('a healthy v3 instance on n2 or n3 while v2 still runs', async () => {
        const live = (await instances('shop')).filter((i) => i.state === 'running');
        const v3 = live.find((i) => i.release === 3 && i.healthy && i.node !== 'n1');
        return v3 && live.some((i) => i.release === 2) ? v3.node : null;
      }, 300_000, 200);
      await workers!.kill(victim);
      const r = await pushing;
      assert.equal(r.code, 0, r.out);
      const nodes = await waitFor(`three v3 instances on the nodes left`, async () => {
        const on = await runningOn('shop', 3);
        return on.length === 3 && on.every((n) => n !== victim) ? on : null;
      }, 120_000, 1_000);
      assert.deepEqual([...new Set(nodes)], ['n1', 'n2', 'n3'].filter((n) => n !== victim));
      await sleep(3_000);
    } finally {
      await load.stop();
    }
    assert.deepEqual(load.failed.slice(0, 5), [], `${load.failed.length} of ${load.ok + load.failed.length} requests failed`);
    assert.ok((load.marks.get('v1') ?? 0) > 0 && (load.marks.get('v3') ?? 0) > 0, JSON.stringify([...load.marks]));
    console.log(`# step 5: ${load.ok} requests through the router during the deploy and the loss of ${victim}, ${load.failed.length} failed`);
    await workers!.restart(victim);
    await waitFor(`${victim} ready again`, async () => (JSON.parse(await user.ok(['nodes', '--json'])) as { name: string; status: string }[]).some((n) => n.name === victim && n.status === 'ready'), 60_000, 1_000);
    await waitFor('v3 spread over n1, n2 and n3 again', async () => {
      const on = (await instances('shop')).filter((i) => i.state !== 'stopped' && i.state !== 'draining');
      return on.length === 3 && on.every((i) => i.release === 3 && i.healthy) && new Set(on.map((i) => i.node)).size === 3;
    }, 120_000, 1_000);
  });

  test('6. a push whose health check fails exits non-zero and v3 keeps serving', async () => {
    await setCode(shopDir, 'server.js', /const HEALTH = \d+;/, 'const HEALTH = 500;', 'broken health check');
    const r = await push(shopDir);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /health|failed/i);
    const res = await viaRouter(platform.routerPort, 'shop');
    assert.match(res.body, /^v3 /);
    await setCode(shopDir, 'server.js', /const HEALTH = \d+;/, 'const HEALTH = 200;', 'health check fixed');
  });

  test('7. rollback, logs -t, run', async () => {
    const releases = await user.ok(['releases', '-a', 'shop']);
    assert.match(releases, /v4/);
    assert.match(await user.ok(['rollback', 'v2', '-a', 'shop'], 240_000), /v5|rolled back|Rolled back/i);
    const on = await waitFor('rollback (v5) on three nodes', async () => {
      const v5 = await runningOn('shop', 5);
      return v5.length === 3 && new Set(v5).size === 3 ? v5 : null;
    }, 120_000, 1_000);
    assert.deepEqual(on, ['n1', 'n2', 'n3']);
    assert.match((await viaRouter(platform.routerPort, 'shop')).body, /^v1 /);

  });

  test('7b. logs -t shows a request line as it happens; run prints the DATABASE_URL host', async () => {
    const tail = spawn(process.execPath, [join(ROOT, 'apps/cli/bin/slipway.js'), 'logs', '-t', '-n', '1', '-a', 'shop'], { env: user.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    tail.stdout.on('data', (d: Buffer) => (out += d));
    const killer = setTimeout(() => tail.kill('SIGKILL'), 60_000);
    try {
      await sleep(2_000);
      const probe = randomBytes(6).toString('hex');
      const sent = Date.now();
      assert.equal((await viaRouter(platform.routerPort, 'shop', `/?probe=${probe}`)).status, 200);
      await waitFor('the request line in logs -t', async () => out.includes(probe), 15_000, 20);
      console.log(`# logs -t: request line shown ${Date.now() - sent} ms after the request`);
      user.transcript.push({ cmd: 'slipway logs -t -a shop', out: out.split('\n').filter((l) => l.includes(probe)).join('\n') });
    } finally {
      clearTimeout(killer);
      tail.kill('SIGTERM');
    }
    // A command that exits at once still prints everything: its exit is reported after its last line.
    const run = await user.ok(['run', '-a', 'shop', '--', 'node', '-e', 'console.log(new URL(process.env.DATABASE_URL).hostname)'], 120_000,
      `run -a shop -- node -e "console.log(new URL(process.env.DATABASE_URL).hostname)"`);
    assert.match(run, /^10\.231\.0\.1$/m);
  });

  test('8. a WebSocket app answers echo through the router across a redeploy', async () => {
    await user.ok(['apps:create', 'echo']);
    await user.exec(process.execPath, [join(ROOT, 'apps/cli/bin/slipway.js'), 'git:remote', '-a', 'echo'], { cwd: echoDir, shown: 'slipway git:remote -a echo' });
    const first = await push(echoDir);
    assert.equal(first.code, 0, first.out);
    const ws = await openSocket(platform.routerPort, 'echo');
    assert.equal(await echo(ws, 'hello'), 'e1:hello');
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    await setCode(echoDir, 'server.js', /const CODE = '[^']*';/, "const CODE = 'e2';", 'e2');
    const second = await push(echoDir);
    assert.equal(second.code, 0, second.out);
    assert.equal(await echoOnce(platform.routerPort, 'echo', 'again'), 'e2:again', 'a new socket reaches the new release at once');
    const code = await Promise.race([closed, sleep(20_000).then(() => -1)]);
    assert.ok([1000, 1001, 1005, 1006].includes(code), `old socket closed with ${code}`);
    ws.terminate();
  });

  test('9. apps:destroy removes containers on every node, the route, the images, the git repo and the add-on database', async () => {
    const databaseUrl = new URL((await user.ok(['config:get', 'DATABASE_URL', '-a', 'shop'])).trim());
    const repo = join(platform.home, 'repos', 'shop.git');
    await access(repo);
    await user.ok(['apps:destroy', '-a', 'shop', '--confirm', 'shop'], 120_000);
    await waitFor('no shop containers on any node', async () => {
      for (const w of workers!.nodes) if ((await managed(w.docker, 'shop')).length) return false;
      return true;
    }, 60_000, 1_000);
    const gone = await waitFor('the host unknown to the router', async () => {
      const r = await viaRouter(platform.routerPort, 'shop');
      return r.status === 404 ? r : null;
    }, 15_000, 500);
    assert.match(gone.body, /No such app/);
    const leftImages = async () => {
      const left: string[] = [];
      for (const [where, docker] of [['control plane', new Docker()], ...workers!.nodes.map((w) => [w.name, w.docker])] as [string, Docker][]) {
        // Only this run's: the engine is shared, and an interrupted earlier run may have left its own shop images.
        for (const i of (await docker.listImages({ filters: { label: ['slipway.app=shop'] } })).filter((i) => i.Created >= startedSec)) left.push(`${where}: ${i.Id.slice(7, 19)} ${(i.RepoTags ?? []).join(',')} ${JSON.stringify(i.Labels)}`);
      }
      return left;
    };
    await waitFor('no shop images on the control plane or any node', async () => (await leftImages()).length === 0, 60_000, 1_000)
      .catch(async (err: Error) => { throw new Error(`${err.message}; left:\n${(await leftImages()).join('\n')}`); });
    await assert.rejects(access(repo), 'the git repository is deleted');
    // The add-on's database and role are gone: its own credentials no longer log in.
    const db = new pg.Client({ connectionString: databaseUrl.href, connectionTimeoutMillis: 5_000 });
    await assert.rejects(db.connect(), /does not exist|authentication failed/);
    await db.end().catch(() => {});
  });
});
