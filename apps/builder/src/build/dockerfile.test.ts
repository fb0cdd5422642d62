import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodePlan } from '../detect/detect.ts';
import { generateDockerfile } from './dockerfile.ts';

const node = (over: Partial<NodePlan> = {}): NodePlan => ({
  request: { source: 'default', written: '26.x', range: '26.x' },
  packageManager: { name: 'npm', lockfile: 'package-lock.json', version: null, berry: false },
  scripts: { prebuild: false, build: 'build', cleanup: false },
  localDeps: [],
  installFiles: [],
  ...over,
});

test('node Dockerfile installs from the manifest, lockfile and settings before copying the source', () => {
  const { text, phases } = generateDockerfile({ kind: 'node', processTypes: { web: 'npm start' }, node: node({ localDeps: ['lib/greet'], installFiles: ['.npmrc'] }) }, 'slipway/stack-node:22.12.0');
  const lines = text.trim().split('\n');
  assert.deepEqual(lines.slice(0, 6), [
    'FROM slipway/stack-node:22.12.0',
    'USER app',
    'ARG NPM_CONFIG_REGISTRY',
    'ARG COREPACK_INTEGRITY_KEYS',
    'COPY --chown=1000:1000 ["package.json","package-lock.json",".npmrc","./"]',
    'COPY --chown=1000:1000 ["lib/greet","./lib/greet"]',
  ]);
  assert.match(lines[6]!, /^RUN .*npm ci --include=dev/);
  assert.equal(lines[7], 'COPY --chown=1000:1000 . .');
  assert.match(lines[8]!, /-----> Running build.*npm run build.*-----> Pruning devDependencies.*npm prune --omit=dev/);
  assert.equal(lines.at(-1), 'CMD ["/bin/sh", "-c", "npm start"]');
  assert.equal(lines.length, 10, 'no ENV, EXPOSE or LABEL steps: the stack and the build request carry them');
  assert.deepEqual(phases.map((p) => p.instruction), [lines[6], lines[8]]);
  assert.match(phases[0]!.cached.join('\n'), /Installing dependencies with npm[\s\S]*reusing the installed modules/);
});

test('heroku-prebuild runs first with the whole source; heroku-postbuild and heroku-cleanup in their places', () => {
  const { text } = generateDockerfile({ kind: 'node', processTypes: { web: 'x' }, node: node({ scripts: { prebuild: true, build: 'heroku-postbuild', cleanup: true } }) }, 's:1');
  const lines = text.trim().split('\n');
  assert.equal(lines[4], 'COPY --chown=1000:1000 . .');
  assert.match(lines[5]!, /npm run heroku-prebuild/);
  assert.match(lines[6]!, /npm ci/);
  assert.match(lines[7]!, /npm run heroku-postbuild.*npm prune.*npm run heroku-cleanup/);
});

test('package managers: yarn classic, yarn berry, pnpm, and npm without a lockfile', () => {
  const pm = (p: NodePlan['packageManager']) => generateDockerfile({ kind: 'node', processTypes: { worker: 'node w.js' }, node: node({ packageManager: p, scripts: { prebuild: false, build: null, cleanup: false } }) }, 's:1').text;
  assert.match(pm({ name: 'yarn', lockfile: 'yarn.lock', version: '1.22.22', berry: false }), /yarn install --frozen-lockfile --production=false[\s\S]*yarn install --frozen-lockfile --production=true/);
  assert.match(pm({ name: 'yarn', lockfile: 'yarn.lock', version: '4.5.3', berry: true }), /yarn install --immutable[\s\S]*yarn workspaces focus --all --production/);
  assert.match(pm({ name: 'pnpm', lockfile: 'pnpm-lock.yaml', version: '9.15.0', berry: false }), /pnpm install --frozen-lockfile[\s\S]*pnpm prune --prod/);
  const npm = pm({ name: 'npm', lockfile: null, version: null, berry: false });
  assert.match(npm, /No lockfile.*npm install --include=dev/);
  assert.doesNotMatch(npm, /CMD|npm run build/);
});
