import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_NODE_RANGE, describeNode, nodeRequest, offeredMajors, resolveNodeVersion, versionFileRange } from './node-version.ts';

const published = ['16.20.2', '18.19.0', '18.20.8', '20.19.0', '22.11.0', '22.12.0', '23.0.0-rc.1', '24.4.0', '26.1.0', '26.12.1', '0.10.48', '4.2.6', 'not-a-version'];

test('engines.node ranges resolve to the newest satisfying release, as Heroku resolves them', () => {
  const pick = (range: string) => resolveNodeVersion(nodeRequest(range, null, null), published).version;
  assert.equal(pick('18.x'), '18.20.8');
  assert.equal(pick('22.x'), '22.12.0');
  assert.equal(pick('>=20 <23'), '22.12.0');
  assert.equal(pick('^22.11'), '22.12.0');
  assert.equal(pick('22.11.0'), '22.11.0');
  assert.equal(pick('4.2.x'), '4.2.6');
  assert.equal(pick('>=18'), '26.12.1', 'prereleases are never picked');
});

test('.nvmrc then .node-version when engines.node is absent; the LTS line otherwise', () => {
  assert.deepEqual(nodeRequest(undefined, 'v20\n', '18'), { source: '.nvmrc', written: 'v20', range: '20' });
  assert.deepEqual(nodeRequest(undefined, null, '18.20.8\n'), { source: '.node-version', written: '18.20.8', range: '18.20.8' });
  assert.equal(nodeRequest('22.x', 'v20', null).source, 'engines.node');
  assert.deepEqual(nodeRequest(undefined, null, null), { source: 'default', written: DEFAULT_NODE_RANGE, range: DEFAULT_NODE_RANGE });
  assert.equal(versionFileRange('lts/iron'), '20.x');
  assert.equal(versionFileRange('lts/*'), DEFAULT_NODE_RANGE);
  assert.equal(versionFileRange('node'), '*');
  assert.equal(versionFileRange('# pinned\n\n'), null);
  assert.equal(resolveNodeVersion(nodeRequest(undefined, null, null), published).version, '26.12.1');
});

test('a range nothing satisfies fails listing the majors on offer; a non-range is named', () => {
  assert.throws(() => resolveNodeVersion(nodeRequest('15.x', null, null), published), /No Node.js release satisfies engines.node "15.x". Available: 26.x \(26.12.1\), 24.x \(24.4.0\), 22.x \(22.12.0\), 20.x \(20.19.0\), 18.x \(18.20.8\), 16.x \(16.20.2\)$/);
  assert.throws(() => resolveNodeVersion(nodeRequest('latest please', null, null), published), /engines.node "latest please" is not a semver range/);
  assert.equal(offeredMajors([]), '');
});

test('the build log line names the version and where it came from', () => {
  assert.equal(describeNode(resolveNodeVersion(nodeRequest('22.x', null, null), published)), 'Using Node.js 22.12.0 (engines.node "22.x")');
  assert.match(describeNode(resolveNodeVersion(nodeRequest(undefined, null, null), published)), /^Using Node.js 26.12.1 \(no version requested; default 26.x, the current LTS line\)$/);
});
