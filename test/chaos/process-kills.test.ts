import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp as copy, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor, sleep } from '../cluster/harness/exec.ts';
import { removeBuiltImages } from '../support/built-images.ts';
import { User, type Result } from '../e2e/user.ts';
import { Load } from '../e2e/load.ts';
import type { Workers } from '../e2e/workers.ts';
import { ChaosPlatform, containerStarts } from './chaos-platform.ts';
import { kill9, platformPid, routerWorkerPids } from './processes.ts';

// Issue 16: kill -9 each platform process in turn (API mid-push, builder mid-build with a build queued,
// scheduler mid-rollout, a router worker, an agent) while requests flow through the router to two apps
// on three nodes. Only loopback and slw0 traffic. App names are the suite's own, so its image cleanup
// cannot touch another suite's `shop`.
const SHOP = 'pk-shop';
const ECHO = 'pk-echo';
const APPS = [SHOP, ECHO];
/** How long the platform may take to converge after a kill (the bound the report states). */
const CONVERGE_MS = 120_000;
const startedSec = Math.floor(Date.now() / 1000) - 1;

let cp: ChaosPlatform;
let workers: Workers;
let tmp = '';
const users = new Map<string, User>();
const loads = new Map<string, Load>();
const results: string[] = [];

const user = (app: string) => users.get(app)!;
const failedSoFar = () => [...loads.values()].flatMap((l) => l.failed);
const push = (app: string) => user(app).git(['push', 'platform', 'main'], 360_000);

async function edit(app: string, from: RegExp, to: string): Promise<void> {
  const file = join(tmp, app, 'server.js');
  await writeFile(file, (await readFile(file, 'utf8')).replace(from, to));
  await user(app).gitOk('commit', '-qam', `chaos: ${to}`);
}

/** The app's instance rows (id, node, restarts, release) and containers with their start times: a restart or move changes it. */
async function snapshot(apps: string[]): Promise<string[]> {
  const rows = await cp.query<{ line: string }>(
    `SELECT a.name || ' ' || i.name || ' ' || i.id || ' ' || coalesce(i."nodeId"::text, '-') || ' ' || i.restarts || ' ' || i.state AS line
       FROM "Instance" i JOIN "App" a ON a.id = i."appId" WHERE a.name = ANY($1) AND i.type <> 'run'`, [apps]);
  return [...rows.map((r) => r.line).sort(), ...(await containerStarts(workers, apps))];
}

/**
 * Converged: no build or release in flight; the app's newest succeeded release runs with its formation's
 * quantity, every instance healthy and never restarted; none of an older release left.
 */
async function settled(app: string): Promise<boolean> {
  const [busy] = await cp.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM "Build" b JOIN "App" a ON a.id = b."appId" WHERE a.name = $1 AND b.status IN ('pending', 'building'))
          + (SELECT count(*) FROM "Release" r JOIN "App" a ON a.id = r."appId" WHERE a.name = $1 AND r.status IN ('pending', 'releasing', 'deploying')) AS n`, [app]);
  if (Number(busy!.n) > 0) return false;
  const rows = await cp.query<{ current: boolean; state: string; healthy: boolean; restarts: number; quantity: number }>(
    `SELECT i."releaseId" = (SELECT id FROM "Release" WHERE "appId" = a.id AND status = 'succeeded' ORDER BY version DESC LIMIT 1) AS current,
            i.state, i.healthy, i.restarts, f.quantity
       FROM "Instance" i JOIN "App" a ON a.id = i."appId" JOIN "Formation" f ON f."appId" = a.id AND f.type = i.type
      WHERE a.name = $1 AND i.type = 'web'`, [app]);
  return rows.length > 0 && rows.length === rows[0]!.quantity && rows.every((r) => r.current && r.state === 'running' && r.healthy && r.restarts === 0);
}
const allSettled = async () => (await Promise.all(APPS.map(settled))).every(Boolean);

/** Waits (up to CONVERGE_MS) for `converged`; returns the milliseconds since the kill. */
async function convergeTime(killedAt: number, converged: () => Promise<boolean>): Promise<number> {
  await waitFor('the platform to converge', async () => converged(), CONVERGE_MS, 250);
  return Date.now() - killedAt;
}

/** A build of the app started after `since` and in the given state. */
const buildIn = async (app: string, status: string, since: Date) =>
  (await cp.query(`SELECT 1 FROM "Build" b JOIN "App" a ON a.id = b."appId" WHERE a.name = $1 AND b.status = $2 AND b."createdAt" > $3`, [app, status, since])).length > 0;

/** A push either deploys or fails saying why, and leaves no release half made (checked by `settled`). */
function assertPushOutcome(what: string, r: Result): string {
  if (r.code === 0) {
    assert.match(r.out, /deployed to http:\/\//, r.out);
    return 'push succeeded';
  }
  const said = r.out.split('\n').filter((l) => /error|fatal|failed|unavailable/i.test(l)).join(' | ');
  assert.ok(said, `${what}: a failed push must say why:\n${r.out}`);
  return `push failed: ${said.slice(0, 200)}`;
}

function record(fault: string, failed: number, restarted: string, convergedMs: number, note = ''): void {
  const line = `${fault}: ${failed} failed requests, ${restarted}, converged in ${(convergedMs / 1000).toFixed(1)} s${note ? `; ${note}` : ''}`;
  results.push(line);
  console.log(`# ${line}`);
}

describe('chaos: kill -9 of each platform process under load', { timeout: 2_400_000 }, () => {
  before(async () => {
    // Two router workers, so one can die while the other serves; one build at a time, so a second push queues.
    cp = await ChaosPlatform.create({ ROUTER_WORKERS: '2', BUILD_CONCURRENCY: '1' });
    workers = await cp.up();
    tmp = await mkdtemp(join(tmpdir(), 'slipway-kills-'));
    for (const [app, fixture] of [[SHOP, 'shop'], [ECHO, 'echo']] as const) {
      const dir = join(tmp, app);
      await copy(new URL(`../e2e/fixtures/${fixture}/`, import.meta.url), dir, { recursive: true });
      const u = new User(join(tmp, 'config'), dir);
      users.set(app, u);
      for (const args of [['init', '-q', '-b', 'main'], ['config', 'user.name', 'Chaos'], ['config', 'user.email', 'chaos@example.com'], ['add', '.'], ['commit', '-qm', 'v1']]) await u.gitOk(...args);
    }
  });

  after(async () => {
    for (const l of loads.values()) await l.stop();
    if (results.length) console.log(`# summary\n${results.map((r) => `#   ${r}`).join('\n')}`);
    await cp?.down();
    await removeBuiltImages(APPS, startedSec);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('two apps, two instances each over three nodes, requests flowing through the router', async () => {
    const u = user(SHOP);
    await u.ok(['login', '--api', cp.apiUrl, '--email', cp.adminEmail, '--password', cp.adminPassword]);
    for (const app of APPS) {
      await user(app).ok(['apps:create', app]);
      await user(app).ok(['git:remote', '-a', app]);
    }
    await waitFor('three ready nodes', async () => (JSON.parse(await u.ok(['nodes', '--json'])) as { status: string }[]).filter((n) => n.status === 'ready').length === 3, 60_000, 1_000);
    const pushes = await Promise.all(APPS.map(push));
    for (const r of pushes) assert.equal(r.code, 0, r.out);
    for (const app of APPS) await u.ok(['ps:scale', 'web=2', '-a', app]);
    await waitFor('both apps settled', allSettled, 120_000, 1_000);
    for (const app of APPS) {
      const load = new Load(cp.routerPort, app);
      load.start(2, 900_000);
      loads.set(app, load);
    }
    await sleep(2_000);
    assert.deepEqual(failedSoFar(), []);
  });

  test('the API killed during a push', async () => {
    const unchanged = await snapshot([SHOP]);
    const failedBefore = failedSoFar().length;
    await edit(ECHO, /const CODE = '[^']*';/, "const CODE = 'e2';");
    const since = new Date();
    const pushing = push(ECHO);
    await waitFor('the build running', () => buildIn(ECHO, 'building', since), 120_000, 100);
    kill9((await platformPid(cp.home, 'api'))!);
    const killedAt = Date.now();
    const outcome = assertPushOutcome('API killed', await pushing);
    const ms = await convergeTime(killedAt, async () => (await fetch(`${cp.apiUrl}/healthz`).then((r) => r.ok, () => false)) && allSettled());
    const failed = failedSoFar().slice(failedBefore);
    assert.deepEqual(failed, []);
    assert.deepEqual(await snapshot([SHOP]), unchanged, 'the other app: no instance restarted or moved');
    record('API kill -9 mid-push', failed.length, '0 instances restarted', ms, outcome);
  });

  test('the builder killed mid-build, with a second build queued behind it', async () => {
    const failedBefore = failedSoFar().length;
    await edit(SHOP, /const CODE = '[^']*';/, "const CODE = 'v2';");
    await edit(ECHO, /const CODE = '[^']*';/, "const CODE = 'e3';");
    const since = new Date();
    const pushes = Promise.all(APPS.map(push));
    await waitFor('one build running and one queued', async () =>
      ((await buildIn(SHOP, 'building', since)) && (await buildIn(ECHO, 'pending', since))) || ((await buildIn(ECHO, 'building', since)) && (await buildIn(SHOP, 'pending', since))), 120_000, 100);
    kill9((await platformPid(cp.home, 'builder'))!);
    const killedAt = Date.now();
    const outcomes = (await pushes).map((r, i) => `${APPS[i]} ${assertPushOutcome('builder killed', r)}`);
    const ms = await convergeTime(killedAt, allSettled);
    // Both builds completed (the queued one too), whatever the pushes' transport said.
    const builds = await cp.query<{ name: string; status: string }>(
      `SELECT a.name, b.status FROM "Build" b JOIN "App" a ON a.id = b."appId" WHERE b."createdAt" > $1 AND b.status = 'succeeded'`, [since]);
    assert.deepEqual([...new Set(builds.map((b) => b.name))].sort(), [...APPS].sort(), JSON.stringify(builds));
    const failed = failedSoFar().slice(failedBefore);
    assert.deepEqual(failed, []);
    record('builder kill -9 mid-build (one queued)', failed.length, '0 instances restarted', ms, outcomes.join('; '));
  });

  test('the scheduler killed during a rollout', async () => {
    const unchanged = await snapshot([ECHO]);
    const failedBefore = failedSoFar().length;
    const [last] = await cp.query<{ version: number }>(`SELECT max(r.version) AS version FROM "Release" r JOIN "App" a ON a.id = r."appId" WHERE a.name = $1`, [SHOP]);
    // A config change makes a release without a build: a rolling deploy on its own.
    await user(SHOP).ok(['config:set', 'CHAOS_DRILL=scheduler', '-a', SHOP]);
    await waitFor('the rollout under way: a new instance up while the old ones serve', async () => (await cp.query(
      `SELECT 1 FROM "Instance" i JOIN "Release" r ON r.id = i."releaseId" JOIN "App" a ON a.id = i."appId"
        WHERE a.name = $1 AND r.version > $2 AND i.state IN ('starting', 'running')`, [SHOP, last!.version])).length > 0, 60_000, 100);
    kill9((await platformPid(cp.home, 'scheduler'))!);
    const killedAt = Date.now();
    const ms = await convergeTime(killedAt, allSettled);
    const [release] = await cp.query<{ status: string }>(`SELECT r.status FROM "Release" r JOIN "App" a ON a.id = r."appId" WHERE a.name = $1 ORDER BY version DESC LIMIT 1`, [SHOP]);
    assert.equal(release!.status, 'succeeded');
    const failed = failedSoFar().slice(failedBefore);
    assert.deepEqual(failed, []);
    assert.deepEqual(await snapshot([ECHO]), unchanged, 'the other app: no instance restarted or moved');
    record('scheduler kill -9 mid-rollout', failed.length, '0 instances restarted', ms);
  });

  test('a router worker killed: only its in-flight requests may fail; new ones succeed', async () => {
    const unchanged = await snapshot(APPS);
    const failedBefore = failedSoFar().length;
    const before = await routerWorkerPids(cp.home);
    assert.equal(before.length, 2, `two router workers: ${before.join(' ')}`);
    kill9(before[0]!);
    const killedAt = Date.now();
    // The router's primary forks a replacement; until then the other worker takes every new connection.
    const ms = await convergeTime(killedAt, async () => {
      const now = await routerWorkerPids(cp.home);
      return now.length === 2 && !now.includes(before[0]!);
    });
    const windowFailed = failedSoFar().length - failedBefore;
    const afterWindow = failedSoFar().length;
    await sleep(5_000);
    // The bound: requests a killed worker was serving can fail (their connection dies with it);
    // every request after that succeeds, and nothing behind the router restarted.
    assert.deepEqual(failedSoFar().slice(afterWindow), [], 'requests after the kill');
    assert.ok(windowFailed <= 4, `at most the in-flight requests (4 clients) failed: ${failedSoFar().slice(failedBefore).join('\n')}`);
    assert.deepEqual(await snapshot(APPS), unchanged, 'no instance restarted or moved');
    assert.ok(await allSettled());
    record('router worker kill -9', windowFailed, '0 instances restarted', ms, 'failures are requests in flight on the killed worker');
  });

  test('an agent killed and started again: its containers are adopted, not restarted', async () => {
    const unchanged = await snapshot(APPS);
    const failedBefore = failedSoFar().length;
    const [n] = await cp.query<{ name: string }>(`SELECT n.name FROM "Node" n JOIN "Instance" i ON i."nodeId" = n.id GROUP BY n.name ORDER BY count(*) DESC LIMIT 1`);
    await workers.killAgent(n!.name);
    const killedAt = Date.now();
    // As systemd or a supervisor would: started again at once.
    workers.startAgent(workers.node(n!.name));
    const ms = await convergeTime(killedAt, async () => {
      const [node] = await cp.query<{ status: string; heard: Date }>(`SELECT status, "lastHeartbeatAt" AS heard FROM "Node" WHERE name = $1`, [n!.name]);
      return node!.status === 'ready' && node!.heard.getTime() > killedAt && (await allSettled());
    });
    await sleep(3_000);
    const failed = failedSoFar().slice(failedBefore);
    assert.deepEqual(failed, []);
    assert.deepEqual(await snapshot(APPS), unchanged, 'no instance restarted or moved');
    record(`agent kill -9 on ${n!.name}`, failed.length, '0 instances restarted', ms);
  });

  test('nothing half made: every build and release finished', async () => {
    const open = await cp.query(`SELECT 'build' AS kind, status::text FROM "Build" WHERE status IN ('pending', 'building')
                                  UNION ALL SELECT 'release', status::text FROM "Release" WHERE status IN ('pending', 'releasing', 'deploying')`);
    assert.deepEqual(open, []);
    for (const l of loads.values()) await l.stop();
    assert.ok([...loads.values()].every((l) => l.ok > 50), `load ran: ${[...loads.values()].map((l) => l.ok).join(', ')}`);
  });
});
