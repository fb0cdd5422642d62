import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, localDependencyDirs, type RepoFacts } from './detect.ts';
import { parseProcfile } from './procfile.ts';

const repo = (files: Record<string, string>): RepoFacts => ({
  rootFiles: Object.keys(files),
  read: async (name) => files[name] ?? null,
});

test('detection order: Dockerfile, then Node, then static, then Procfile', async () => {
  const all = { Dockerfile: 'FROM x', 'package.json': '{"scripts":{"start":"node s.js"}}', 'index.html': '<p>', Procfile: 'worker: node w.js' };
  assert.equal((await detect(repo(all))).kind, 'dockerfile');
  const { Dockerfile: _d, ...noDocker } = all;
  assert.equal((await detect(repo(noDocker))).kind, 'node');
  const { 'package.json': _p, ...noNode } = noDocker;
  assert.equal((await detect(repo(noNode))).kind, 'static');
  assert.deepEqual(await detect(repo({ Procfile: 'worker: node w.js' })), { kind: 'procfile', processTypes: { worker: 'node w.js' } });
});

test('node plan: lockfile, build script, Procfile web wins over npm start', async () => {
  const plan = await detect(repo({ 'package.json': '{"scripts":{"start":"node a","build":"tsc"},"dependencies":{"g":"file:./lib/g"}}', 'package-lock.json': '{}', Procfile: 'web: node b\nworker: node w' }));
  assert.deepEqual(plan.processTypes, { web: 'node b', worker: 'node w' });
  assert.deepEqual(plan.node, {
    request: { source: 'default', written: '26.x', range: '26.x' },
    packageManager: { name: 'npm', lockfile: 'package-lock.json', version: null, berry: false },
    scripts: { prebuild: false, build: 'build', cleanup: false },
    localDeps: ['lib/g'],
    installFiles: [],
  });
});

test('node plan: package manager from the lockfile and packageManager, lifecycle scripts, version files', async () => {
  const pkg = (extra: object) => JSON.stringify({ scripts: { start: 'node s' }, ...extra });
  const pnpm = await detect(repo({ 'package.json': pkg({ packageManager: 'pnpm@9.15.0', scripts: { start: 'x', build: 'b', 'heroku-postbuild': 'p', 'heroku-prebuild': 'q', 'heroku-cleanup': 'c' } }), 'pnpm-lock.yaml': '', '.nvmrc': 'lts/jod', '.npmrc': '' }));
  assert.deepEqual(pnpm.node?.packageManager, { name: 'pnpm', lockfile: 'pnpm-lock.yaml', version: '9.15.0', berry: false });
  assert.deepEqual(pnpm.node?.scripts, { prebuild: true, build: 'heroku-postbuild', cleanup: true });
  assert.deepEqual(pnpm.node?.request, { source: '.nvmrc', written: 'lts/jod', range: '22.x' });
  assert.deepEqual(pnpm.node?.installFiles, ['.npmrc']);
  const berry = await detect(repo({ 'package.json': pkg({}), 'yarn.lock': '__metadata:\n  version: 8\n', '.yarnrc.yml': '', '.yarn': '' }));
  assert.deepEqual(berry.node?.packageManager, { name: 'yarn', lockfile: 'yarn.lock', version: null, berry: true });
  assert.deepEqual(berry.node?.installFiles, ['.yarnrc.yml', '.yarn']);
  const classic = await detect(repo({ 'package.json': pkg({ packageManager: 'yarn@1.22.22' }), 'yarn.lock': '# yarn lockfile v1\n' }));
  assert.equal(classic.node?.packageManager.berry, false);
  await assert.rejects(detect(repo({ 'package.json': pkg({}), 'yarn.lock': '', 'package-lock.json': '{}' })), /more than one package manager \(yarn.lock, package-lock.json\)/);
  await assert.rejects(detect(repo({ 'package.json': pkg({ packageManager: 'yarn@4.5.3' }), 'pnpm-lock.yaml': '' })), /"packageManager" names yarn, but the lockfile is pnpm-lock.yaml/);
  await assert.rejects(detect(repo({ 'package.json': pkg({ packageManager: 'pnpm@latest' }) })), /must read like "pnpm@9.15.0"/);
});

test('unknown repos and bad input fail with actionable messages', async () => {
  await assert.rejects(detect(repo({ 'README.md': 'hi' })), /Supported types: Dockerfile at the repository root; Node.js \(package.json\); static site \(index.html\); Procfile\.$/);
  await assert.rejects(detect(repo({ 'requirements.txt': 'flask' })), /Procfile\. This looks like a Python app \(requirements.txt\), which is not built here: add a Dockerfile to build it\.$/);
  await assert.rejects(detect(repo({ 'package.json': '{nope' })), /package.json is not a valid JSON object/);
  await assert.rejects(detect(repo({ 'package.json': '{}' })), /No start command/);
  assert.throws(() => localDependencyDirs({ dependencies: { x: 'file:../outside' } }), /points outside the repository/);
});

test('parseProcfile validates types and commands', () => {
  assert.deepEqual(parseProcfile('# c\n\nweb: node s.js --port $PORT\r\nworker:node w.js\n'), { web: 'node s.js --port $PORT', worker: 'node w.js' });
  assert.deepEqual(parseProcfile('\uFEFFweb: a\r\n\r\n  # worker: no\r\nWorker_2-x: b\r\n'), { web: 'a', 'Worker_2-x': 'b' }, 'BOM, CRLF, comments, blank lines, mixed-case names');
  assert.throws(() => parseProcfile('web.1: x'), /line 1: "web\.1" is not a valid process type/);
  assert.throws(() => parseProcfile('w\u00e9b: x'), /line 1: "w\u00e9b" is not a valid process type/);
  assert.throws(() => parseProcfile('web: a\r\n# c\r\nweb: b'), /Procfile line 3: process type "web" is defined twice \(first on line 1\)/);
  assert.throws(() => parseProcfile('web a'), /line 1: expected "type: command"/);
  assert.throws(() => parseProcfile('worker:'), /line 1: process type "worker" has no command/);
  assert.throws(() => parseProcfile('just words'), /expected "type: command"/);
});
