import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIREWALL_JUMPS, INGRESS_CHAIN, INPUT_CHAIN, firewallChains } from './firewall.ts';

test('firewall: hairpin to the node address refused; only the routers pass into app networks', () => {
  const rules = firewallChains('10.231.0.11', ['10.231.0.1', '192.168.0.0/24']).split('\n');
  assert.deepEqual(rules, [
    '*filter',
    `:${INPUT_CHAIN} - [0:0]`,
    `:${INGRESS_CHAIN} - [0:0]`,
    `-A ${INPUT_CHAIN} -d 10.231.0.11 -j REJECT`,
    `-A ${INGRESS_CHAIN} -s 10.231.0.1 -j RETURN`,
    `-A ${INGRESS_CHAIN} -s 192.168.0.0/24 -j RETURN`,
    `-A ${INGRESS_CHAIN} -j REJECT`,
    'COMMIT',
    '',
  ]);
});

test('firewall: the chains apply to app bridges only, new connections only', () => {
  assert.deepEqual(FIREWALL_JUMPS.map((j) => j.join(' ')), [
    `INPUT -i slwapp+ -m conntrack --ctstate NEW -j ${INPUT_CHAIN}`,
    `DOCKER-USER -o slwapp+ -m conntrack --ctstate NEW -j ${INGRESS_CHAIN}`,
  ]);
});
