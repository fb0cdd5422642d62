import assert from 'node:assert/strict';
import { it } from 'node:test';
import { hostRoutesSchema } from '@slipway/core';
import { prefixMatches, RouteTable } from './table.ts';

const routes = (...specs: [string, string][]) => hostRoutesSchema.parse(specs.map(([app, pathPrefix]) => ({ app, pathPrefix, backends: [] })));

it('matches host case-insensitively, without port or trailing dot', () => {
  const t = RouteTable.from([['Shop.Example.com', routes(['shop', '/'])]]);
  for (const h of ['shop.example.com', 'SHOP.EXAMPLE.COM:443', 'shop.example.com.']) assert.equal(t.match(h, '/')?.app, 'shop');
  assert.equal(t.match('other.example.com', '/'), undefined);
});

it('picks the longest prefix on segment boundaries', () => {
  const t = RouteTable.from([['h', routes(['root', '/'], ['api', '/api'], ['v2', '/api/v2/'])]]);
  assert.equal(t.match('h', '/api/v2/x')?.app, 'v2');
  assert.equal(t.match('h', '/api/v1')?.app, 'api');
  assert.equal(t.match('h', '/api?x=1')?.app, 'api');
  assert.equal(t.match('h', '/apis')?.app, 'root');
});

it('withHost returns a new table and leaves the old one unchanged', () => {
  const t1 = RouteTable.from([['a', routes(['a', '/'])]]);
  const t2 = t1.withHost('b', routes(['b', '/'])).withHost('a', undefined);
  assert.equal(t1.match('a', '/')?.app, 'a');
  assert.equal(t1.match('b', '/'), undefined);
  assert.equal(t2.match('a', '/'), undefined);
  assert.equal(t2.match('b', '/')?.app, 'b');
});

it('prefixMatches treats a trailing slash like none', () => {
  assert.ok(prefixMatches('/docs/', '/docs'));
  assert.ok(prefixMatches('/', '/anything'));
  assert.ok(!prefixMatches('/docs', '/doc'));
});
