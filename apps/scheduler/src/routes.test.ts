import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reservedHosts } from '@slipway/core';
import { deriveRoutes, type RoutedApp, type RoutedBackend } from './routes.ts';

const reserved = reservedHosts({ SLIPWAY_DOMAIN: 'slipway.localhost', SLIPWAY_PUBLIC_URL: 'https://console.example.com', SLIPWAY_RESERVED_HOSTS: ['api.example.com'] });
const backend = (id: string, over: Partial<RoutedBackend> = {}): RoutedBackend => ({ id, url: `http://10.0.0.1:${id.length + 31000}`, state: 'active', ready: true, ...over });
const app = (name: string, domains: string[] = []): RoutedApp => ({ name, affinity: false, backends: [backend(`${name}-web.1`)], domains: domains.map((hostname) => ({ hostname, pathPrefix: '/' })) });
const appsOn = (table: Map<string, { app: string }[]>) => Object.fromEntries([...table].map(([host, routes]) => [host, routes.map((r) => r.app)]));

it('routes each app on its default host and on the custom domains its rows hold, nothing else', () => {
  const { table, ignored } = deriveRoutes([app('bob', ['sec-stale.example.test']), app('alice')], reserved);
  assert.deepEqual(appsOn(table), { 'alice.slipway.localhost': ['alice'], 'bob.slipway.localhost': ['bob'], 'sec-stale.example.test': ['bob'] });
  assert.deepEqual(ignored, []);
  assert.deepEqual(table.get('bob.slipway.localhost')?.[0]?.backends.map((b) => b.id), ['bob-web.1']);
});

it('a host follows its domain row: removed from one app and added to another, it lists only the new owner', () => {
  const before = deriveRoutes([app('alice', ['sec-stale.example.test']), app('bob')], reserved).table;
  const after = deriveRoutes([app('alice'), app('bob', ['sec-stale.example.test'])], reserved).table;
  assert.deepEqual(before.get('sec-stale.example.test')?.map((r) => r.app), ['alice']);
  assert.deepEqual(after.get('sec-stale.example.test')?.map((r) => r.app), ['bob']);
  assert.equal(deriveRoutes([app('bob')], reserved).table.has('sec-stale.example.test'), false);
});

it('leaves out domain rows that are now reserved, saying why, and keeps the rest', () => {
  const rows = ['slipway.localhost', 'foo.slipway.localhost', '127.0.0.1', '10.231.0.1', 'localhost', 'x.localhost', 'console.example.com', 'api.example.com', 'www.alice.example'];
  const { table, ignored } = deriveRoutes([app('alice', rows), app('foo')], reserved);
  assert.deepEqual(appsOn(table), { 'alice.slipway.localhost': ['alice'], 'foo.slipway.localhost': ['foo'], 'www.alice.example': ['alice'] });
  assert.deepEqual(ignored.map((i) => i.host), rows.slice(0, -1));
  assert.ok(ignored.every((i) => i.app === 'alice' && i.reason.includes('reserved') || i.reason.includes('IP address')));
});

it('is the same table whatever order the apps come in', () => {
  const a = deriveRoutes([app('a', ['a.example.com']), app('b', ['b.example.com'])], reserved).table;
  const b = deriveRoutes([app('b', ['b.example.com']), app('a', ['a.example.com'])], reserved).table;
  assert.deepEqual([...a].sort(), [...b].sort());
});

describe('readiness', () => {
  const withBackends = (backends: RoutedBackend[]): RoutedApp => ({ name: 'shop', affinity: false, backends, domains: [{ hostname: 'www.shop.example', pathPrefix: '/' }] });
  const routed = (backends: RoutedBackend[]) => {
    const { table, allUnready } = deriveRoutes([withBackends(backends)], reserved);
    const hosts = ['shop.slipway.localhost', 'www.shop.example'].map((h) => table.get(h)?.[0]?.backends.map((b) => `${b.id}:${b.state}`));
    assert.deepEqual(hosts[0], hosts[1], 'every host of the app carries the same backends');
    return { ids: hosts[0], allUnready };
  };

  it('an instance that is not ready leaves every route of its app; it returns once ready again', () => {
    assert.deepEqual(routed([backend('web.1'), backend('web.2', { ready: false })]), { ids: ['web.1:active'], allUnready: [] });
    assert.deepEqual(routed([backend('web.1'), backend('web.2')]), { ids: ['web.1:active', 'web.2:active'], allUnready: [] });
  });

  it('the route carries only what the router reads: no readiness field', () => {
    const { table } = deriveRoutes([withBackends([backend('web.1')])], reserved);
    assert.deepEqual(table.get('shop.slipway.localhost')?.[0]?.backends, [{ id: 'web.1', url: 'http://10.0.0.1:31005', state: 'active' }]);
  });

  it('draining instances stay (their requests finish) whatever their readiness', () => {
    assert.deepEqual(routed([backend('web.1', { state: 'draining', ready: false }), backend('web.2')]).ids, ['web.1:draining', 'web.2:active']);
  });

  it('never an empty set because every instance went unready at once: all of them stay, and the app is named', () => {
    assert.deepEqual(routed([backend('web.1', { ready: false }), backend('web.2', { ready: false })]), { ids: ['web.1:active', 'web.2:active'], allUnready: ['shop'] });
    assert.deepEqual(routed([backend('web.1', { state: 'draining' }), backend('web.2', { ready: false })]), { ids: ['web.1:draining', 'web.2:active'], allUnready: ['shop'] }, 'not only draining ones left');
    assert.deepEqual(routed([]), { ids: [], allUnready: [] }, 'an app with no instance is not counted');
  });
});
