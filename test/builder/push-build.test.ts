import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { enqueueBuild, followBuildLog } from '../../apps/builder/src/queue/index.ts';
import { fixtureDir, push, workTree } from './git-helpers.ts';
import { fetchText, startPlatform, type Platform } from './platform.ts';

let p: Platform;
before(async () => {
  p = await startPlatform(2);
});
after(async () => {
  await p.close();
});

async function pushFixture(fixture: string, app: string) {
  const wt = await workTree(fixture);
  const result = await push(wt.dir, [p.git.url(app), 'main']);
  return { wt, result };
}

const latestRelease = (app: string) => p.db.release.findFirst({ where: { app: { name: app } }, orderBy: { version: 'desc' } });

test('node app with a local dependency and lockfile: live output, image runs, release recorded, modules layer cached', async () => {
  const app = await p.createApp('nodedep');
  const { wt, result } = await pushFixture('node-local-dep', app);
  try {
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /remote: -----> Node\.js app detected/);
    assert.match(result.output, /remote: -----> Installing dependencies with npm \d+\.\d+\.\d+/);
    assert.match(result.output, /remote: -----> Running build/);
    assert.match(result.output, /remote: -----> Released v1/);
    const release = await latestRelease(app);
    assert.equal(release?.version, 1);
    assert.equal(release?.status, 'pending');
    assert.deepEqual(release?.processTypes, { web: 'npm start' });
    assert.deepEqual(p.box.decryptJson(release!.config), {});
    const image = await p.docker.getImage(release!.image!).inspect();
    assert.equal(image.Config.Labels['slipway.app'], app);
    assert.equal(image.Config.Labels['slipway.commit'], await wt.git('rev-parse', 'HEAD'));
    assert.equal(image.Config.Labels['slipway.build'], release!.buildId);
    await p.docker.getImage(`${app}:v1`).inspect();
    const { url, id } = await p.run(release!.image!);
    assert.equal(await fetchText(url), 'hello node-local-dep from a local dependency (built)\n');
    assert.equal((await p.docker.getContainer(id).inspect()).HostConfig.ReadonlyRootfs, true, '`npm start` runs on a read-only root');

    // Second build, source changed but lockfile not: the install layer comes from the cache.
    await writeFile(join(wt.dir, 'server.js'), `${await readFile(join(wt.dir, 'server.js'), 'utf8')}// v2\n`);
    await wt.git('commit', '-qam', 'v2');
    const second = await push(wt.dir, [p.git.url(app), 'main']);
    assert.equal(second.code, 0, second.output);
    assert.match(second.output, /remote: -----> Installing dependencies with npm \d+\.\d+\.\d+\s*\nremote:\s+Dependencies unchanged: reusing the installed modules/);
    const v2 = await latestRelease(app);
    assert.equal(v2?.version, 2);
    const layers = async (ref: string) => (await p.docker.getImage(ref).inspect()).RootFS.Layers ?? [];
    const [l1, l2] = [await layers(release!.image!), await layers(v2!.image!)];
    const npmCiLayer = l1.length - 2; // last layers: COPY source, then the build and prune step
    assert.deepEqual(l2.slice(0, npmCiLayer), l1.slice(0, npmCiLayer), 'layers up to the installed modules are shared');
  } finally {
    await wt.cleanup();
  }
});

test('static, Dockerfile and Procfile apps build side by side and answer on $PORT', async () => {
  const cases = [
    { fixture: 'static-site', expect: /hello from static-site/, kind: 'static' },
    { fixture: 'dockerfile-app', expect: /hello from dockerfile-app/, kind: 'dockerfile' },
    { fixture: 'procfile-app', expect: /hello from procfile-app web/, kind: 'procfile' },
    { fixture: 'node-http', expect: /hello from node-http/, kind: 'node' },
  ];
  const apps = await Promise.all(cases.map((c) => p.createApp(c.fixture.slice(0, 10))));
  const pushes = await Promise.all(cases.map((c, i) => pushFixture(c.fixture, apps[i]!)));
  try {
    for (const [i, c] of cases.entries()) {
      assert.equal(pushes[i]!.result.code, 0, pushes[i]!.result.output);
      const release = await latestRelease(apps[i]!);
      assert.equal(release?.version, 1);
      const build = await p.db.build.findUniqueOrThrow({ where: { id: release!.buildId! } });
      assert.equal(build.buildpack, c.kind);
      const { url } = await p.run(release!.image!, c.fixture === 'procfile-app' ? ['/bin/sh', '-c', 'node web.js'] : undefined);
      assert.match(await fetchText(url), c.expect);
    }
    const procfile = await latestRelease(apps[2]!);
    assert.deepEqual(procfile?.processTypes, { web: 'node web.js', worker: 'node worker.js' });
    const formation = await p.db.formation.findMany({ where: { app: { name: apps[2]! } }, orderBy: { type: 'asc' } });
    assert.deepEqual(formation.map((f) => [f.type, f.quantity]), [['web', 1], ['worker', 0]]);
    // Builds of different apps overlapped in time (concurrency 2).
    const builds = await p.db.build.findMany({ where: { app: { name: { in: apps } } } });
    const overlaps = builds.some((a) => builds.some((b) => a.id !== b.id && a.startedAt! < b.finishedAt! && b.startedAt! < a.finishedAt!));
    assert.ok(overlaps, 'at least two apps were building at the same time');
  } finally {
    await Promise.all(pushes.map((x) => x.wt.cleanup()));
  }
});

test('builds of one app run one at a time, in order; a pushed commit that was built before re-uses its image', async () => {
  const app = await p.createApp('ordered');
  const { wt, result } = await pushFixture('node-http', app);
  try {
    assert.equal(result.code, 0, result.output);
    const first = await wt.git('rev-parse', 'HEAD');
    await wt.git('commit', '-q', '--allow-empty', '-m', 'second');
    const second = await wt.git('rev-parse', 'HEAD');
    assert.equal((await push(wt.dir, [p.git.url(app), 'main:refs/heads/other'])).code, 0);
    const a = await enqueueBuild(p.db, p.queue, { app, commitSha: second, branch: 'other' });
    const b = await enqueueBuild(p.db, p.queue, { app, commitSha: first, branch: 'main' });
    for (const { buildId } of [a, b]) for await (const _ of followBuildLog(p.redis, buildId)) void _;
    const ba = await p.db.build.findUniqueOrThrow({ where: { id: a.buildId } });
    const bb = await p.db.build.findUniqueOrThrow({ where: { id: b.buildId } });
    assert.equal(ba.status, 'succeeded');
    assert.equal(bb.status, 'succeeded');
    assert.ok(bb.startedAt! >= ba.finishedAt!, 'second build started after the first finished');
    assert.match(bb.log, /was already built; re-using image/);
  } finally {
    await wt.cleanup();
  }
});

test('a failed build exits the push non-zero and leaves the previous release current', async () => {
  const app = await p.createApp('failing');
  const { wt, result } = await pushFixture('node-http', app);
  try {
    assert.equal(result.code, 0, result.output);
    await cp(fixtureDir('fails-to-build'), wt.dir, { recursive: true });
    await wt.git('add', '-A');
    await wt.git('commit', '-qm', 'break the build');
    const failed = await push(wt.dir, [p.git.url(app), 'main']);
    assert.notEqual(failed.code, 0);
    assert.match(failed.output, /remote:\s+compile error: src\/app.ts/);
    assert.match(failed.output, /\(build failed: Running build: the command returned a non-zero code: 1\)/);
    assert.match(failed.output, /\[remote rejected\] main -> main \(build failed: /);
    assert.equal((await latestRelease(app))?.version, 1);
    const build = await p.db.build.findFirstOrThrow({ where: { app: { name: app }, status: 'failed' } });
    assert.match(build.failure ?? '', /^Running build: the command returned a non-zero code: 1$/);
    assert.match(build.log, /compile error/);
  } finally {
    await wt.cleanup();
  }
});

test('app.json health checks go on the release of their commit, printed in words; the app keeps its own setting; an invalid app.json fails the push naming the field', async () => {
  const app = await p.createApp('checks');
  const setting = { web: [{ type: 'startup', path: '/operator' }] };
  await p.db.app.update({ where: { name: app }, data: { healthcheck: setting } });
  const wt = await workTree('static-site');
  const pushAppJson = async (text: string) => {
    await writeFile(join(wt.dir, 'app.json'), text);
    await wt.git('add', '-A');
    await wt.git('commit', '-qm', 'checks');
    return push(wt.dir, [p.git.url(app), 'main']);
  };
  const pushChecks = (checks: object) => pushAppJson(JSON.stringify({ name: 'static', logo: 'https://example.com/l.png', healthchecks: checks }));
  try {
    const good = { web: [{ type: 'startup', path: '/', content: 'hello', attempts: 3 }] };
    const first = await pushChecks(good);
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, /remote: -----> Health checks\s*\nremote:\s+web: startup check GET \/ expecting "hello", 3 attempts 5 s apart\s*\n/);
    // A later push declaring a check its code cannot pass (its rollout would fail), and a readiness check.
    const wrong = { web: [{ path: '/nope' }, { type: 'readiness', name: 'ready', path: '/ready' }], worker: [{ uptime: 5 }] };
    const second = await pushChecks(wrong);
    assert.equal(second.code, 0, second.output);
    assert.match(second.output, /web: startup check GET \/nope, 3 attempts 5 s apart/);
    assert.match(second.output, /web: readiness check GET \/ready, 3 attempts 5 s apart; keeps running, a failure takes the instance out of the router until it passes/);
    assert.match(second.output, /worker: startup check stays up 5 s without a restart/);
    const [v1, v2] = await p.db.release.findMany({ where: { app: { name: app } }, orderBy: { version: 'asc' } });
    assert.equal(v2?.version, 2);
    const stored = { type: 'startup', scheme: 'http', attempts: 3, timeout: 5, wait: 5, initialDelay: 0, warn: false };
    assert.deepEqual(v1?.healthcheck, { web: [{ ...stored, name: 'web-startup-1', path: '/', content: 'hello' }] }, 'v1 keeps the checks of its own code, defaults filled in');
    assert.deepEqual(v2?.healthcheck, {
      web: [{ ...stored, name: 'web-startup-1', path: '/nope' }, { ...stored, type: 'readiness', name: 'ready', path: '/ready' }],
      worker: [{ ...stored, name: 'worker-startup-1', uptime: 5 }],
    });
    assert.deepEqual((await p.db.app.findUniqueOrThrow({ where: { name: app } })).healthcheck, setting, 'the app setting is untouched');

    // An app.json that does not validate, or is not JSON, fails the push and names the problem.
    const invalid = await pushChecks({ web: [{ path: '/', attempts: 0 }] });
    assert.notEqual(invalid.code, 0, invalid.output);
    assert.match(invalid.output, /app\.json: healthchecks\.web\[0\]\.attempts must be a positive integer/);
    const oldDialect = await pushChecks({ web: [{ type: 'http', path: '/' }] });
    assert.notEqual(oldDialect.code, 0);
    assert.match(oldDialect.output, /app\.json: healthchecks\.web\[0\]\.type must be one of "startup", "liveness", "readiness"/);
    const malformed = await pushAppJson('{ "healthchecks": ');
    assert.notEqual(malformed.code, 0);
    assert.match(malformed.output, /app\.json is not valid JSON/);
    assert.equal((await latestRelease(app))?.version, 2, 'no release from an invalid app.json');

    // A commit that drops app.json releases without checks of its own; the build names the defaults.
    await wt.git('rm', '-q', 'app.json');
    await wt.git('commit', '-qm', 'no checks');
    const third = await push(wt.dir, [p.git.url(app), 'main']);
    assert.equal(third.code, 0, third.output);
    assert.match(third.output, /web: startup check accepts TCP on \$PORT, 5 attempts 1 s apart \(default\)/);
    assert.equal((await latestRelease(app))?.healthcheck, null);
  } finally {
    await wt.cleanup();
  }
});

test('hostile or unsupported repos fail with clear reasons; a crashing app still builds', async () => {
  const app = await p.createApp('hostile');
  const wt = await workTree();
  try {
    await writeFile(join(wt.dir, 'Dockerfile'), 'FROM node:20-alpine\nCMD ["node"]\n');
    await wt.git('add', '-A');
    await wt.git('commit', '-qm', 'remote base image');
    const r = await push(wt.dir, [p.git.url(app), 'main']);
    assert.notEqual(r.code, 0);
    assert.match(r.output, /Dockerfile: FROM node:20-alpine is not allowed: a build may start from the platform stack \((slipway\/stack-node:[\d.]+(, )?)+\) or this app's own images; there is no registry to pull other images from/);
    await wt.git('rm', '-q', 'Dockerfile');
    await writeFile(join(wt.dir, 'README.md'), 'nothing to run\n');
    await wt.git('add', '-A');
    await wt.git('commit', '-qm', 'no app');
    const unknown = await push(wt.dir, [p.git.url(app), 'main']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.output, /Supported types: Dockerfile at the repository root; Node\.js \(package\.json\); static site \(index\.html\); Procfile/);
    assert.equal(await latestRelease(app), null);
  } finally {
    await wt.cleanup();
  }
  const broken = await p.createApp('broken');
  const pushed = await pushFixture('broken-app', broken);
  try {
    assert.equal(pushed.result.code, 0, pushed.result.output);
    const { id } = await p.run((await latestRelease(broken))!.image!);
    const exit = await p.docker.getContainer(id).wait();
    assert.notEqual(exit.StatusCode, 0, 'the broken app exits with an error');
  } finally {
    await pushed.wt.cleanup();
  }
});
