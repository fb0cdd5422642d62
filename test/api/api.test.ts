import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApi, client, tokenFor, type TestApi } from '../support/api-server.ts';
import { initialFormation } from '../../apps/builder/src/build/initial-formation.ts';

let api: TestApi;
let admin: ReturnType<typeof client>;
let adminToken: string;

before(async () => {
  api = await startApi();
  adminToken = await tokenFor(api.url, api.admin.email, api.admin.password);
  admin = client(api.url, adminToken);
});
after(async () => api.stop());

test('health and OpenAPI document are served', async () => {
  assert.equal((await client(api.url)('GET', '/healthz')).status, 200);
  const doc = await client(api.url)('GET', '/v1/openapi.json');
  assert.equal(doc.status, 200);
  assert.equal(doc.body.openapi, '3.1.0');
  assert.ok(doc.body.paths['/v1/apps/{app}/config-vars'].patch);
});

test('login: wrong password is 401, unknown fields are 422, a token is issued once', async () => {
  const anon = client(api.url);
  const bad = await anon('POST', '/v1/login', { email: api.admin.email, password: 'nope' });
  assert.equal(bad.status, 401);
  assert.equal(bad.body.error.code, 'unauthorized');
  const extra = await anon('POST', '/v1/login', { email: api.admin.email, password: 'x', admin: true });
  assert.equal(extra.status, 422);
  const who = await admin('GET', '/v1/account');
  assert.equal(who.status, 200);
  assert.equal(who.body.email, api.admin.email);
  assert.equal(who.body.isAdmin, true);
  assert.equal(who.body.teams.length, 1);
});

test('session login sets a cookie that authenticates, logout ends it', async () => {
  const res = await fetch(`${api.url}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: api.admin.email, password: api.admin.password }),
  });
  assert.equal(res.status, 200);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const withCookie = client(api.url);
  assert.equal((await withCookie('GET', '/v1/account', undefined, { cookie })).status, 200);
  assert.equal((await withCookie('POST', '/v1/logout', undefined, { cookie, 'x-requested-with': 'test' })).status, 204);
  assert.equal((await withCookie('GET', '/v1/account', undefined, { cookie })).status, 401);
});

test('no token, wrong token, malformed JSON, oversize body', async () => {
  assert.equal((await client(api.url)('GET', '/v1/apps')).status, 401);
  const wrong = await client(api.url, 'slw_not-a-real-token')('GET', '/v1/apps');
  assert.equal(wrong.status, 401);
  assert.match(wrong.body.error.message, /token/i);
  const malformed = await admin('POST', '/v1/apps', '{"name": ');
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.error.code, 'bad_request');
  const huge = await admin('PATCH', '/v1/apps/nothing/config-vars', { BIG: 'x'.repeat(400_000) });
  assert.equal(huge.status, 413);
  const unknownRoute = await admin('GET', '/v1/nope');
  assert.equal(unknownRoute.status, 404);
});

test('apps: create, validate names, list, info, rename, destroy', async () => {
  for (const name of ['A', 'ab', 'has_underscore', '9starts-with-digit', 'ends-with-dash-', 'x'.repeat(31)]) {
    const res = await admin('POST', '/v1/apps', { name });
    assert.equal(res.status, 422, name);
    assert.equal(res.body.error.code, 'validation_failed');
  }
  assert.equal((await admin('POST', '/v1/apps', { name: 'shop', color: 'red' })).status, 422);
  const created = await admin('POST', '/v1/apps', { name: 'shop' });
  assert.equal(created.status, 201);
  assert.equal(created.body.name, 'shop');
  assert.match(created.body.webUrl, /^http:\/\/shop\.slipway\.localhost\/$/);
  assert.equal((await admin('POST', '/v1/apps', { name: 'shop' })).status, 409);

  const list = await admin('GET', '/v1/apps');
  assert.deepEqual(list.body.items.map((a: { name: string }) => a.name), ['shop']);
  const info = await admin('GET', '/v1/apps/shop');
  // No formation before the first release (Heroku): its process types set it.
  assert.deepEqual(info.body.formation, []);
  assert.equal(info.body.currentRelease, null);

  const renamed = await admin('PATCH', '/v1/apps/shop', { name: 'store' });
  assert.equal(renamed.status, 200);
  assert.equal((await admin('GET', '/v1/apps/shop')).status, 404);
  assert.equal((await admin('DELETE', '/v1/apps/store')).status, 204);
  assert.equal((await admin('DELETE', '/v1/apps/store')).status, 404);
  assert.equal((await admin('GET', '/v1/apps')).body.items.length, 0);
});

test('Idempotency-Key: the same create twice returns one app, the same response', async () => {
  const headers = { 'Idempotency-Key': 'create-once-1' };
  const first = await admin('POST', '/v1/apps', { name: 'once' }, headers);
  const second = await admin('POST', '/v1/apps', { name: 'once' }, headers);
  assert.equal(first.status, 201);
  assert.equal(second.status, 201);
  assert.deepEqual(second.body, first.body);
  const reused = await admin('POST', '/v1/apps', { name: 'other-name' }, headers);
  assert.equal(reused.status, 201, 'same key, same path: the stored answer is replayed');
  assert.equal(reused.body.name, 'once');
  assert.equal((await admin('GET', '/v1/apps')).body.items.filter((a: { name: string }) => a.name === 'once').length, 1);
  assert.equal((await admin('GET', '/v1/apps')).body.items.some((a: { name: string }) => a.name === 'other-name'), false);
  await admin('DELETE', '/v1/apps/once');
});

test('config vars: set many, unset, each change a release; bad keys change nothing', async () => {
  await admin('POST', '/v1/apps', { name: 'cfg' });
  const set = await admin('PATCH', '/v1/apps/cfg/config-vars', { A: '1', B: 'two words', C: 'x' });
  assert.equal(set.status, 200);
  assert.deepEqual(set.body.config, { A: '1', B: 'two words', C: 'x' });
  assert.equal(set.body.release.version, 1);
  assert.match(set.body.release.description, /Set A, B, C config vars/);
  const same = await admin('PATCH', '/v1/apps/cfg/config-vars', { A: '1' });
  assert.equal(same.body.release, null, 'no change, no release');
  const unset = await admin('PATCH', '/v1/apps/cfg/config-vars', { C: null });
  assert.deepEqual(unset.body.config, { A: '1', B: 'two words' });
  assert.equal(unset.body.release.version, 2);
  const bad = await admin('PATCH', '/v1/apps/cfg/config-vars', { 'BAD-KEY': 'v', D: 'd' });
  assert.equal(bad.status, 422);
  assert.deepEqual((await admin('GET', '/v1/apps/cfg/config-vars')).body, { A: '1', B: 'two words' });
  const stored = await api.deps.db.configVar.findMany();
  assert.ok(stored.every((v) => v.value.startsWith('v1.') && !v.value.includes('two words')), 'values are encrypted at rest');

  const releases = await admin('GET', '/v1/apps/cfg/releases');
  assert.deepEqual(releases.body.items.map((r: { version: number }) => r.version), [2, 1]);
  const v1 = await admin('GET', '/v1/apps/cfg/releases/1');
  assert.deepEqual(v1.body.configKeys, ['A', 'B', 'C']);
  assert.equal((await admin('GET', '/v1/apps/cfg/releases/99')).status, 404);
  assert.equal((await admin('GET', '/v1/apps/cfg/releases/abc')).status, 404);

  const rollback = await admin('POST', '/v1/apps/cfg/rollbacks', { version: 1 });
  assert.equal(rollback.status, 201);
  assert.equal(rollback.body.version, 3);
  assert.equal(rollback.body.description, 'Rollback to v1');
  assert.deepEqual((await admin('GET', '/v1/apps/cfg/config-vars')).body, { A: '1', B: 'two words', C: 'x' });
  assert.equal((await admin('POST', '/v1/apps/cfg/rollbacks', { version: 42 })).status, 404);
});

test('pagination on lists', async () => {
  await admin('POST', '/v1/apps', { name: 'paged' });
  for (let i = 0; i < 5; i++) await admin('PATCH', '/v1/apps/paged/config-vars', { N: String(i) });
  const first = await admin('GET', '/v1/apps/paged/releases?limit=2');
  assert.deepEqual(first.body.items.map((r: { version: number }) => r.version), [5, 4]);
  const second = await admin('GET', `/v1/apps/paged/releases?limit=2&cursor=${first.body.nextCursor}`);
  assert.deepEqual(second.body.items.map((r: { version: number }) => r.version), [3, 2]);
  const last = await admin('GET', `/v1/apps/paged/releases?limit=2&cursor=${second.body.nextCursor}`);
  assert.equal(last.body.nextCursor, null);
  assert.equal((await admin('GET', '/v1/apps/paged/releases?limit=0')).status, 422);
  assert.equal((await admin('GET', '/v1/apps/paged/releases?cursor=zz')).status, 422);
});

/** What a push leaves behind without building: a release with these process types and the builder's first formation. */
async function pushed(name: string, processTypes: Record<string, string>): Promise<void> {
  const { db, box } = api.deps;
  const app = await db.app.findUniqueOrThrow({ where: { name } });
  const version = (await db.release.count({ where: { appId: app.id } })) + 1;
  await db.release.create({ data: { appId: app.id, version, image: `${name}:v${version}`, processTypes, config: box.encryptJson({}), description: 'Deploy', status: 'succeeded' } });
  await db.formation.createMany({ data: initialFormation(Object.keys(processTypes), {}).map((f) => ({ appId: app.id, ...f })), skipDuplicates: true });
}

test('formation: scale, resize, refuse negative, absurd and unknown types, and the one-off types release and run', async () => {
  await admin('POST', '/v1/apps', { name: 'scaler' });
  const early = await admin('PATCH', '/v1/apps/scaler/formation', { updates: [{ type: 'web', quantity: 1 }] });
  assert.equal(early.status, 422);
  assert.match(early.body.error.message, /none yet \(push code first\)/);
  await pushed('scaler', { web: 'node server.js', release: 'node migrate.js' });
  assert.deepEqual((await admin('GET', '/v1/apps/scaler/formation')).body, [{ type: 'web', quantity: 1, size: 'standard', memoryMb: 512 }]);
  const ok = await admin('PATCH', '/v1/apps/scaler/formation', { updates: [{ type: 'web', quantity: 3, size: 'basic' }] });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body, [{ type: 'web', quantity: 3, size: 'basic', memoryMb: 256 }]);
  assert.equal((await admin('PATCH', '/v1/apps/scaler/formation', { updates: [{ type: 'web', quantity: -1 }] })).status, 422);
  assert.equal((await admin('PATCH', '/v1/apps/scaler/formation', { updates: [{ type: 'web', quantity: 100000 }] })).status, 422);
  const unknown = await admin('PATCH', '/v1/apps/scaler/formation', { updates: [{ type: 'worker', quantity: 1 }] });
  assert.equal(unknown.status, 422);
  assert.match(unknown.body.error.message, /Unknown process type worker/);
  assert.equal((await admin('GET', '/v1/apps/scaler/formation')).body[0].quantity, 3);
  for (const type of ['release', 'run']) {
    const oneOff = await admin('PATCH', '/v1/apps/scaler/formation', { updates: [{ type, quantity: 1 }] });
    assert.equal(oneOff.status, 422);
    assert.match(oneOff.body.error.message, type === 'release' ? /"release" is the release phase/ : /one-off processes/);
  }
});

test('domains: add, unique across apps, remove idempotently', async () => {
  await admin('POST', '/v1/apps', { name: 'dom-a' });
  await admin('POST', '/v1/apps', { name: 'dom-b' });
  assert.equal((await admin('POST', '/v1/apps/dom-a/domains', { hostname: 'WWW.Example.com' })).status, 201);
  assert.equal((await admin('POST', '/v1/apps/dom-a/domains', { hostname: 'www.example.com' })).status, 201, 'adding again is harmless');
  assert.equal((await admin('POST', '/v1/apps/dom-b/domains', { hostname: 'www.example.com' })).status, 409);
  assert.equal((await admin('POST', '/v1/apps/dom-b/domains', { hostname: 'not a host' })).status, 422);
  assert.equal((await admin('POST', '/v1/apps/dom-b/domains', { hostname: 'x.slipway.localhost' })).status, 422);
  assert.deepEqual((await admin('GET', '/v1/apps/dom-a/domains')).body.map((d: { hostname: string }) => d.hostname), ['www.example.com']);
  assert.equal((await admin('DELETE', '/v1/apps/dom-a/domains/www.example.com')).status, 204);
  assert.equal((await admin('DELETE', '/v1/apps/dom-a/domains/www.example.com')).status, 204);
  assert.equal((await admin('GET', '/v1/apps/dom-a/domains')).body.length, 0);
});

test('tokens: create shown once, list without secret, scoped token, revoke', async () => {
  const created = await admin('POST', '/v1/tokens', { description: 'ci', scopes: ['read'] });
  assert.equal(created.status, 201);
  assert.match(created.body.token, /^slw_/);
  const list = await admin('GET', '/v1/tokens');
  assert.ok(list.body.items.every((t: Record<string, unknown>) => !('token' in t) && !('tokenHash' in t)));
  const reader = client(api.url, created.body.token);
  assert.equal((await reader('GET', '/v1/apps')).status, 200);
  const denied = await reader('POST', '/v1/apps', { name: 'by-reader' });
  assert.equal(denied.status, 403);
  assert.match(denied.body.error.message, /scopes \(read\) do not allow this action; it needs a token with scope global/);

  // deploy: what a member does to an existing app, secrets included; never creates, renames or destroys apps or teams.
  await admin('POST', '/v1/apps', { name: 'ci-target' });
  await pushed('ci-target', { web: 'node server.js' });
  const ci = client(api.url, (await admin('POST', '/v1/tokens', { description: 'ci', scopes: ['deploy'] })).body.token);
  assert.equal((await ci('PATCH', '/v1/apps/ci-target/config-vars', { TOKEN: 'ci-secret' })).status, 200);
  assert.deepEqual((await ci('GET', '/v1/apps/ci-target/config-vars')).body, { TOKEN: 'ci-secret' });
  assert.equal((await ci('PATCH', '/v1/apps/ci-target/formation', { updates: [{ type: 'web', quantity: 2 }] })).status, 200);
  for (const [method, path, body] of [
    ['POST', '/v1/apps', { name: 'by-ci' }],
    ['PATCH', '/v1/apps/ci-target', { name: 'ci-renamed' }],
    ['DELETE', '/v1/apps/ci-target'],
    ['POST', '/v1/teams', { name: 'ci-team' }],
    ['POST', '/v1/tokens', { description: 'more' }],
  ] as const) {
    assert.equal((await ci(method, path, body)).status, 403, `deploy token: ${method} ${path}`);
  }
  assert.equal((await admin('GET', '/v1/apps/ci-target')).status, 200);
  assert.equal((await admin('GET', '/v1/apps/by-ci')).status, 404);
  assert.equal((await admin('DELETE', `/v1/tokens/${created.body.id}`)).status, 204);
  assert.equal((await reader('GET', '/v1/apps')).status, 401);
  assert.equal((await admin('DELETE', `/v1/tokens/${created.body.id}`)).status, 204);
});

test('a token records its last use, at most one write a minute', async () => {
  const created = await admin('POST', '/v1/tokens', { description: 'last-used', scopes: ['read'] });
  const reader = client(api.url, created.body.token);
  const lastUsed = async () => {
    // Recording is off the request path: wait until it lands.
    for (let i = 0; i < 50; i++) {
      const row = await api.deps.db.apiToken.findUniqueOrThrow({ where: { id: created.body.id } });
      if (row.lastUsedAt) return row.lastUsedAt.getTime();
      await new Promise((r) => setTimeout(r, 20));
    }
    return null;
  };
  assert.equal((await reader('GET', '/v1/apps')).status, 200);
  const first = await lastUsed();
  assert.ok(first);
  assert.equal((await reader('GET', '/v1/apps')).status, 200);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(await lastUsed(), first, 'a second use within the minute writes nothing');
  await api.deps.db.apiToken.update({ where: { id: created.body.id }, data: { lastUsedAt: new Date(Date.now() - 120_000) } });
  assert.equal((await reader('GET', '/v1/apps')).status, 200);
  await new Promise((r) => setTimeout(r, 100));
  assert.ok((await lastUsed())! > first - 1_000, 'a use after a minute records again');
});

test('authorization: another team gets 404, a viewer gets 403, members operate', async () => {
  await admin('POST', '/v1/apps', { name: 'secret-app' });
  await admin('PATCH', '/v1/apps/secret-app/config-vars', { SECRET: 's3cr3t' });
  for (const email of ['mallory@example.com', 'vera@example.com', 'max@example.com']) {
    assert.equal((await admin('POST', '/v1/users', { email, password: 'long-password-1' })).status, 201);
  }
  const mallory = client(api.url, await tokenFor(api.url, 'mallory@example.com', 'long-password-1'));
  assert.equal((await mallory('POST', '/v1/users', { email: 'x@example.com', password: 'long-password-1' })).status, 403);
  for (const [method, path, body] of [
    ['GET', '/v1/apps/secret-app'],
    ['GET', '/v1/apps/secret-app/config-vars'],
    ['PATCH', '/v1/apps/secret-app/config-vars', { SECRET: 'mine' }],
    ['GET', '/v1/apps/secret-app/releases'],
    ['PATCH', '/v1/apps/secret-app/formation', { updates: [{ type: 'web', quantity: 0 }] }],
    ['DELETE', '/v1/apps/secret-app'],
    ['GET', '/v1/events?app=secret-app'],
  ] as const) {
    const res = await mallory(method, path, body);
    assert.equal(res.status, 404, `${method} ${path}`);
  }
  assert.equal((await mallory('GET', '/v1/apps')).body.items.length, 0);

  const team = (await admin('GET', '/v1/account')).body.teams[0].name;
  assert.equal((await admin('PUT', `/v1/teams/${team}/members`, { email: 'vera@example.com', role: 'viewer' })).status, 200);
  assert.equal((await admin('PUT', `/v1/teams/${team}/members`, { email: 'max@example.com', role: 'member' })).status, 200);
  assert.equal((await mallory('PUT', `/v1/teams/${team}/members`, { email: 'mallory@example.com', role: 'owner' })).status, 404);
  const vera = client(api.url, await tokenFor(api.url, 'vera@example.com', 'long-password-1'));
  assert.equal((await vera('GET', '/v1/apps/secret-app')).status, 200);
  assert.deepEqual((await vera('GET', '/v1/apps/secret-app/config-vars')).body, { SECRET: null }, 'a viewer sees names only');
  assert.equal((await vera('PATCH', '/v1/apps/secret-app/config-vars', { SECRET: 'x' })).status, 403);
  const max = client(api.url, await tokenFor(api.url, 'max@example.com', 'long-password-1'));
  assert.equal((await max('PATCH', '/v1/apps/secret-app/config-vars', { OTHER: 'y' })).status, 200);
  assert.deepEqual((await max('GET', '/v1/apps/secret-app/config-vars')).body, { SECRET: 's3cr3t', OTHER: 'y' }, 'a member sees what they may change');
  assert.equal((await max('DELETE', '/v1/apps/secret-app')).status, 403, 'only owners destroy');
  assert.equal((await max('PUT', `/v1/teams/${team}/members`, { email: 'vera@example.com', role: 'owner' })).status, 403);
  const members = await vera('GET', `/v1/teams/${team}/members`);
  assert.equal(members.body.items.length, 3);
  assert.equal((await admin('DELETE', `/v1/teams/${team}/members/${encodeURIComponent(api.admin.email)}`)).status, 409, 'last owner stays');
  assert.equal((await admin('DELETE', `/v1/teams/${team}/members/vera%40example.com`)).status, 204);
  assert.equal((await vera('GET', '/v1/apps/secret-app')).status, 404);
});

test('teams: create, duplicate, bad name', async () => {
  assert.equal((await admin('POST', '/v1/teams', { name: 'ops-team' })).status, 201);
  assert.equal((await admin('POST', '/v1/teams', { name: 'ops-team' })).status, 409);
  assert.equal((await admin('POST', '/v1/teams', { name: 'Ops Team' })).status, 422);
  assert.equal((await admin('POST', '/v1/apps', { name: 'team-app', team: 'ops-team' })).status, 201);
  assert.equal((await admin('GET', '/v1/apps/team-app')).body.team, 'ops-team');
  assert.equal((await admin('POST', '/v1/apps', { name: 'ghost-app', team: 'no-such-team' })).status, 404);
  const teams = await admin('GET', '/v1/teams');
  assert.ok(teams.body.items.some((t: { name: string; role: string }) => t.name === 'ops-team' && t.role === 'owner'));
});

test('audit events record who did what, without secret values', async () => {
  const events = await admin('GET', '/v1/events?app=cfg');
  assert.equal(events.status, 200);
  const actions = events.body.items.map((e: { action: string }) => e.action);
  assert.ok(actions.includes('config.update'));
  assert.ok(actions.includes('release.rollback'));
  const config = events.body.items.find((e: { action: string }) => e.action === 'config.update');
  assert.equal(config.actor, api.admin.email);
  assert.ok(!JSON.stringify(events.body).includes('two words'));
});
