import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateDockerfile } from './dockerfile.ts';

test('node Dockerfile installs from the manifest and lockfile before copying the source', () => {
  const text = generateDockerfile(
    { kind: 'node', processTypes: { web: 'npm start' }, node: { lockfile: 'package-lock.json', hasBuildScript: true, localDeps: ['lib/greet'] } },
    'slipway/stack-node:20',
  );
  const lines = text.trim().split('\n');
  const install = lines.indexOf('RUN npm ci --no-audit --no-fund');
  assert.ok(install > 0);
  assert.equal(lines[install - 2], 'COPY --chown=1000:1000 ["package.json","package-lock.json","./"]');
  assert.equal(lines[install - 1], 'COPY --chown=1000:1000 ["lib/greet","./lib/greet"]');
  assert.equal(lines[install + 1], 'COPY --chown=1000:1000 . .');
  assert.equal(lines[install + 2], 'RUN npm run build');
  assert.equal(lines.at(-1), 'CMD ["/bin/sh", "-c", "npm start"]');
  assert.equal(lines[2], 'USER app');
});

test('node without a lockfile uses npm install; non-web apps get no CMD', () => {
  const text = generateDockerfile({ kind: 'node', processTypes: { worker: 'node w.js' }, node: { lockfile: null, hasBuildScript: false, localDeps: [] } }, 's:1');
  assert.match(text, /RUN npm install --no-audit --no-fund/);
  assert.doesNotMatch(text, /CMD|npm run build/);
});
