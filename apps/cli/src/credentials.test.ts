import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDir, credentialsPath, deleteCredentials, readCredentials, writeCredentials } from './credentials.ts';

test('the config folder: SLIPWAY_CONFIG_DIR, then XDG_CONFIG_HOME, then ~/.config', () => {
  assert.equal(configDir({ SLIPWAY_CONFIG_DIR: '/c', XDG_CONFIG_HOME: '/x', HOME: '/h' }), '/c');
  assert.equal(configDir({ XDG_CONFIG_HOME: '/x' }), '/x/slipway');
  assert.match(configDir({}), /\/\.config\/slipway$/);
  assert.equal(credentialsPath({ SLIPWAY_CONFIG_DIR: '/c' }), '/c/credentials.json');
});

test('credentials round-trip owner-only; a damaged file is a clear error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-creds-'));
  const env = { SLIPWAY_CONFIG_DIR: join(dir, 'nested') };
  try {
    assert.equal(await readCredentials(env), null);
    const creds = { apiUrl: 'http://127.0.0.1:4000', email: 'a@b.co', token: 'slw_x' };
    await writeCredentials(creds, env);
    assert.deepEqual(await readCredentials(env), creds);
    assert.equal((await stat(credentialsPath(env))).mode & 0o777, 0o600);
    assert.equal((await stat(env.SLIPWAY_CONFIG_DIR)).mode & 0o777, 0o700);
    await writeFile(credentialsPath(env), '{"token": 1');
    await assert.rejects(readCredentials(env), /is damaged; delete it and run `slipway login`/);
    await deleteCredentials(env);
    assert.equal(await readCredentials(env), null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
