import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { client, tokenFor } from '../support/api-server.ts';
import { startPlatform, type TestPlatform } from './platform.ts';
import { launchBrowser, logIn, screenshot, horizontalOverflow, PHONE, DESKTOP, type TestBrowser } from './browser.ts';

let platform: TestPlatform;
let browser: TestBrowser;
let page: Page;

before(async () => {
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
});
after(async () => {
  await browser?.close();
  await platform?.stop();
});
beforeEach(async () => {
  await browser.context.clearCookies();
  page = await browser.context.newPage();
  await page.setViewportSize(DESKTOP);
});

const admin = () => platform.api.admin;
const adminApi = async () => client(platform.url, await tokenFor(platform.url, admin().email, admin().password));

test('a wrong password shows a clear error; the keyboard alone logs in', async () => {
  await page.goto(`${platform.url}/apps`);
  await page.waitForURL(/\/login\?next=%2Fapps$/);
  await page.getByLabel('Email').fill(admin().email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.equal(await alert.innerText(), 'Email or password is incorrect');
  await screenshot(page, 'login-wrong-password');

  await page.getByLabel('Password').fill(admin().password);
  await page.getByLabel('Password').press('Enter');
  await page.getByRole('heading', { name: 'Apps', level: 1 }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/apps');
  await page.close();
});

test('create an app, set and reveal a config var, see releases, scale, roll back, destroy', async () => {
  await logIn(page, platform.url, admin().email, admin().password);
  // Survives only if no navigation reloads the page.
  await page.evaluate(() => Object.assign(window, { spaMarker: 'still-here' }));

  await page.getByRole('button', { name: 'New app' }).click();
  await page.getByLabel('App name').fill('web-shop');
  await page.getByRole('button', { name: 'Create app' }).click();
  await page.getByRole('heading', { name: 'web-shop', level: 1 }).waitFor();
  await page.getByText('Nothing deployed yet').waitFor();
  await screenshot(page, 'app-overview-new');

  // Config var: set, masked, revealed; the change makes release v1.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Key').fill('GREETING');
  await page.getByLabel('Value', { exact: true }).fill('hello from slipway');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByText('Saved. Release v1 created.').waitFor();
  const list = page.getByRole('list', { name: 'Config vars' });
  assert.equal(await list.getByText('hello from slipway').count(), 0, 'values stay hidden until revealed');
  await page.getByRole('button', { name: 'Reveal config vars' }).click();
  await list.getByText('hello from slipway').waitFor();
  await screenshot(page, 'app-settings-config-revealed');

  // Bulk paste of .env text: one more release with two keys.
  await page.getByRole('button', { name: 'Bulk edit' }).click();
  await page.getByLabel('Paste or edit KEY=value lines').fill('GREETING=bonjour\n# a comment\nexport WORKERS="4"\n');
  await page.getByRole('button', { name: 'Save 2 changes' }).click();
  await page.getByText('Saved. Release v2 created.').waitFor();
  await list.getByText('bonjour').waitFor();

  // Releases: the config key diff, then a rollback to v1 creates v3.
  await page.getByRole('link', { name: 'Releases' }).click();
  const releases = page.getByRole('list', { name: 'Releases, newest first' });
  await releases.getByText('Set GREETING, WORKERS config vars').waitFor();
  await releases.getByText('+WORKERS').waitFor();
  await page.getByRole('button', { name: 'Roll back to v1' }).click();
  await page.getByRole('dialog', { name: 'Roll back to v1' }).getByRole('button', { name: 'Roll back' }).click();
  await releases.getByText('Rollback to v1').waitFor();
  await releases.getByText('−WORKERS').waitFor();
  await screenshot(page, 'app-releases-after-rollback');
  const api = await adminApi();
  assert.deepEqual((await api('GET', '/v1/apps/web-shop/config-vars')).body, { GREETING: 'hello from slipway' });

  // The formation comes with the first push: seed what a push of a web app leaves (release and web=1).
  const { db, box } = platform.api.deps;
  const shop = await db.app.findUniqueOrThrow({ where: { name: 'web-shop' } });
  await db.release.create({ data: { appId: shop.id, version: 4, image: 'web-shop:v4', processTypes: { web: 'npm start' }, config: box.encryptJson({}), description: 'Deploy', status: 'succeeded' } });
  await db.formation.create({ data: { appId: shop.id, type: 'web', quantity: 1 } });
  // Scale web from 1 to 3 and make it bigger (the default size is standard).
  await page.getByRole('link', { name: 'Resources' }).click();
  const web = page.getByRole('form', { name: 'Scale web' });
  await web.getByRole('button', { name: 'More web instances' }).click();
  await web.getByRole('button', { name: 'More web instances' }).click();
  await web.getByLabel('web size').selectOption('performance');
  await web.getByRole('button', { name: 'Save' }).click();
  await web.getByRole('button', { name: 'Save' }).and(page.locator(':disabled')).waitFor();
  assert.deepEqual((await api('GET', '/v1/apps/web-shop/formation')).body.map((f: { type: string; quantity: number; size: string }) => [f.type, f.quantity, f.size]), [['web', 3, 'performance']]);
  await screenshot(page, 'app-resources-scaled');

  await page.getByRole('link', { name: 'Activity' }).click();
  await page.getByText('scaled processes: web × 3 performance').waitFor();
  await page.getByText('rolled back to v1, creating v3').waitFor();
  await screenshot(page, 'app-activity');

  // Destroy needs the name typed.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Destroy app…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Destroy web-shop' });
  const destroy = dialog.getByRole('button', { name: 'Destroy app' });
  assert.equal(await destroy.isDisabled(), true);
  await dialog.getByLabel('Type web-shop to confirm').fill('web-sho');
  assert.equal(await destroy.isDisabled(), true);
  await dialog.getByLabel('Type web-shop to confirm').fill('web-shop');
  await screenshot(page, 'app-destroy-confirm');
  await destroy.click();
  await page.getByText('No apps yet').waitFor();
  assert.equal((await api('GET', '/v1/apps/web-shop')).status, 404);

  assert.equal(await page.evaluate(() => (window as unknown as { spaMarker?: string }).spaMarker), 'still-here', 'no full-page reload happened');
  await page.close();
});

test("an unknown app and another team's app show a clear not-found message", async () => {
  const api = await adminApi();
  assert.equal((await api('POST', '/v1/users', { email: 'bob@example.com', password: 'bob-password-123' })).status, 201);
  const bob = client(platform.url, await tokenFor(platform.url, 'bob@example.com', 'bob-password-123'));
  assert.equal((await bob('POST', '/v1/apps', { name: 'bobs-secret' })).status, 201);

  await logIn(page, platform.url, admin().email, admin().password);
  for (const name of ['no-such-app', 'bobs-secret']) {
    await page.goto(`${platform.url}/apps/${name}/settings`);
    await page.getByRole('heading', { name: 'App not found' }).waitFor();
    await page.getByText(`There is no app named ${name}, or you are not a member of its team.`).waitFor();
  }
  await screenshot(page, 'app-not-found');
  await page.goto(`${platform.url}/no/such/page`);
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  await page.close();
});

test('account: an API token is shown once, works, and is revoked; logout ends the session', async () => {
  await logIn(page, platform.url, admin().email, admin().password);
  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByLabel('Description').fill('dashboard test');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.getByLabel('Token "dashboard test"').inputValue();
  assert.match(token, /^slw/);
  assert.equal((await client(platform.url, token)('GET', '/v1/account')).status, 200);
  await screenshot(page, 'account-token-created');

  await page.getByRole('button', { name: 'I have copied it' }).click();
  await page.getByRole('button', { name: 'Revoke token dashboard test' }).click();
  await page.getByRole('button', { name: 'Revoke token dashboard test' }).waitFor({ state: 'detached' });
  assert.equal((await client(platform.url, token)('GET', '/v1/account')).status, 401);
  await page.getByText('owner').first().waitFor();

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  await page.goto(`${platform.url}/account`);
  await page.waitForURL(/\/login\?next=%2Faccount$/);
  await page.close();
});

test('phone width: pages fit 375px without sideways scrolling', async () => {
  await page.setViewportSize(PHONE);
  const api = await adminApi();
  await api('POST', '/v1/apps', { name: 'pocket-app' });
  await api('PATCH', '/v1/apps/pocket-app/config-vars', { DATABASE_URL: 'postgres://user:secret@db.internal:5432/pocket', LOG_LEVEL: 'info' });

  await page.goto(`${platform.url}/login`);
  await screenshot(page, 'phone-login');
  await logIn(page, platform.url, admin().email, admin().password);
  await page.getByRole('link', { name: 'pocket-app', exact: true }).waitFor();
  await screenshot(page, 'phone-apps');
  for (const tab of ['', '/resources', '/deploy', '/releases', '/logs', '/activity', '/settings']) {
    await page.goto(`${platform.url}/apps/pocket-app${tab}`);
    await page.getByRole('heading', { name: 'pocket-app', level: 1 }).waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached' });
    assert.ok((await horizontalOverflow(page)) <= 0, `no sideways scroll on ${tab || 'overview'}`);
  }
  await page.getByRole('button', { name: 'Reveal config vars' }).click();
  await screenshot(page, 'phone-settings');
  await page.close();
});

test('a viewer sees config var names with masked values and no reveal or edit controls; the value never reaches the browser', async () => {
  const api = await adminApi();
  const secret = 'postgres://app:viewer-must-not-see@db.internal:5432/vault';
  await api('POST', '/v1/apps', { name: 'viewed-app' });
  await api('PATCH', '/v1/apps/viewed-app/config-vars', { DATABASE_URL: secret, LOG_LEVEL: 'info' });
  const viewer = { email: 'viewer@dashboard.test', password: 'a-long-viewer-password' };
  await api('POST', '/v1/users', viewer);
  const team = (await api('GET', '/v1/apps/viewed-app')).body.team as string;
  assert.equal((await api('PUT', `/v1/teams/${team}/members`, { email: viewer.email, role: 'viewer' })).status, 200);

  const bodies: string[] = [];
  page.on('response', (res) => {
    if (res.url().includes('/v1/')) void res.text().then((t) => bodies.push(t), () => {});
  });
  await logIn(page, platform.url, viewer.email, viewer.password);
  await page.goto(`${platform.url}/apps/viewed-app/settings`);
  const list = page.getByRole('list', { name: 'Config vars' });
  await list.getByText('DATABASE_URL').waitFor();
  await list.getByText('LOG_LEVEL').waitFor();
  assert.equal(await list.getByLabel('DATABASE_URL: value hidden').innerText(), 'hidden');
  await page.getByText('Values hidden: your role "viewer" can see names only.').waitFor();
  for (const control of ['Reveal config vars', 'Bulk edit', 'Add', 'Edit DATABASE_URL', 'Remove DATABASE_URL', 'Save health check', 'Destroy app…']) {
    assert.equal(await page.getByRole('button', { name: control, exact: true }).count(), 0, `no "${control}" for a viewer`);
  }
  assert.equal(await page.getByRole('form', { name: 'Add a config var' }).count(), 0);
  await screenshot(page, 'settings-viewer-names-only');
  assert.ok(!(await page.content()).includes('viewer-must-not-see'));
  assert.ok(bodies.length > 0 && !bodies.some((b) => b.includes('viewer-must-not-see')), 'no API response carried the value');
  await page.close();
});
