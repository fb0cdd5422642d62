import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildLogKey, cancelBuild, type BuildLogEvent, createBuildQueue, enqueueBuild, followBuildLog } from '../../apps/builder/src/queue/index.ts';
import { requeueUnfinishedBuilds } from '../../apps/builder/src/queue/build-queue.ts';
import { fixtureDir, push, workTree, type PushResult } from './git-helpers.ts';
import { startPlatform, type Platform } from './platform.ts';

// Builds in this file are stopped by the time limit after this long (BUILD_TIMEOUT_SECONDS).
const TIMEOUT_S = 10;
let p: Platform;
before(async () => {
  p = await startPlatform(2, { timeoutMs: TIMEOUT_S * 1000 });
});
after(async () => {
  const builds = await p.db.build.findMany({ select: { id: true } });
  for (const { id } of builds) await p.redis.del(buildLogKey(id), `slipway:build:${id}:cancel`, `slipway:build:${id}:runner`);
  await p.close();
});

type WorkTree = Awaited<ReturnType<typeof workTree>>;

/** An app whose v1 (the Dockerfile fixture) is released, and its work tree. */
async function appWithRelease(base: string): Promise<{ app: string; wt: WorkTree }> {
  const app = await p.createApp(base);
  const wt = await workTree('dockerfile-app');
  const r = await push(wt.dir, [p.git.url(app), 'main']);
  assert.equal(r.code, 0, r.output);
  return { app, wt };
}

/** Commits the slow-build fixture with a fresh nonce, so its slow step is never a cached layer. */
async function commitSlowBuild(wt: WorkTree, seconds: number): Promise<string> {
  await cp(fixtureDir('slow-build'), wt.dir, { recursive: true });
  await writeFile(join(wt.dir, 'BUILD_SECONDS'), `${seconds}\n`);
  await writeFile(join(wt.dir, 'nonce'), randomBytes(8).toString('hex'));
  await wt.git('add', '-A');
  await wt.git('commit', '-qm', `slow build (${seconds} s)`);
  return wt.git('rev-parse', 'HEAD');
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined> | T | null | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The build container id that slow.js printed, once its slow step is running. */
const slowStepContainer = (output: string): string | undefined => /slow build: sleeping \d+ s in container (\w+)/.exec(output)?.[1];

async function containerRunning(id: string): Promise<boolean> {
  const info = await p.docker.getContainer(id).inspect().catch(() => null);
  return info?.State.Running ?? false;
}

/** Pushes a 30 s slow build and waits until its slow step runs: the push under way, the step's container and the build row. */
async function slowBuildUnderWay(app: string, wt: WorkTree) {
  await commitSlowBuild(wt, 30);
  let output = '';
  const pushing = push(wt.dir, [p.git.url(app), 'main'], (out) => (output = out));
  const container = await waitFor('the slow step to run', () => slowStepContainer(output));
  const running = await p.db.build.findFirstOrThrow({ where: { app: { name: app }, status: 'building' } });
  return { pushing, container, running };
}

const latestRelease = (app: string) => p.db.release.findFirst({ where: { app: { name: app } }, orderBy: { version: 'desc' } });

test('a pending build cancelled before it starts and a running build cancelled mid-way end cancelled; v1 stays current', async () => {
  const { app, wt } = await appWithRelease('cancel');
  try {
    const { pushing: slowPush, container, running } = await slowBuildUnderWay(app, wt);

    // A second push queues behind the running build; cancel it before it starts.
    const queuedPush = push(wt.dir, [p.git.url(app), 'HEAD~1:refs/heads/master']);
    const pending = await waitFor('the queued build', () => p.db.build.findFirst({ where: { app: { name: app }, status: 'pending' } }));
    await cancelBuild(p.db, p.redis, pending.id);
    const queued: PushResult = await queuedPush;
    assert.notEqual(queued.code, 0);
    assert.match(queued.output, /remote: !\s+build cancelled: Cancelled before it started/);

    const cancelledAt = Date.now();
    await cancelBuild(p.db, p.redis, running.id);
    const slow = await slowPush;
    console.log(`# running build stopped ${Date.now() - cancelledAt} ms after the cancel`);
    assert.notEqual(slow.code, 0);
    assert.match(slow.output, /\[remote rejected\] main -> main \(build cancelled: Cancelled while building\)/);

    const [r, q] = await Promise.all([running.id, pending.id].map((id) => p.db.build.findUniqueOrThrow({ where: { id } })));
    assert.deepEqual([r!.status, r!.failure], ['cancelled', 'Cancelled while building']);
    assert.deepEqual([q!.status, q!.failure, q!.startedAt], ['cancelled', 'Cancelled before it started', null]);
    assert.match(r!.log, /slow build: sleeping/);
    assert.equal(await containerRunning(container), false, 'the build container is gone');
    const current = await latestRelease(app);
    assert.equal(current?.version, 1);
    assert.equal(await p.db.release.count({ where: { buildId: { in: [running.id, pending.id] } } }), 0);
  } finally {
    await wt.cleanup();
  }
});

test('an app destroyed during its build: the build stops, the push ends saying why, nothing of the build remains', async () => {
  const { app, wt } = await appWithRelease('doomed');
  try {
    const { pushing, container, running } = await slowBuildUnderWay(app, wt);
    // What destroying the app does to a running build: its row goes with the app, then a cancel.
    await p.db.app.delete({ where: { name: app } });
    await cancelBuild(p.db, p.redis, running.id);
    const r = await pushing;
    assert.notEqual(r.code, 0);
    assert.match(r.output, /The app was destroyed during this build/);
    await waitFor('the build container gone', async () => !(await containerRunning(container)));
    assert.deepEqual(await p.docker.listImages({ filters: { label: [`slipway.build=${running.id}`] } }), []);
  } finally {
    await wt.cleanup();
  }
});

test('a build over the time limit is killed, fails naming the limit, and the push exits non-zero; v1 stays current', async () => {
  const { app, wt } = await appWithRelease('timeout');
  try {
    await commitSlowBuild(wt, 60);
    let output = '';
    const r = await push(wt.dir, [p.git.url(app), 'main'], (out) => (output = out));
    assert.notEqual(r.code, 0);
    const reason = `Build exceeded the maximum build time of ${TIMEOUT_S} s (BUILD_TIMEOUT_SECONDS) and was stopped`;
    assert.ok(r.output.includes(`build failed: ${reason}`), r.output);
    const build = await p.db.build.findFirstOrThrow({ where: { app: { name: app } }, orderBy: { createdAt: 'desc' } });
    assert.deepEqual([build.status, build.failure], ['failed', reason]);
    assert.equal(await containerRunning(slowStepContainer(output)!), false, 'the build container is gone');
    assert.equal((await latestRelease(app))?.version, 1);
  } finally {
    await wt.cleanup();
  }
});

test('pushing an already built commit again re-uses its image without a docker build', async () => {
  const { app, wt } = await appWithRelease('again');
  try {
    const v1 = await latestRelease(app);
    const again = await push(wt.dir, [p.git.url(app), 'main:master']);
    assert.equal(again.code, 0, again.output);
    assert.match(again.output, /was already built; re-using image/);
    assert.doesNotMatch(again.output, /Step \d+\/\d+/);
    assert.match(again.output, /Already released as v1/);
    const builds = await p.db.build.findMany({ where: { app: { name: app } }, orderBy: { createdAt: 'asc' } });
    assert.deepEqual(builds.map((b) => [b.status, b.image]), [['succeeded', v1!.image], ['succeeded', v1!.image]]);
    assert.equal((await latestRelease(app))?.id, v1!.id);
  } finally {
    await wt.cleanup();
  }
});

/** `apps/builder/src/main.ts` as its own process on this platform, resolved once it is ready. */
async function startBuilder(prefix: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/builder/src/main.ts'], {
    cwd: join(import.meta.dirname, '../..'),
    env: { ...process.env, ...p.env, BUILD_QUEUE_PREFIX: prefix, BUILD_TIMEOUT_SECONDS: '120', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor('the builder to start', () => out.includes('builder ready') || child.exitCode !== null, 60_000);
  assert.equal(child.exitCode, null, out);
  return child;
}

/** Stops the builder with `signal`, then SIGKILL if it is still there after 15 s. */
const stopped = (child: ChildProcess, signal: NodeJS.Signals) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });

/**
 * Waits until a build's slow step runs in a container not in `seen` (a new attempt),
 * then kills the builder and checks that the engine stopped that build container.
 */
async function slowStepOf(buildId: string, seen: Set<string>): Promise<string> {
  for await (const event of followBuildLog(p.redis, buildId)) {
    const container = event.type === 'line' ? slowStepContainer(event.line) : undefined;
    if (container && !seen.has(container)) {
      seen.add(container);
      return container;
    }
    if (event.type === 'end') throw new Error(`build ${buildId} ended before its slow step: ${JSON.stringify(event)}`);
  }
  throw new Error('unreachable');
}

test('builder killed mid-build: queued builds are not lost, the interrupted one runs again and completes; one interrupted twice fails with the reason', async () => {
  const [app, twiceApp] = await Promise.all([p.createApp('restart'), p.createApp('twice')]);
  const [wt, twiceWt] = await Promise.all([workTree('dockerfile-app'), workTree('dockerfile-app')]);
  const prefix = `bull-t-restart-${randomBytes(4).toString('hex')}`;
  const queue = createBuildQueue(p.redis, prefix);
  let builder = await startBuilder(prefix);
  try {
    // Branches that are stored but not deployed: the commits reach the repositories without a build.
    const first = await commitSlowBuild(wt, 6);
    await wt.git('commit', '-q', '--allow-empty', '-m', 'second');
    const second = await wt.git('rev-parse', 'HEAD');
    const twiceSha = await commitSlowBuild(twiceWt, 90);
    for (const [dir, name] of [[wt.dir, app], [twiceWt.dir, twiceApp]] as const) assert.equal((await push(dir, [p.git.url(name), 'main:refs/heads/staging'])).code, 0);
    const a = await enqueueBuild(p.db, queue, { app, commitSha: first, branch: 'staging' });
    const b = await enqueueBuild(p.db, queue, { app, commitSha: second, branch: 'staging' });
    const t = await enqueueBuild(p.db, queue, { app: twiceApp, commitSha: twiceSha, branch: 'staging' });

    // Kill 1: both apps are in their slow step (concurrency 2).
    const [seenA, seenT] = [new Set<string>(), new Set<string>()];
    await Promise.all([slowStepOf(a.buildId, seenA), slowStepOf(t.buildId, seenT)]);
    await stopped(builder, 'SIGKILL');
    assert.equal((await p.db.build.findUniqueOrThrow({ where: { id: a.buildId } })).status, 'building');
    for (const container of [...seenA, ...seenT]) await waitFor('the build container to stop', async () => !(await containerRunning(container)), 30_000);

    builder = await startBuilder(prefix);
    const outcomes: BuildLogEvent[] = [];
    for (const { buildId } of [a, b]) {
      for await (const event of followBuildLog(p.redis, buildId)) if (event.type === 'end') outcomes.push(event);
    }
    assert.deepEqual(outcomes.map((o) => o.type === 'end' && o.status), ['succeeded', 'succeeded'], JSON.stringify(outcomes));
    const [ba, bb] = await Promise.all([a, b].map(({ buildId }) => p.db.build.findUniqueOrThrow({ where: { id: buildId } })));
    assert.match(ba!.log, /The builder stopped during this build \(restart or crash\); building it again[\s\S]*slow build: done/);
    assert.ok(bb!.startedAt! >= ba!.finishedAt!, 'the second build started after the first finished');
    const releases = await p.db.release.findMany({ where: { app: { name: app } }, orderBy: { version: 'asc' } });
    assert.deepEqual(releases.map((r) => [r.version, r.buildId]), [[1, a.buildId], [2, b.buildId]]);

    // Kill 2, while the other app's build runs its second attempt: BullMQ gives up on it.
    await slowStepOf(t.buildId, seenT);
    await stopped(builder, 'SIGKILL');
    builder = await startBuilder(prefix);
    let end: BuildLogEvent | undefined;
    for await (const event of followBuildLog(p.redis, t.buildId)) if (event.type === 'end') end = event;
    const reason = 'The builder stopped during this build twice (restart or crash); push again to retry';
    assert.deepEqual(end, { type: 'end', status: 'failed', failure: reason });
    const twice = await p.db.build.findUniqueOrThrow({ where: { id: t.buildId } });
    assert.deepEqual([twice.status, twice.failure], ['failed', reason]);
    for (const container of seenT) assert.equal(await containerRunning(container), false, 'no build container is left running');
    assert.equal(await latestRelease(twiceApp), null);
  } finally {
    await stopped(builder, 'SIGTERM');
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await Promise.all([wt.cleanup(), twiceWt.cleanup()]);
  }
});

test('Redis lost the queue: unfinished builds are queued again from their rows, once, and finished ones are not', async () => {
  const app = await p.createApp('requeue');
  const prefix = `bull-t-requeue-${randomBytes(4).toString('hex')}`;
  const queue = createBuildQueue(p.redis, prefix);
  try {
    const builds: string[] = [];
    for (const sha of ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)]) builds.push((await enqueueBuild(p.db, queue, { app, commitSha: sha, branch: 'main' })).buildId);
    const [pending, building, done] = builds as [string, string, string];
    await p.db.build.update({ where: { id: building }, data: { status: 'building', startedAt: new Date() } });
    await p.db.build.update({ where: { id: done }, data: { status: 'succeeded', finishedAt: new Date() } });
    await queue.obliterate({ force: true }); // what a Redis restarted empty holds of it
    const mine = async () => (await queue.getJobs(['waiting', 'delayed', 'active'])).map((j) => j.id).filter((id) => builds.includes(id!)).sort();
    assert.deepEqual(await mine(), []);
    await requeueUnfinishedBuilds(p.db, queue);
    await requeueUnfinishedBuilds(p.db, queue); // idempotent: the job ids are the builds'
    assert.deepEqual(await mine(), [pending, building].sort());
    assert.equal((await queue.getJobs(['waiting', 'delayed', 'active'])).filter((j) => j.id === pending).length, 1);
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
});
