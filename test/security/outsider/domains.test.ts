import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Outsiders, helloApp } from './harness.ts';

// Issue 14, holes 2 and 3: a domain's route outliving the domain, and the platform's own names claimed as custom domains.
const CONSOLE_HOST = 'console.outsider.test';
// The platform reads this like any setting: the control plane's own names are never tenants' domains.
process.env.SLIPWAY_RESERVED_HOSTS = CONSOLE_HOST;
const world = new Outsiders();
const DOMAIN = 'slipway.localhost';
const unique = (base: string) => `${base}-${randomBytes(3).toString('hex')}.example.test`;

/** Polls through the router until `done` holds for an answer; returns every answer seen on the way. */
async function watch(host: string, done: (r: { status: number; body: string }) => boolean, timeoutMs = 30_000): Promise<{ status: number; body: string }[]> {
  const seen: { status: number; body: string }[] = [];
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await world.viaRouter(host);
    seen.push(r);
    if (done(r)) return seen;
    if (Date.now() > end) throw new Error(`${host}: still ${r.status} ${r.body.slice(0, 80)} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

const isNoSuchApp = (r: { status: number; body: string }) => r.status === 404 && /No such app/.test(r.body);

describe('outsider: domains route only to the app that holds them, and the platform keeps its own names', { timeout: 900_000 }, () => {
  let appA = '';
  let appB = '';
  before(async () => {
    await world.start();
    appA = world.appName('dom-a');
    appB = world.appName('dom-b');
    for (const [t, app, mark] of [[world.alice, appA, 'alice-app'], [world.bob, appB, 'bob-app']] as const) {
      const pushed = await world.deploy(t, app, helloApp(mark));
      assert.equal(pushed.code, 0, pushed.out);
    }
  });
  after(() => world.stop());

  test('stale domain: alice adds, removes, bob adds: every request goes to bob; when bob removes it too: 404', async () => {
    const host = unique('sec-stale');
    assert.equal((await world.alice.api('POST', `/v1/apps/${appA}/domains`, { hostname: host })).status, 201);
    await watch(host, (r) => r.body.startsWith('alice-app'));

    assert.equal((await world.alice.api('DELETE', `/v1/apps/${appA}/domains/${host}`)).status, 204);
    const removed = Date.now();
    const gone = await watch(host, isNoSuchApp, 2_000);
    console.log(`# a removed domain answered 404 ${Date.now() - removed} ms after the 204 (${gone.length} request(s))`);

    assert.equal((await world.bob.api('POST', `/v1/apps/${appB}/domains`, { hostname: host })).status, 201);
    const way = await watch(host, (r) => r.body.startsWith('bob-app'));
    assert.deepEqual(way.filter((r) => r.body.includes('alice-app')), [], 'no answer from alice on the way');
    for (let i = 0; i < 12; i++) assert.match((await world.viaRouter(host)).body, /^bob-app web\.1/);

    assert.equal((await world.bob.api('DELETE', `/v1/apps/${appB}/domains/${host}`)).status, 204);
    await watch(host, isNoSuchApp, 2_000);
    // And it stays gone: the scheduler's passes (every second here) do not bring it back.
    await sleep(3_000);
    assert.ok(isNoSuchApp(await world.viaRouter(host)));
  });

  test('alice cannot add a domain bob holds (409), and bob keeps it', async () => {
    const host = unique('held');
    assert.equal((await world.bob.api('POST', `/v1/apps/${appB}/domains`, { hostname: host })).status, 201);
    const taken = await world.alice.api('POST', `/v1/apps/${appA}/domains`, { hostname: host.toUpperCase() });
    assert.equal(taken.status, 409, JSON.stringify(taken.body));
    assert.match(JSON.stringify(taken.body), /already in use by another app/);
    const cli = await world.alice.shell.slipway(['domains:add', host, '-a', appA]);
    assert.notEqual(cli.code, 0);
    assert.match(cli.out, /already in use by another app/);
    await watch(host, (r) => r.body.startsWith('bob-app'));
  });

  test("alice cannot claim the platform's own names: each refused (422) with the reason", async () => {
    const cases: [string, RegExp][] = [
      [DOMAIN, /names under slipway\.localhost are the platform's/],
      [`${appB}.${DOMAIN}`, /names under slipway\.localhost are the platform's/],
      [`${appA}.${DOMAIN}`, /names under slipway\.localhost are the platform's/],
      [`x.${appB}.${DOMAIN}`, /names under slipway\.localhost are the platform's/],
      ['127.0.0.1', /is an IP address/],
      ['[::1]', /is an IP address/],
      ['::1', /is an IP address/],
      ['10.231.0.1', /is an IP address/],
      ['127.1', /is an IP address/],
      ['2130706433', /is an IP address/],
      ['localhost', /localhost names point at the machine itself/],
      ['evil.localhost', /localhost names point at the machine itself/],
      [new URL(world.platform.apiUrl).hostname, /is an IP address/],
      [CONSOLE_HOST, /host name of the Slipway control plane/],
      ['intranet', /at least two labels/],
    ];
    for (const [hostname, why] of cases) {
      const res = await world.alice.api('POST', `/v1/apps/${appA}/domains`, { hostname });
      assert.equal(res.status, 422, `${hostname}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.match(String((res.body as { error?: { message?: string } }).error?.message), why, hostname);
    }
    const cli = await world.alice.shell.slipway(['domains:add', DOMAIN, '-a', appA]);
    assert.notEqual(cli.code, 0);
    assert.match(cli.out, /reserved: names under slipway\.localhost are the platform's/);
    assert.deepEqual((await world.alice.api('GET', `/v1/apps/${appA}/domains`)).body, []);
  });

  test('requests by IP, for the bare domain, localhost or an unknown host get the 404 page, never an app', async () => {
    const port = world.platform.routerPort;
    for (const host of ['127.0.0.1', `127.0.0.1:${port}`, '[::1]', `[::1]:${port}`, '10.231.0.1', DOMAIN, `${DOMAIN}.`, `${DOMAIN.toUpperCase()}:${port}`, 'localhost', `localhost:${port}`, 'unknown.example.test', CONSOLE_HOST, `x.${appA}.${DOMAIN}`, '']) {
      const res = await world.viaRouter(host);
      assert.ok(isNoSuchApp(res), `${JSON.stringify(host)}: ${res.status} ${res.body.slice(0, 80)}`);
    }
    // The default hosts still answer, in any spelling of the same name.
    assert.match((await world.viaRouter(`${appA.toUpperCase()}.${DOMAIN}.:${port}`)).body, /^alice-app/);
  });

  test("destroying alice's app leaves no route for its custom domain or its default host; bob can then take the domain", async () => {
    const host = unique('gone');
    assert.equal((await world.alice.api('POST', `/v1/apps/${appA}/domains`, { hostname: host })).status, 201);
    await watch(host, (r) => r.body.startsWith('alice-app'));
    assert.equal((await world.alice.api('DELETE', `/v1/apps/${appA}`)).status, 204);
    for (const h of [host, `${appA}.${DOMAIN}`]) await watch(h, isNoSuchApp, 2_000);
    await sleep(3_000);
    for (const h of [host, `${appA}.${DOMAIN}`]) assert.ok(isNoSuchApp(await world.viaRouter(h)), h);

    assert.equal((await world.bob.api('POST', `/v1/apps/${appB}/domains`, { hostname: host })).status, 201);
    await watch(host, (r) => r.body.startsWith('bob-app'));
  });
});
