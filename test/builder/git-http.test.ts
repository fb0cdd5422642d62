import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { forbidden } from '@slipway/core';
import type { PushEvent } from '../../apps/api/src/git/router.ts';
import { push, startGitServer, workTree } from './git-helpers.ts';

const exec = promisify(execFile);
let reposDir: string;
let server: Awaited<ReturnType<typeof startGitServer<string>>>;
const pushes: PushEvent<string>[] = [];
let seen: (text: string) => boolean = () => false;

before(async () => {
  reposDir = await mkdtemp(join(tmpdir(), 'slipway-repos-'));
  server = await startGitServer<string>({
    reposDir,
    authenticate: async (token) => (token === 'good-token' ? 'alice' : null),
    authorize: async (_who, app) => {
      if (app === 'not-yours') throw forbidden('You are not a member of the team that owns not-yours');
    },
    async *onPush(event) {
      pushes.push(event);
      yield `-----> building ${event.newSha.slice(0, 7)}`;
      // Only continues once the client has printed the first line: proves the output is live.
      const deadline = Date.now() + 10_000;
      while (!seen('building ') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      yield '-----> second line';
      const { stdout } = await exec('git', ['-C', join(reposDir, `${event.app}.git`), 'log', '-1', '--format=%s', event.newSha]);
      if (stdout.includes('please fail')) throw new Error('build failed: npm run build exited with code 1');
    },
    maxPushBytes: 2 * 1024 * 1024,
  });
});
after(async () => {
  await server.close();
  await rm(reposDir, { recursive: true, force: true });
});

test('push to main streams live deploy lines; other branches are stored only; clone works', async () => {
  const wt = await workTree('node-http');
  try {
    const r = await push(wt.dir, [server.url('gitapp'), 'main'], (out) => { seen = (t) => out.includes(`remote: -----> ${t}`); });
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /remote: -----> building [0-9a-f]{7}[\s\S]*remote: -----> second line/);
    assert.equal(pushes.at(-1)?.ref, 'refs/heads/main');
    assert.equal(pushes.at(-1)?.principal, 'alice');
    const before = pushes.length;
    const b = await push(wt.dir, [server.url('gitapp'), 'main:feature/x']);
    assert.equal(b.code, 0, b.output);
    assert.equal(pushes.length, before, 'feature branch push must not deploy');
    const clone = await mkdtemp(join(tmpdir(), 'slipway-clone-'));
    await exec('git', ['clone', '-q', server.url('gitapp'), clone]);
    assert.equal((await exec('git', ['-C', clone, 'rev-parse', 'HEAD'])).stdout.trim(), await wt.git('rev-parse', 'HEAD'));
    await rm(clone, { recursive: true, force: true });
  } finally {
    await wt.cleanup();
  }
});

test('a failed deploy exits non-zero with the reason and leaves the branch where it was; force push works', async () => {
  const wt = await workTree('node-http');
  try {
    assert.equal((await push(wt.dir, [server.url('failapp'), 'main'])).code, 0);
    const good = await wt.git('rev-parse', 'HEAD');
    await wt.git('commit', '-q', '--allow-empty', '-m', 'please fail');
    const r = await push(wt.dir, [server.url('failapp'), 'main']);
    assert.notEqual(r.code, 0);
    assert.match(r.output, /remote: !\s+build failed: npm run build exited with code 1/);
    assert.match(r.output, /\[remote rejected\] main -> main \(build failed: npm run build exited with code 1\)/);
    const remote = await exec('git', ['ls-remote', server.url('failapp'), 'refs/heads/main']);
    assert.ok(remote.stdout.startsWith(good));
    await wt.git('reset', '-q', '--hard', 'HEAD~1');
    await wt.git('commit', '-q', '--allow-empty', '-m', 'rewritten history');
    const forced = await push(wt.dir, ['--force', server.url('failapp'), 'main']);
    assert.equal(forced.code, 0, forced.output);
  } finally {
    await wt.cleanup();
  }
});

test('bad credentials, forbidden apps, bad names and bad refs are refused clearly', async () => {
  const wt = await workTree();
  try {
    const noAuth = await push(wt.dir, [server.url('gitapp', 'wrong'), 'main']);
    assert.notEqual(noAuth.code, 0);
    assert.match(noAuth.output, /Authentication failed|401/);
    const denied = await push(wt.dir, [server.url('not-yours'), 'main']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.output, /not a member of the team that owns not-yours|403/);
    const badName = await push(wt.dir, [server.url('..%2Fetc'), 'main']);
    assert.notEqual(badName.code, 0);
    const badRef = await push(wt.dir, [server.url('gitapp'), 'main:refs/notes/x']);
    assert.notEqual(badRef.code, 0);
    assert.match(badRef.output, /only branches \(refs\/heads\/\*\) and tags/);
  } finally {
    await wt.cleanup();
  }
});

test('a push above the size limit is refused', async () => {
  const wt = await workTree();
  try {
    const { writeFile } = await import('node:fs/promises');
    const { randomBytes } = await import('node:crypto');
    await writeFile(join(wt.dir, 'big.bin'), randomBytes(3 * 1024 * 1024));
    await wt.git('add', 'big.bin');
    await wt.git('commit', '-q', '-m', 'big');
    const r = await push(wt.dir, [server.url('bigapp'), 'main']);
    assert.notEqual(r.code, 0);
    assert.match(r.output, /larger than the 2 MB limit/);
  } finally {
    await wt.cleanup();
  }
});
