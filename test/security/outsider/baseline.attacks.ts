import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { helloApp } from './harness.ts';
import { world } from './world.ts';

// Issue 14: attacks that already failed before it, kept so that none returns.

export function attacks(): void {
  describe('outsider: the doors that already held', { timeout: 900_000 }, () => {
    let appA = '';
    before(async () => {
      appA = world.appName('base-a');
      const pushed = await world.deploy(world.alice, appA, helloApp('alice-app'));
      assert.equal(pushed.code, 0, pushed.out);
    });

    test("alice's app serves through the router", async () => {
      const res = await world.viaRouter(`${appA}.slipway.localhost`);
      assert.equal(res.status, 200);
      assert.match(res.body, /^alice-app web\.1/);
    });

    test("bob cannot see, change or push to alice's app: 404 as if it did not exist", async () => {
      for (const [method, path, body] of [
        ['GET', `/v1/apps/${appA}`],
        ['GET', `/v1/apps/${appA}/config-vars`],
        ['PATCH', `/v1/apps/${appA}/config-vars`, { X: '1' }],
        ['DELETE', `/v1/apps/${appA}`],
      ] as const) {
        const res = await world.bob.api(method, path, body);
        assert.equal(res.status, 404, `${method} ${path}: ${JSON.stringify(res.body)}`);
      }
      const info = await world.bob.shell.slipway(['apps:info', '-a', appA]);
      assert.notEqual(info.code, 0);
      assert.match(info.out, /not found/i);
    });
  });
}
