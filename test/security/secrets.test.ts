import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '@slipway/core';
import { startApi, client, tokenFor, type TestApi } from '../support/api-server.ts';

let api: TestApi;
before(async () => {
  api = await startApi();
});
after(async () => api.stop());

test('secrets at rest: ciphertext only, and key rotation re-encrypts everything', async () => {
  const admin = client(api.url, await tokenFor(api.url, api.admin.email, api.admin.password));
  await admin('POST', '/v1/apps', { name: 'vault' });
  await admin('PATCH', '/v1/apps/vault/config-vars', { API_KEY: 'sk_live_very_secret', OTHER: 'plain?' });
  const raw = JSON.stringify(await api.deps.db.configVar.findMany()) + JSON.stringify(await api.deps.db.release.findMany());
  assert.ok(!raw.includes('sk_live_very_secret'), 'no clear text in config vars or release snapshots');

  const oldKey = api.deps.config.SLIPWAY_SECRET_KEYS;
  const newKey = randomBytes(32).toString('base64');
  api.deps.box = new SecretBox([newKey, oldKey]);
  const rotated = await admin('POST', '/v1/admin/secrets/rotate');
  assert.equal(rotated.status, 200);
  assert.deepEqual(rotated.body, { configVars: 2, releases: 1, addons: 0 });
  assert.deepEqual((await admin('POST', '/v1/admin/secrets/rotate')).body, { configVars: 0, releases: 0, addons: 0 }, 'a repeat has nothing left to do');

  // The old key can now be dropped: everything still decrypts with the new key alone.
  api.deps.box = new SecretBox([newKey]);
  assert.deepEqual((await admin('GET', '/v1/apps/vault/config-vars')).body, { API_KEY: 'sk_live_very_secret', OTHER: 'plain?' });
  assert.deepEqual((await admin('GET', '/v1/apps/vault/releases/1')).body.configKeys, ['API_KEY', 'OTHER']);

  await admin('POST', '/v1/users', { email: 'member@example.com', password: 'long-password-1' });
  const other = client(api.url, await tokenFor(api.url, 'member@example.com', 'long-password-1'));
  assert.equal((await other('POST', '/v1/admin/secrets/rotate')).status, 403);
});

test('secret values never appear in audit events', async () => {
  const events = await api.deps.db.event.findMany();
  assert.ok(!JSON.stringify(events).includes('sk_live_very_secret'));
});
