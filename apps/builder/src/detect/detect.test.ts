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
  assert.deepEqual(plan.node, { lockfile: 'package-lock.json', hasBuildScript: true, localDeps: ['lib/g'] });
});

test('unknown repos and bad input fail with actionable messages', async () => {
  await assert.rejects(detect(repo({ 'README.md': 'hi' })), /Supported types: Dockerfile at the repository root; Node.js/);
  await assert.rejects(detect(repo({ 'package.json': '{nope' })), /package.json is not a valid JSON object/);
  await assert.rejects(detect(repo({ 'package.json': '{}' })), /No start command/);
  assert.throws(() => localDependencyDirs({ dependencies: { x: 'file:../outside' } }), /points outside the repository/);
});

test('parseProcfile validates types and commands', () => {
  assert.deepEqual(parseProcfile('# c\n\nweb: node s.js --port $PORT\r\nworker:node w.js\n'), { web: 'node s.js --port $PORT', worker: 'node w.js' });
  assert.throws(() => parseProcfile('Web: x'), /line 1: "Web" is not a valid process type/);
  assert.throws(() => parseProcfile('web: a\nweb: b'), /line 2: process type "web" is defined twice/);
  assert.throws(() => parseProcfile('just words'), /expected "type: command"/);
});
