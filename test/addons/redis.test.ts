import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { Queue, Worker } from 'bullmq';
import { addonServers, startHarness, type AdminUrls, type Harness } from './harness.ts';

describe('redis add-ons on the managed server', { timeout: 180_000 }, () => {
  let admin: AdminUrls;
  let h: Harness;
  const clients: Redis[] = [];
  before(async () => {
    admin = addonServers();
    h = await startHarness(admin);
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await h?.close();
  });

  async function provisionFor(appName: string): Promise<{ id: string; url: string; prefix: string }> {
    const appId = await h.newApp(appName);
    const { id } = await h.broker.service.provision({ teamId: h.teamId, spec: 'redis', attach: { appId } });
    const ready = await h.waitFor(id, ['available', 'failed']);
    assert.equal(ready.state, 'available', ready.failure ?? '');
    const vars = await h.broker.service.configVarsForApp(appId);
    assert.ok(vars.REDIS_URL && vars.REDIS_KEY_PREFIX, 'REDIS_URL and REDIS_KEY_PREFIX are set');
    return { id, url: vars.REDIS_URL, prefix: vars.REDIS_KEY_PREFIX };
  }

  const connect = (url: string, keyPrefix?: string): Redis => {
    const c = new Redis(url, { keyPrefix, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };

  /** The server's answer to logging in with `url` (ioredis reports it as an 'error' event). */
  async function loginError(url: string): Promise<string> {
    const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const first = new Promise<string>((resolve) => c.once('error', (e: Error) => resolve(e.message)));
    await c.connect().catch(() => undefined);
    c.disconnect();
    return first;
  }

  test("A's credentials cannot read or write B's keys", async () => {
    const a = await provisionFor('app-a');
    const b = await provisionFor('app-b');
    const bApp = connect(b.url, b.prefix);
    await bApp.connect();
    await bApp.set('secret', 'b-data');
    await bApp.publish(`${b.prefix}events`, 'ping'); // ioredis keyPrefix covers keys, not channels

    const aRaw = connect(a.url);
    await aRaw.connect();
    await assert.rejects(aRaw.get(`${b.prefix}secret`), /NOPERM/);
    await assert.rejects(aRaw.set(`${b.prefix}secret`, 'overwritten'), /NOPERM/);
    await assert.rejects(aRaw.del(`${b.prefix}secret`), /NOPERM/);
    await assert.rejects(aRaw.eval(`return redis.call('GET', KEYS[1])`, 1, `${b.prefix}secret`), /NOPERM|No permissions/);
    await assert.rejects(aRaw.publish(`${b.prefix}events`, 'spoof'), /NOPERM/);
    await assert.rejects(aRaw.call('SELECT', '1'), /NOPERM/);
    for (const cmd of [['KEYS', '*'], ['SCAN', '0'], ['FLUSHALL'], ['CONFIG', 'GET', '*'], ['ACL', 'LIST'], ['CLIENT', 'LIST'], ['PUBSUB', 'CHANNELS']]) {
      await assert.rejects(aRaw.call(cmd[0]!, ...cmd.slice(1)), /NOPERM/, `${cmd.join(' ')} must be denied`);
    }
    assert.equal(await bApp.get('secret'), 'b-data', "B's data is untouched");

    // Ordinary use through a key prefix works, including Lua and pub/sub on own channels.
    const aApp = connect(a.url, a.prefix);
    await aApp.connect();
    await aApp.set('counter', '1');
    assert.equal(await aApp.incr('counter'), 2);
    assert.equal(await aApp.eval(`return redis.call('GET', KEYS[1])`, 1, 'counter'), '2');
    assert.equal(await aRaw.publish(`${a.prefix}events`, 'hello'), 0);

    assert.match(await loginError(a.url.replace(/:[^:@]+@/, ':wrong@')), /WRONGPASS/);
    assert.match(await loginError(`redis://${new URL(a.url).host}`), /NOAUTH/, 'the default user is off');
  });

  test('BullMQ runs on an add-on with its prefix', async () => {
    const a = await provisionFor('app-bull');
    const connection = { url: a.url, maxRetriesPerRequest: null };
    const prefix = a.prefix.slice(0, -1); // BullMQ adds the ':'
    const queue = new Queue('work', { connection, prefix });
    let worker: Worker | undefined;
    try {
      const done = new Promise<unknown>((resolve, reject) => {
        worker = new Worker('work', async (job) => (job.data as { n: number }).n * 2, { connection, prefix });
        worker.on('completed', (_job, result) => resolve(result));
        worker.on('failed', (_job, err) => reject(err));
      });
      await queue.add('double', { n: 21 });
      assert.equal(await done, 42);
    } finally {
      await worker?.close();
      await queue.close();
    }
  });

  test('destroy deletes the user and its keys and disconnects it; repeating is harmless', async () => {
    const a = await provisionFor('app-destroy');
    const app = connect(a.url, a.prefix);
    await app.connect();
    await app.mset('k1', 'v', 'k2', 'v');
    await h.broker.service.deprovision(a.id);
    assert.equal((await h.waitFor(a.id, ['deprovisioned', 'failed'])).state, 'deprovisioned');
    await assert.rejects(app.get('k1'), 'the open connection was closed');
    assert.match(await loginError(a.url), /WRONGPASS/);

    const adminClient = connect(admin.redis);
    await adminClient.connect();
    assert.deepEqual(await adminClient.keys(`${a.prefix}*`), []);
    assert.equal(await adminClient.call('ACL', 'GETUSER', new URL(a.url).username), null);
    assert.equal((await h.broker.service.deprovision(a.id)).addon.state, 'deprovisioned');
  });
});
