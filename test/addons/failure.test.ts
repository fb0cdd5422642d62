import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addonServers, asClusterSuperuser, startHarness, type AdminUrls, type Harness } from './harness.ts';

function unreachable(url: string): string {
  const u = new URL(url);
  u.port = '1'; // nothing listens there: connection refused
  return u.toString();
}

describe('provider failures', { timeout: 180_000 }, () => {
  let admin: AdminUrls;
  before(() => {
    admin = addonServers();
  });

  describe('server unreachable', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(admin, { ADDONS_POSTGRES_ADMIN_URL: unreachable(admin.postgres), ADDONS_REDIS_ADMIN_URL: unreachable(admin.redis) });
    });
    after(async () => {
      await h?.close();
    });

    for (const spec of ['postgres', 'redis']) {
      test(`${spec}: ends failed with a reason and no credentials`, async () => {
        const { id } = await h.broker.service.provision({ teamId: h.teamId, spec });
        const addon = await h.waitFor(id, ['failed', 'available']);
        assert.equal(addon.state, 'failed');
        assert.match(addon.failure ?? '', /^provision failed: .*ECONNREFUSED/);
        await assert.rejects(h.broker.service.credentials(id), { code: 'conflict' });
        const row = await h.db.addon.findUniqueOrThrow({ where: { id } });
        assert.equal(row.credentials, null, 'no secret kept for a failed add-on');
      });
    }

    test('no admin password in logs or failure reasons', async () => {
      const text = h.logLines.join('') + JSON.stringify(await h.broker.service.list({ teamId: h.teamId }));
      assert.ok(h.logLines.some((l) => l.includes('ECONNREFUSED')), 'the failure itself is logged');
      for (const url of [admin.postgres, admin.redis]) assert.ok(!text.includes(new URL(url).password));
    });
  });

  describe('failure mid-provision on the real server', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(admin);
    });
    after(async () => {
      asClusterSuperuser(admin, 'ALTER ROLE slipway_admin CREATEDB');
      await h?.close();
    });

    test('the role made before the failure is cleaned up; a retry completes', async () => {
      // The role is created, then CREATE DATABASE is refused: a real partial provision.
      asClusterSuperuser(admin, 'ALTER ROLE slipway_admin NOCREATEDB');
      const { id } = await h.broker.service.provision({ teamId: h.teamId, spec: 'postgres' });
      const failed = await h.waitFor(id, ['failed', 'available']);
      asClusterSuperuser(admin, 'ALTER ROLE slipway_admin CREATEDB');
      assert.equal(failed.state, 'failed');
      assert.match(failed.failure ?? '', /permission denied to create database/);
      const role = `addon_${id.replaceAll('-', '')}`;
      assert.equal(asClusterSuperuser(admin, `SELECT count(*) FROM pg_roles WHERE rolname = '${role}'`).trim(), '0', 'no half-made role');

      const retried = await h.broker.service.provision({ id, teamId: h.teamId, spec: 'postgres' });
      assert.equal(retried.state, 'provisioning');
      assert.equal((await h.waitFor(id, ['failed', 'available'])).state, 'available');

      const { secret } = await h.broker.service.credentials(id);
      const logs = h.logLines.join('');
      assert.ok(!logs.includes(secret), 'the add-on password is not logged');
      assert.ok(!logs.includes(new URL(admin.postgres).password), 'the admin password is not logged');
    });
  });
});
