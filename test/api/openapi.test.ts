import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApi, client, type TestApi } from '../support/api-server.ts';
import { createV1Router } from '../../apps/api/src/server.ts';
import { configurePassport } from '../../apps/api/src/auth/passport.ts';

let api: TestApi;
before(async () => {
  api = await startApi();
});
after(async () => api.stop());

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route express serves under /v1, as "METHOD /v1/path/{param}". */
function servedRoutes(): Set<string> {
  const router = createV1Router(api.deps, configurePassport(api.deps)) as unknown as { stack: Layer[] };
  const out = new Set<string>();
  for (const layer of router.stack) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && method !== '_all') out.add(`${method.toUpperCase()} /v1${layer.route.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`);
    }
  }
  return out;
}

test('the OpenAPI document lists exactly the routes express serves', async () => {
  const doc = (await client(api.url)('GET', '/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
  const served = servedRoutes();
  served.delete('GET /v1/openapi.json');
  assert.deepEqual([...served].filter((r) => !documented.has(r)), [], 'served but undocumented');
  assert.deepEqual([...documented].filter((r) => !served.has(r)), [], 'documented but not served');
});

test('every documented operation answers (no route is a dead entry) and protected ones demand auth', async () => {
  const doc = (await client(api.url)('GET', '/v1/openapi.json')).body as {
    paths: Record<string, Record<string, { security: unknown[] }>>;
  };
  const anon = client(api.url);
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const concrete = path.replace(/\{[^}]+\}/g, 'x-probe');
      const res = await anon(method.toUpperCase(), concrete, method === 'get' || method === 'delete' ? undefined : {});
      assert.notEqual(res.body?.error?.message?.startsWith('No route'), true, `${method} ${path}`);
      if (op.security.length > 0) assert.equal(res.status, 401, `${method} ${path} without credentials`);
    }
  }
});
