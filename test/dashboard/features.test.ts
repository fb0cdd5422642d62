import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { buildLogKey } from '@slipway/builder';
import { client, tokenFor } from '../support/api-server.ts';
import { memorySeriesKey } from '../../apps/api/src/agents/memory-series.ts';
import { startPlatform, type TestPlatform } from './platform.ts';
import { launchBrowser, logIn, screenshot, horizontalOverflow, PHONE, DESKTOP, type TestBrowser } from './browser.ts';

// Builds, add-ons, metrics, settings and the apps list, against the real API with data
// written where the builder, broker and routers write it (the git push itself is the e2e suite's).
let platform: TestPlatform;
let browser: TestBrowser;
let page: Page;
let api: ReturnType<typeof client>;
const suffix = Date.now().toString(36);
const name = `feat-${suffix}`;
const redisKeys: string[] = [];

before(async () => {
  // One attempt: a provision without an add-on server fails at once instead of after retries.
  [platform, browser] = await Promise.all([startPlatform({ ADDONS_JOB_ATTEMPTS: '1' }), launchBrowser()]);
  api = client(platform.url, await tokenFor(platform.url, platform.api.admin.email, platform.api.admin.password));
  assert.equal((await api('POST', '/v1/apps', { name })).status, 201);
  page = await browser.context.newPage();
  await logIn(page, platform.url, platform.api.admin.email, platform.api.admin.password);
});
after(async () => {
  if (redisKeys.length) await platform?.api.deps.redis.del(...redisKeys);
  await browser?.close();
  await platform?.stop();
});

const appRow = () => platform.api.deps.db.app.findUniqueOrThrow({ where: { name } });

test('deploy: a running build streams its log live, ends with its release; a past build shows its stored log', async () => {
  const { db, redis } = platform.api.deps;
  const app = await appRow();
  const old = await db.build.create({
    data: { appId: app.id, commitSha: 'a1b2c3d4e5f6', branch: 'main', status: 'failed', failure: 'npm ci exited with code 1', log: '-----> Node.js app detected\nnpm ERR! missing package-lock.json\n', startedAt: new Date(Date.now() - 60_000), finishedAt: new Date(Date.now() - 50_000), createdAt: new Date(Date.now() - 60_000) },
  });
  const build = await db.build.create({ data: { appId: app.id, commitSha: 'f00dfacecafe', branch: 'main', status: 'building', startedAt: new Date() } });
  redisKeys.push(buildLogKey(build.id));
  // As the builder's publishLine/publishEnd write them.
  await redis.xadd(buildLogKey(build.id), '*', 'line', '-----> Building with Dockerfile');

  await page.goto(`${platform.url}/apps/${name}/deploy`);
  const builds = page.getByRole('list', { name: 'Builds' });
  await builds.getByText('f00dfac').waitFor();
  const log = page.getByRole('log', { name: 'Build output' });
  await log.getByText('-----> Building with Dockerfile').waitFor();
  await page.getByText('Live', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Cancel build' }).waitFor();
  await redis.xadd(buildLogKey(build.id), '*', 'line', 'Step 2/4 : RUN npm ci');
  await log.getByText('Step 2/4 : RUN npm ci').waitFor();
  await screenshot(page, 'deploy-build-live');

  const release = await db.release.create({ data: { appId: app.id, version: 1, buildId: build.id, config: '', status: 'succeeded', description: 'Deploy f00dfac' } });
  await db.build.update({ where: { id: build.id }, data: { status: 'succeeded', finishedAt: new Date() } });
  await redis.xadd(buildLogKey(build.id), '*', 'end', JSON.stringify({ status: 'succeeded', releaseVersion: release.version, image: 'x' }));
  await page.getByRole('status').getByText('Build succeeded and was released as').waitFor();
  await page.getByRole('link', { name: 'v1', exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Cancel build' }).count(), 0);

  await page.getByRole('button', { name: 'Show log of build a1b2c3d' }).click();
  await log.getByText('npm ERR! missing package-lock.json').waitFor();
  await page.getByText('Build failed: npm ci exited with code 1. The previous release keeps serving.').waitFor();
  await screenshot(page, 'deploy-build-failed');
  await page.setViewportSize(PHONE);
  assert.ok((await horizontalOverflow(page)) <= 0, 'no horizontal scroll at phone width');
  await screenshot(page, 'deploy-phone');
  await page.setViewportSize(DESKTOP);
  assert.ok(old.id);
});

test('resources: creating an add-on without an add-on server shows why it failed; an attached add-on lists its vars and detaches', async () => {
  const { db } = platform.api.deps;
  await page.goto(`${platform.url}/apps/${name}/resources`);
  await page.getByText('No add-ons.', { exact: false }).waitFor();
  await page.getByLabel('Add-on', { exact: true }).selectOption({ label: 'postgres (shared)' });
  await page.getByRole('button', { name: 'Create add-on' }).click();
  await page.getByText('The postgres add-on server is not configured on this platform', { exact: false }).waitFor({ timeout: 30_000 });
  await screenshot(page, 'resources-addon-failed');

  const app = await appRow();
  await db.addonPlan.upsert({ where: { id: 'redis:shared' }, create: { id: 'redis:shared', service: 'redis', name: 'shared', description: 'Redis' }, update: {} });
  const addon = await db.addon.create({ data: { name: `redis-${suffix}`, planId: 'redis:shared', teamId: app.teamId, ownerAppId: app.id, state: 'available' } });
  await db.attachment.create({ data: { addonId: addon.id, appId: app.id, alias: 'REDIS' } });
  await page.reload();
  const row = page.getByRole('listitem', { name: `Add-on redis-${suffix}` });
  await row.getByText('REDIS_URL').waitFor();
  await row.getByText('REDIS_KEY_PREFIX').waitFor();
  await row.getByText('available', { exact: true }).waitFor();
  await screenshot(page, 'resources-addons');
  await page.setViewportSize(PHONE);
  assert.ok((await horizontalOverflow(page)) <= 0);
  await screenshot(page, 'resources-addons-phone');
  await page.setViewportSize(DESKTOP);

  // The app made this add-on, so it stays listed here (to destroy it) without its vars.
  await row.getByRole('button', { name: `Detach redis-${suffix}` }).click();
  await row.getByText('REDIS_URL').waitFor({ state: 'detached' });
  await row.getByRole('button', { name: `Destroy redis-${suffix}` }).waitFor();
  assert.equal(await db.attachment.count({ where: { addonId: addon.id } }), 0);
});

test('metrics: charts render from the routers’ snapshot and series in Redis', async () => {
  const { redis } = platform.api.deps;
  const now = Date.now();
  const stats = { requests: 1200, byStatusClass: { '2xx': 1188, '5xx': 12 }, errors: {}, responseBytes: 0, latencyMs: { p50: 5, p95: 25, p99: 100 }, latencyBuckets: [], backends: { up: 2, total: 2 }, websockets: 0 };
  const key = `slipway:metrics:${name}`;
  redisKeys.push(key, `${key}:series`);
  await redis.hset(key, 'edge-1', JSON.stringify({ at: now, stats }));
  for (let i = 12; i >= 1; i--) {
    const requests = 100 + i * 10;
    const point = { router: 'edge-1', at: now - i * 10_000, intervalMs: 10_000, requests, errors5xx: i % 3, latency: [{ le: 0.005, count: Math.round(requests / 2) }, { le: 0.1, count: requests }, { le: null, count: requests }] };
    await redis.lpush(`${key}:series`, JSON.stringify(point));
  }
  // Memory as the agents' heartbeats leave it: one instance's last sample, and a node's totals per step.
  const { db } = platform.api.deps;
  const app = await appRow();
  const release = await db.release.findFirstOrThrow({ where: { appId: app.id } });
  const instance = await db.instance.create({ data: { appId: app.id, releaseId: release.id, type: 'web', name: 'web.1', state: 'running', healthy: true, startedAt: new Date(), memoryMb: 256, memoryUsedMb: 83 } });
  redisKeys.push(memorySeriesKey(app.id));
  for (let i = 12; i >= 1; i--) await redis.lpush(memorySeriesKey(app.id), JSON.stringify({ at: now - i * 10_000, node: 'n1', usedMb: 70 + i }));
  await page.goto(`${platform.url}/apps/${name}/metrics`);
  await page.getByText('1 router reporting · 2 of 2 backends up').waitFor();
  await page.getByRole('figure', { name: 'Memory' }).getByText('now 83 MB of 256 MB').waitFor();
  await page.getByRole('list', { name: 'Memory per instance' }).getByText('83 MB used · limit 256 MB').waitFor();
  await page.getByRole('figure', { name: 'Requests' }).getByText('now 11/s').waitFor();
  await page.getByRole('figure', { name: 'Latency' }).getByText('p50 5 ms · p99 100 ms').waitFor();
  await page.getByRole('figure', { name: '5xx responses' }).getByText('now 0.9%').waitFor();
  assert.ok((await page.locator('.chart path.line').count()) >= 5);
  await screenshot(page, 'metrics');
  await page.setViewportSize(PHONE);
  assert.ok((await horizontalOverflow(page)) <= 0);
  await screenshot(page, 'metrics-phone');
  await page.setViewportSize(DESKTOP);
  await page.goto(`${platform.url}/apps/${name}/resources`);
  await page.getByText('83 of 256 MB', { exact: false }).waitFor();
  await db.instance.delete({ where: { id: instance.id } });
});

test('settings: a health check is saved and session affinity toggles', async () => {
  await page.goto(`${platform.url}/apps/${name}/settings`);
  await page.getByLabel('Check', { exact: true }).selectOption('path');
  await page.getByLabel('Path').fill('/health');
  await page.getByLabel('Expected content (optional)').fill('ok');
  await page.getByLabel('Timeout (seconds)').fill('3');
  await page.getByLabel('Attempts').fill('4');
  await page.getByRole('button', { name: 'Save health check' }).click();
  await page.getByText('Saved: new instances use it.').waitFor();
  const saved = (await appRow()).healthcheck as Record<string, { type: string; path: string; content: string; timeout: number; attempts: number }[]>;
  assert.deepEqual([saved.web?.[0]?.type, saved.web?.[0]?.path, saved.web?.[0]?.content, saved.web?.[0]?.timeout, saved.web?.[0]?.attempts], ['startup', '/health', 'ok', 3, 4]);

  // Another kind of check replaces it, in app.json's format; a command check runs in the container.
  await page.getByLabel('Check', { exact: true }).selectOption('command');
  await page.getByLabel('Command (exit 0 passes)').fill('test -f /app/package.json');
  await page.getByRole('button', { name: 'Save health check' }).click();
  await page.getByText('Saved: new instances use it.').waitFor();
  const replaced = (await appRow()).healthcheck as Record<string, { type: string; command?: string; path?: string }[]>;
  assert.deepEqual([replaced.web?.length, replaced.web?.[0]?.type, replaced.web?.[0]?.command, replaced.web?.[0]?.path], [1, 'startup', 'test -f /app/package.json', undefined]);

  const affinity = page.getByRole('switch', { name: "Send each client's requests to the same instance" });
  assert.equal(await affinity.isChecked(), false);
  await affinity.click();
  await page.waitForFunction(() => (document.querySelector('input[role=switch]') as HTMLInputElement | null)?.checked === true);
  assert.equal((await appRow()).sessionAffinity, true);
  await screenshot(page, 'settings-healthcheck-affinity');
});

test('apps list: release and process counts come with the list, one request for every row; the team switcher filters', async () => {
  const { db } = platform.api.deps;
  const app = await appRow();
  // Apps get their formation from their first push; this one is seeded as a push would leave it.
  await db.formation.upsert({ where: { appId_type: { appId: app.id, type: 'web' } }, create: { appId: app.id, type: 'web', quantity: 2 }, update: { quantity: 2 } });
  const release = await db.release.upsert({
    where: { appId_version: { appId: app.id, version: 1 } },
    create: { appId: app.id, version: 1, config: '', status: 'succeeded', description: 'Deploy f00dfac' },
    update: {},
  });
  await db.instance.create({ data: { appId: app.id, releaseId: release.id, type: 'web', name: 'web.1', state: 'running' } });
  await db.instance.create({ data: { appId: app.id, releaseId: release.id, type: 'web', name: 'web.2', state: 'crashed' } });
  assert.equal((await api('POST', '/v1/teams', { name: `ops-${suffix}` })).status, 201);
  for (const other of ['one', 'two', 'three']) assert.equal((await api('POST', '/v1/apps', { name: `${other}-${suffix}`, team: `ops-${suffix}` })).status, 201);

  const calls: string[] = [];
  const onRequest = (r: { url: () => string }) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/v1/')) calls.push(path);
  };
  // Leave the page an earlier test opened first, so none of its polls are counted as the list's.
  await page.goto('about:blank');
  page.on('request', onRequest);
  await page.goto(`${platform.url}/apps`);
  const list = page.getByRole('list', { name: 'Your apps' });
  const row = list.getByRole('listitem').filter({ hasText: name });
  await list.getByRole('link', { name: `three-${suffix}`, exact: true }).waitFor();
  // Earlier tests may have added releases (detaching an add-on makes one).
  const current = await db.release.findFirstOrThrow({ where: { appId: app.id, status: 'succeeded' }, orderBy: { version: 'desc' } });
  await row.getByText(`v${current.version}`, { exact: true }).waitFor();
  await row.getByText('1/2 up').waitFor();
  await row.getByText('1 crashed').waitFor();
  page.off('request', onRequest);
  assert.equal(calls.filter((c) => c.startsWith('/v1/apps')).length, 1, calls.join(', '));
  await screenshot(page, 'apps-list-status');

  await page.getByLabel('Team', { exact: true }).selectOption(`ops-${suffix}`);
  await list.getByRole('link', { name: `one-${suffix}`, exact: true }).waitFor();
  assert.equal(await list.getByRole('link', { name, exact: true }).count(), 0);
  await screenshot(page, 'apps-team-filter');
  await page.setViewportSize(PHONE);
  assert.ok((await horizontalOverflow(page)) <= 0);
  await screenshot(page, 'apps-team-filter-phone');
  await page.setViewportSize(DESKTOP);
  await page.getByLabel('Team', { exact: true }).selectOption('');
});
