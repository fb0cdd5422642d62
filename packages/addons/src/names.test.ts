import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configVarsFor, defaultAlias, newAddonName, newSecret, parseAlias, resourceName } from './names.ts';

test('resource names are deterministic per add-on id', () => {
  const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
  assert.equal(resourceName(id), 'addon_0f8fad5bd9cb469fa16570867728950e');
  assert.equal(resourceName(id.toUpperCase()), resourceName(id));
  assert.throws(() => resourceName('x; DROP ROLE postgres'));
});

test('secrets are long and URL-safe', () => {
  const s = newSecret();
  assert.match(s, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(s, newSecret());
});

test('names and aliases', () => {
  assert.match(newAddonName('postgres'), /^postgres-[a-z]+-\d{5}$/);
  assert.equal(defaultAlias('postgres', 'postgres-jade-12345', new Set()), 'DATABASE');
  assert.equal(defaultAlias('postgres', 'postgres-jade-12345', new Set(['DATABASE'])), 'POSTGRES_JADE_12345');
  assert.equal(defaultAlias('redis', 'redis-onyx-10001', new Set(['DATABASE'])), 'REDIS');
  assert.equal(parseAlias('analytics'), 'ANALYTICS');
  assert.throws(() => parseAlias('DATABASE_URL'), { code: 'bad_request' });
  assert.throws(() => parseAlias('1BAD'), { code: 'bad_request' });
});

test('config vars of one attachment', () => {
  assert.deepEqual(configVarsFor('CACHE', { url: 'redis://u:p@h:1', extra: { KEY_PREFIX: 'addon_x:' } }), {
    CACHE_URL: 'redis://u:p@h:1',
    CACHE_KEY_PREFIX: 'addon_x:',
  });
});
