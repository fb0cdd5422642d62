import assert from 'node:assert/strict';
import { it } from 'node:test';
import { customDomain, customDomainRefusal, isIpLiteral, reservedHosts, reservedHostsSetting, routeHostRefusal } from './hosts.ts';

const reserved = reservedHosts({
  SLIPWAY_DOMAIN: 'Slipway.Localhost',
  SLIPWAY_PUBLIC_URL: 'https://Console.Example.com:4000/',
  SLIPWAY_RESERVED_HOSTS: reservedHostsSetting.parse(' api.example.com, ,Dash.Example.com. '),
});

it('reads the control plane names from the public URL and SLIPWAY_RESERVED_HOSTS', () => {
  assert.deepEqual(reserved, { domain: 'slipway.localhost', controlPlane: ['console.example.com', 'api.example.com', 'dash.example.com'] });
  assert.deepEqual(reservedHosts({ SLIPWAY_DOMAIN: 'apps.test' }), { domain: 'apps.test', controlPlane: [] });
});

it('knows IP literals in every form a client or URL parser accepts', () => {
  for (const ip of ['127.0.0.1', '10.231.0.1', '127.0.0.1.', '127.1', '2130706433', '0x7f000001', '0x7f.0.0.1', '0177.0.0.1', '1.2.3.4.5', '::1', '[::1]', '[::ffff:127.0.0.1]', 'fe80::1', '[0:0:0:0:0:0:0:1]']) {
    assert.ok(isIpLiteral(ip), ip);
  }
  for (const name of ['www.example.com', 'a1.example.com', '1.example.com', 'x0.example.io', '0xcafe.example.com']) assert.ok(!isIpLiteral(name), name);
});

it('accepts ordinary custom domains, canonical', () => {
  assert.equal(customDomainRefusal('www.example.com', reserved), undefined);
  assert.equal(customDomainRefusal('sec-stale.example.test', reserved), undefined);
  assert.equal(customDomain(reserved).parse(' WWW.Example.COM. '), 'www.example.com');
});

it('refuses reserved names as custom domains, each with its reason', () => {
  const cases: [string, RegExp][] = [
    ['slipway.localhost', /names under slipway\.localhost are the platform's/],
    ['SLIPWAY.localhost.', /names under slipway\.localhost are the platform's/],
    ['foo.slipway.localhost', /names under slipway\.localhost are the platform's/],
    ['a.b.slipway.localhost', /names under slipway\.localhost are the platform's/],
    ['127.0.0.1', /is an IP address/],
    ['[::1]', /is an IP address/],
    ['::1', /is an IP address/],
    ['10.231.0.1', /is an IP address/],
    ['127.1', /is an IP address/],
    ['2130706433', /is an IP address/],
    ['localhost', /localhost names/],
    ['app.localhost', /localhost names/],
    ['console.example.com', /control plane/],
    ['API.example.com', /control plane/],
    ['intranet', /at least two labels/],
    ['not a host', /not a valid hostname/],
    ['-x.example.com', /not a valid hostname/],
    ['', /not a valid hostname/],
  ];
  for (const [input, why] of cases) assert.match(customDomainRefusal(input, reserved) ?? 'accepted', why, input);
  assert.equal(customDomain(reserved).safeParse('127.0.0.1').success, false);
});

it('lets the route table carry default hosts and custom domains, never reserved names', () => {
  for (const host of ['shop.slipway.localhost', 'www.example.com', 'fast.test']) assert.equal(routeHostRefusal(host, reserved), undefined, host);
  for (const host of ['slipway.localhost', 'a.b.slipway.localhost', '127.0.0.1', '[::1]', '10.231.0.1', 'localhost', 'x.localhost', 'console.example.com', 'h', '', 'bad host']) {
    assert.ok(routeHostRefusal(host, reserved), host);
  }
});
