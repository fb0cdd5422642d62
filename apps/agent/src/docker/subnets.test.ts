import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freeSubnet } from './subnets.ts';

const cases: { name: string; pool: string; prefix: number; taken: string[]; want: string | null }[] = [
  { name: 'an empty pool gives its first subnet', pool: '172.20.0.0/14', prefix: 24, taken: [], want: '172.20.0.0/24' },
  { name: 'subnets in use are skipped', pool: '172.20.0.0/14', prefix: 24, taken: ['172.20.0.0/24', '172.20.1.0/24'], want: '172.20.2.0/24' },
  { name: 'a larger network in the pool (Docker\'s /16) skips all it holds', pool: '172.20.0.0/14', prefix: 24, taken: ['172.20.0.0/16'], want: '172.21.0.0/24' },
  { name: 'a gap left by a removed network is reused', pool: '10.200.0.0/16', prefix: 26, taken: ['10.200.0.0/26', '10.200.0.128/26'], want: '10.200.0.64/26' },
  { name: 'networks outside the pool and IPv6 ones do not matter', pool: '10.200.0.0/16', prefix: 24, taken: ['172.17.0.0/16', 'fd00::/64'], want: '10.200.0.0/24' },
  { name: 'a pool written with host bits still starts at its base', pool: '10.200.3.7/16', prefix: 24, taken: [], want: '10.200.0.0/24' },
  { name: 'a full pool gives null', pool: '10.200.0.0/23', prefix: 24, taken: ['10.200.0.0/24', '10.200.1.0/24'], want: null },
  { name: 'subnets larger than the pool: none', pool: '10.200.0.0/24', prefix: 16, taken: [], want: null },
  { name: 'a network holding the whole pool fills it', pool: '10.200.0.0/16', prefix: 24, taken: ['10.0.0.0/8'], want: null },
];

for (const c of cases) {
  test(`app subnets: ${c.name}`, () => {
    assert.equal(freeSubnet(c.pool, c.prefix, c.taken), c.want);
  });
}
