import { after, before, describe } from 'node:test';
import { world } from './world.ts';
import { attacks as baseline } from './baseline.attacks.ts';
import { attacks as builds } from './builds.attacks.ts';
import { attacks as domains } from './domains.attacks.ts';
import { attacks as secrets } from './secrets.attacks.ts';
import { attacks as web } from './web.attacks.ts';
import { attacks as addons } from './addons.attacks.ts';
import { attacks as network } from './network.attacks.ts';

// Issue 14: an outsider's attacks on one fresh platform (three nodes, two ordinary tenants).
// One platform for all of them: starting one costs a minute, and the attacks are independent.
describe('outsider attacks on a fresh platform', { timeout: 3_600_000 }, () => {
  before(() => world.start());
  after(() => world.stop());
  for (const suite of [baseline, builds, domains, secrets, web, addons, network]) suite();
});
