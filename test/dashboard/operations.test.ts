import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { logsChannel, recentLogsKey } from '@slipway/scheduler/channels';
import type { LogLine } from '@slipway/api-types';
import { client, tokenFor } from '../support/api-server.ts';
import { startPlatform, type TestPlatform } from './platform.ts';
import { launchBrowser, logIn, screenshot, type TestBrowser } from './browser.ts';

// Logs, instances and nodes pages use the scheduler's endpoints; these tests run once the API serves them.
let platform: TestPlatform;
let browser: TestBrowser;
let page: Page;
let paths: Record<string, unknown> = {};

before(async () => {
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
  paths = ((await client(platform.url)('GET', '/v1/openapi.json')).body as { paths: Record<string, unknown> }).paths;
  page = await browser.context.newPage();
  await logIn(page, platform.url, platform.api.admin.email, platform.api.admin.password);
});
after(async () => {
  await browser?.close();
  await platform?.stop();
});

/** Skips the running test when the API does not declare `path` (checked at run time, after `before`). */
function missing(t: TestContext, path: string): boolean {
  if (paths[path]) return false;
  t.skip(`the API does not serve ${path} yet`);
  return true;
}

test('logs: recent lines, then a live line arrives, filtered by process type', async (t) => {
  if (missing(t, '/v1/apps/{app}/logs')) return;
  const api = client(platform.url, await tokenFor(platform.url, platform.api.admin.email, platform.api.admin.password));
  const app = (await api('POST', '/v1/apps', { name: 'chatty' })).body as { id: string };
  // The process filter lists the formation's types, which come with the first push: seed what a push leaves.
  await platform.api.deps.db.formation.create({ data: { appId: app.id, type: 'web', quantity: 1 } });
  const redis = platform.api.deps.redis;
  const line = (type: string, text: string): LogLine => ({ ts: new Date().toISOString(), dyno: `${type}.1`, type, instanceId: `${type}-i1`, stream: 'stdout', line: text });
  await redis.rpush(recentLogsKey(app.id), JSON.stringify(line('web', 'listening on port 5000')));

  await page.goto(`${platform.url}/apps/chatty/logs`);
  const log = page.getByRole('log', { name: 'Log lines' });
  await log.getByText('listening on port 5000').waitFor();
  await page.getByText('Live', { exact: true }).waitFor();
  await redis.publish(logsChannel(app.id), JSON.stringify(line('web', 'GET / 200 in 3ms')));
  await log.getByText('GET / 200 in 3ms').waitFor();

  await page.getByLabel('Process').selectOption('web');
  await page.getByText('Live', { exact: true }).waitFor();
  await redis.publish(logsChannel(app.id), JSON.stringify(line('worker', 'job done')));
  await redis.publish(logsChannel(app.id), JSON.stringify(line('web', 'GET /health 200')));
  await log.getByText('GET /health 200').waitFor();
  assert.equal(await log.getByText('job done').count(), 0);
  await screenshot(page, 'app-logs-live');
  await redis.del(recentLogsKey(app.id));
});

test('resources: the instances list answers for an app with none', async (t) => {
  if (missing(t, '/v1/apps/{app}/instances')) return;
  await page.goto(`${platform.url}/apps/chatty/resources`);
  await page.getByText('No instances: deploy the app, or scale a process above zero.').waitFor();
});

test('nodes: an administrator sees capacity and drains a node', async (t) => {
  if (missing(t, '/v1/nodes')) return;
  const { db } = platform.api.deps;
  await db.node.create({ data: { name: 'node-a', address: '10.0.0.11', credentialHash: `test-${Date.now()}`, memoryMb: 4096, cpus: 2, lastHeartbeatAt: new Date() } });
  await page.getByRole('link', { name: 'Nodes' }).click();
  await page.getByRole('heading', { name: 'node-a ready' }).waitFor();
  await page.getByText('0 of 4096 MB reserved · 0 instances').waitFor();
  await page.getByRole('button', { name: 'Drain node-a' }).click();
  await page.getByRole('dialog', { name: 'Drain node-a' }).getByRole('button', { name: 'Drain node' }).click();
  await page.getByRole('heading', { name: 'node-a draining' }).waitFor();
  assert.equal((await db.node.findUniqueOrThrow({ where: { name: 'node-a' } })).status, 'draining');
  await screenshot(page, 'nodes');
});
