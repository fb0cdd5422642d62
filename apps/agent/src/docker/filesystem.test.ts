import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filesystemFor } from './filesystem.ts';

const stack = { Labels: { 'slipway.stack': 'node-20' }, User: 'app', Env: ['PATH=/usr/bin', 'HOME=/home/app'], WorkingDir: '/app' };
const opts = 'rw,exec,nosuid,nodev,size=64m';

test('a stack image runs read-only with /tmp and the app user HOME in memory', () => {
  assert.deepEqual(filesystemFor(stack), {
    ReadonlyRootfs: true,
    Tmpfs: { '/home/app': `${opts},uid=1000,gid=1000,mode=0755`, '/tmp': `${opts},mode=1777` },
  });
});

test('HOME belongs to the image user: root, numeric ids, or anyone when the name is unknown', () => {
  const home = (User: string) => filesystemFor({ ...stack, User }).Tmpfs?.['/home/app'];
  assert.equal(home(''), `${opts},uid=0,gid=0,mode=0755`);
  assert.equal(home('4000:5000'), `${opts},uid=4000,gid=5000,mode=0755`);
  assert.equal(home('app:0'), `${opts},uid=1000,gid=0,mode=0755`);
  assert.equal(home('web'), `${opts},mode=1777`);
  assert.equal(home('constructor'), `${opts},mode=1777`);
});

test('a HOME or /tmp holding the app code is not hidden under an empty tmpfs', () => {
  assert.deepEqual(Object.keys(filesystemFor({ ...stack, Env: ['HOME=/app'] }).Tmpfs ?? {}), ['/tmp']);
  assert.deepEqual(Object.keys(filesystemFor({ ...stack, Env: ['HOME=/'] }).Tmpfs ?? {}), ['/tmp']);
  assert.deepEqual(Object.keys(filesystemFor({ ...stack, WorkingDir: '/tmp/app' }).Tmpfs ?? {}), ['/home/app']);
  assert.deepEqual(Object.keys(filesystemFor({ ...stack, Env: [] }).Tmpfs ?? {}), ['/home/app', '/tmp'], 'no HOME: the stack user home');
});

test('images not built on a stack (or without labels: Docker says null) keep a writable root', () => {
  assert.deepEqual(filesystemFor({ ...stack, Labels: { maintainer: 'x' } }), {});
  assert.deepEqual(filesystemFor({ ...stack, Labels: null as unknown as Record<string, string> }), {});
});
