import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp as copy, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor, sleep } from '../cluster/harness/exec.ts';
import { removeBuiltImages } from '../support/built-images.ts';
import { User, viaRouter } from '../e2e/user.ts';
import { Load } from '../e2e/load.ts';
import { ChaosPlatform, containerStarts } from './chaos-platform.ts';

// Issue 16: the platform (scripts/up.sh) on a Postgres cluster and Redis server of its own, three worker nodes,
// two apps under load through the router. One platform for both drills, one after the other: the control-plane
// database stops for 20 s, then Redis restarts empty while a build runs. Only loopback and slw0 traffic.
const OUTAGE_MS = 20_000;
/** The bound the platform converges within once a dependency is back: every node heard again (heartbeat 0.5 s, timeout 4 s). */
const CONVERGE_MS = 30_000;
const APPS = ['shop', 'echo'];
const startedSec = Math.floor(Date.now() / 1000) - 1;
let platform: ChaosPlatform;
let tmp = '';
let user: User;
const users = new Map<string, User>();

interface InstanceRow { id: string; app: string; node: string | null; restarts: number; containerId: string | null; state: string }
/** The apps' instance rows: a restart (restarts, container) or a move (node) changes them. */
const instanceRows = async () => (await platform.query<InstanceRow>(
  `SELECT i.id, a.name AS app, n.name AS node, i.restarts, i."containerId", i.state FROM "Instance" i JOIN "App" a ON a.id = i."appId" LEFT JOIN "Node" n ON n.id = i."nodeId" WHERE a.name = ANY($1) AND i.type = 'web' ORDER BY i.id`, [APPS],
)).map((r) => `${r.app} ${r.id} ${r.node} restarts=${r.restarts} ${r.containerId?.slice(0, 12)} ${r.state}`);
const healthz = async () => {
  const r = await fetch(`${platform.apiUrl}/healthz`).catch(() => null);
  return r ? { status: r.status, body: (await r.json()) as Record<string, unknown>, retryAfter: r.headers.get('retry-after') } : null;
};
/** Nodes that are ready and were heard after `since` (read from the database: the CLI is slow on a loaded machine). */
const nodesHeardSince = async (since: number) =>
  (await platform.query<{ name: string }>(`SELECT name FROM "Node" WHERE status = 'ready' AND "lastHeartbeatAt" > $1`, [new Date(since)])).length;
const releaseCount = async () => (await platform.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Release"`))[0]!.n;
/** Scheduler log lines marking a node down, from `since` on. */
const markedDown = async (since: number) => (await platform.log('scheduler')).split('\n').filter((l) => /marked down/.test(l) && (JSON.parse(l) as { time: number }).time >= since);

async function appFrom(fixture: string, name: string): Promise<User> {
  const dir = join(tmp, name);
  await copy(new URL(`../e2e/fixtures/${fixture}/`, import.meta.url), dir, { recursive: true });
  const u = new User(join(tmp, 'config'), dir);
  for (const args of [['init', '-q', '-b', 'main'], ['config', 'user.name', 'Chaos'], ['config', 'user.email', 'chaos@example.com'], ['add', '.'], ['commit', '-qm', 'v1']]) await u.gitOk(...args);
  await u.ok(['apps:create', name]);
  await u.ok(['git:remote', '-a', name]);
  users.set(name, u);
  return u;
}

/** Load on both apps; returns a stop that reports every failure. */
function loadBoth(): { stop: () => Promise<{ ok: number; failed: string[] }> } {
  const loads = APPS.map((app) => new Load(platform.routerPort, app));
  for (const l of loads) l.start(2, 300_000);
  return {
    stop: async () => {
      await Promise.all(loads.map((l) => l.stop()));
      return { ok: loads.reduce((n, l) => n + l.ok, 0), failed: loads.flatMap((l, i) => l.failed.map((f) => `${APPS[i]}: ${f}`)) };
    },
  };
}

describe('chaos: Postgres stops for 20 s, then Redis restarts empty mid-build', { timeout: 1_200_000 }, () => {
  before(async () => {
    platform = await ChaosPlatform.create();
    await platform.up();
    tmp = await mkdtemp(join(tmpdir(), 'slipway-chaos-'));
    user = new User(join(tmp, 'config'), tmp);
    await user.ok(['login', '--api', platform.apiUrl, '--email', platform.adminEmail, '--password', platform.adminPassword]);
    const [shop, echo] = [await appFrom('shop', 'shop'), await appFrom('echo', 'echo')];
    await waitFor('three ready nodes', async () => (await nodesHeardSince(0)) === 3, 60_000, 1_000);
    // Both builds at once (the builder runs two): the drills need the apps, not their build times.
    const pushes = await Promise.all([shop.git(['push', 'platform', 'main'], 480_000), echo.git(['push', 'platform', 'main'], 480_000)]);
    for (const p of pushes) assert.equal(p.code, 0, p.out);
    await user.ok(['ps:scale', 'web=3', '-a', 'shop']);
    await user.ok(['ps:scale', 'web=2', '-a', 'echo']);
    await waitFor('shop on three nodes and echo on two, all healthy', async () => {
      const rows = await platform.query<{ app: string; node: string }>(
        `SELECT a.name AS app, n.name AS node FROM "Instance" i JOIN "App" a ON a.id = i."appId" JOIN "Node" n ON n.id = i."nodeId" WHERE i.state = 'running' AND i.healthy AND i.type = 'web'`);
      const on = (app: string) => new Set(rows.filter((r) => r.app === app).map((r) => r.node));
      return rows.length === 5 && on('shop').size === 3 && on('echo').size === 2;
    }, 180_000, 1_000);
    await sleep(3_000); // the routers have them all
  });

  after(async () => {
    await platform?.down();
    await removeBuiltImages(['shop', 'echo', 'late'], startedSec).catch(() => {});
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('Postgres stops for 20 s: no request fails, nothing restarts or moves, a push says why, the platform converges', async () => {
    const rowsBefore = await instanceRows();
    const containersBefore = await containerStarts(platform.workers!, APPS);
    assert.equal(containersBefore.length, 5, containersBefore.join('\n'));
    const releasesBefore = await releaseCount();

    const load = loadBoth();
    await sleep(2_000);
    await platform.postgres.stop();
    const stoppedAt = Date.now();
    // During the outage: /healthz names the database; a push is refused with a message saying why.
    const down = await waitFor('/healthz says the database is down', async () => ((await healthz())?.status === 503 ? healthz() : null), 10_000, 500);
    assert.deepEqual(down!.body, { ok: false, database: 'down', redis: 'up' });
    assert.equal(down!.retryAfter, '2');
    const shop = users.get('shop')!;
    await writeFile(join(shop.cwd, 'server.js'), (await readFile(join(shop.cwd, 'server.js'), 'utf8')).replace("const CODE = 'v1';", "const CODE = 'v2';"));
    await shop.gitOk('commit', '-qam', 'v2');
    const refused = await shop.git(['push', 'platform', 'main'], 60_000);
    assert.notEqual(refused.code, 0);
    assert.match(refused.out, /platform's database is unavailable/, refused.out);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    await platform.postgres.start();
    const backAt = Date.now();

    await waitFor('/healthz ok', async () => (await healthz())?.status === 200, CONVERGE_MS, 200);
    const apiBackMs = Date.now() - backAt;
    await waitFor('three ready nodes heard after the outage', async () => (await nodesHeardSince(backAt)) === 3, CONVERGE_MS, 250);
    const convergedMs = Date.now() - backAt;
    // Well past the heartbeat timeout (4 s): a wrong eviction would have happened by now.
    await sleep(8_000);
    const { ok, failed } = await load.stop();
    console.log(`# postgres stopped ${OUTAGE_MS} ms: ${ok} requests ok, ${failed.length} failed; API answering ${apiBackMs} ms and all nodes heard ${convergedMs} ms after it came back`);
    assert.deepEqual(failed, []);
    assert.ok(ok > 100, `load ran (${ok} requests)`);
    assert.deepEqual(await instanceRows(), rowsBefore, 'no instance restarted or moved');
    assert.deepEqual(await containerStarts(platform.workers!, APPS), containersBefore, 'the same containers, never restarted');
    assert.deepEqual(await markedDown(stoppedAt), [], 'no node judged down for the outage');
    const releasesAfter = await releaseCount();
    assert.equal(releasesAfter, releasesBefore, 'the refused push left no release behind');
  });

  test('Redis restarts empty mid-build: no request fails, nothing restarts, the build still completes and deploys', async () => {
    const rowsBefore = await instanceRows();
    const containersBefore = await containerStarts(platform.workers!, APPS);
    const late = await appFrom('echo', 'late');
    const load = loadBoth();
    const push = late.git(['push', 'platform', 'main'], 480_000);
    const building = await waitFor('the build of late running', async () =>
      (await platform.query<{ id: string }>(`SELECT b.id FROM "Build" b JOIN "App" a ON a.id = b."appId" WHERE a.name = 'late' AND b.status = 'building'`))[0], 120_000, 250);
    await platform.restartRedisEmpty();
    const backAt = Date.now();
    await waitFor('three ready nodes heard after Redis came back', async () => (await nodesHeardSince(backAt)) === 3, CONVERGE_MS, 250);
    const convergedMs = Date.now() - backAt;
    // The build's queue entry went with Redis: the builder queues it again from its row, and it ends.
    const built = await waitFor('the build of late finished', async () =>
      (await platform.query<{ status: string; failure: string | null }>(`SELECT status, failure FROM "Build" WHERE id = $1 AND status NOT IN ('pending', 'building')`, [building.id]))[0], 300_000, 1_000);
    assert.equal(built.status, 'succeeded', built.failure ?? '');
    await waitFor('late served through the router', async () => /^e1 /.test((await viaRouter(platform.routerPort, 'late')).body), 120_000, 1_000);
    const deployedMs = Date.now() - backAt;
    const pushed = await push;
    await sleep(6_000); // past the heartbeat timeout
    const { ok, failed } = await load.stop();
    console.log(`# redis restarted empty: ${ok} requests ok, ${failed.length} failed; all nodes heard ${convergedMs} ms after it came back; the running build ${built.status} and was served ${deployedMs} ms after; its push exited ${pushed.code}`);
    // The push either followed its build to the end or said why it stopped following.
    if (pushed.code !== 0) assert.match(pushed.out, /error|unavailable|failed/i, pushed.out);
    assert.deepEqual(failed, []);
    assert.ok(ok > 100, `load ran (${ok} requests)`);
    assert.deepEqual(await instanceRows(), rowsBefore, 'no instance restarted or moved');
    assert.deepEqual(await containerStarts(platform.workers!, APPS), containersBefore, 'the same containers, never restarted');
    assert.deepEqual(await markedDown(backAt - 10_000), [], 'no node judged down');
  });
});
