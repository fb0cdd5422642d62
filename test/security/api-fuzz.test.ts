import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startApi, client, tokenFor, type TestApi } from '../support/api-server.ts';

// Bounded property-based fuzzing of every documented /v1 operation: random and
// malformed bodies, params, query strings and headers must never produce a 5xx,
// crash the server, or change state when they target nothing that exists.
let api: TestApi;
let token: string;
let operations: { method: string; path: string }[];

before(async () => {
  api = await startApi();
  token = await tokenFor(api.url, api.admin.email, api.admin.password);
  const authed = client(api.url, token);
  await authed('POST', '/v1/apps', { name: 'fuzz-target' });
  await authed('PATCH', '/v1/apps/fuzz-target/config-vars', { KEEP: 'me' });
  const doc = (await client(api.url)('GET', '/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })));
});
after(async () => api.stop());

async function counts(): Promise<Record<string, number>> {
  const db = api.deps.db;
  return {
    users: await db.user.count(),
    teams: await db.team.count(),
    apps: await db.app.count(),
    configVars: await db.configVar.count(),
    releases: await db.release.count(),
    formation: await db.formation.count(),
    domains: await db.domain.count(),
    tokens: await db.apiToken.count(),
    memberships: await db.membership.count(),
  };
}

const segment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('..', '%2e%2e', '%00', 'x'.repeat(300), '💥', "'; DROP TABLE \"App\"; --", 'ghost-app'),
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '[]', 'null', '{"name":', '\u0000', '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"x":1}}}'),
);
const header = fc.oneof(
  fc.constant({}),
  fc.record({ 'Idempotency-Key': fc.string({ maxLength: 300 }) }),
  fc.record({ 'content-type': fc.constantFrom('text/plain', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'application/json') }),
  fc.record({ 'x-request-id': fc.string({ maxLength: 200 }) }),
);

test('random input to every operation: no 5xx, no crash, nothing changed for things that do not exist', async () => {
  const before = await counts();
  const authed = client(api.url, token);
  await fc.assert(
    fc.asyncProperty(fc.nat(), fc.array(segment, { minLength: 3, maxLength: 3 }), body, header, fc.string({ maxLength: 60 }), async (pick, segs, b, h, q) => {
      const op = operations[pick % operations.length]!;
      let i = 0;
      const path = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(`zz${segs[i++ % segs.length]}`));
      const payload = op.method === 'GET' || op.method === 'DELETE' ? undefined : typeof b === 'string' ? b : JSON.stringify(b);
      const res = await authed(op.method, `${path}?${encodeURIComponent(q)}=${encodeURIComponent(q)}`, payload, h as Record<string, string>);
      assert.ok(res.status < 500, `${op.method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
      if (res.status >= 400) assert.equal(typeof res.body?.error?.code, 'string', `${op.method} ${path} error shape`);
    }),
    { numRuns: 400, seed: 20261125 },
  );
  assert.equal((await client(api.url)('GET', '/healthz')).status, 200);
  const after = await counts();
  // Only creates without a path target (apps, teams, tokens, users) may have succeeded with random valid input.
  for (const k of ['configVars', 'releases', 'domains'] as const) assert.equal(after[k], before[k], `${k} changed`);
  assert.deepEqual((await authed('GET', '/v1/apps/fuzz-target/config-vars')).body, { KEEP: 'me' });
});

test('prototype pollution attempts do not grant admin or leak into objects', async () => {
  const authed = client(api.url, token);
  const res = await authed('POST', '/v1/users', '{"email":"p@example.com","password":"long-password-1","__proto__":{"admin":true}}');
  assert.ok(res.status === 422 || res.status === 201);
  assert.equal(({} as Record<string, unknown>).admin, undefined);
  if (res.status === 201) assert.equal(res.body.isAdmin, false);
});
