import { test } from 'node:test';
import assert from 'node:assert/strict';
import { psqlInvocation, redisCliInvocation } from './tool-args.ts';

test('psql gets the URL without its password; the password goes in PGPASSWORD', () => {
  const inv = psqlInvocation('postgresql://app_1:p%40ss%2Fw@db.internal:5433/app_1');
  assert.deepEqual(inv, { command: 'psql', args: ['postgresql://app_1@db.internal:5433/app_1'], env: { PGPASSWORD: 'p@ss/w' } });
  assert.throws(() => psqlInvocation('redis://x@h:1'), /rather than postgres: or postgresql:/);
  assert.throws(() => psqlInvocation('not a url'), /not a URL/);
});

test('redis-cli gets host, port, ACL user and database; the password goes in REDISCLI_AUTH', () => {
  assert.deepEqual(redisCliInvocation('redis://addon_ab12:s3cret@10.0.0.5:6380'), {
    command: 'redis-cli',
    args: ['-h', '10.0.0.5', '-p', '6380', '--user', 'addon_ab12'],
    env: { REDISCLI_AUTH: 's3cret' },
  });
  assert.deepEqual(redisCliInvocation('rediss://[::1]/2').args, ['-h', '::1', '-p', '6379', '-n', '2', '--tls']);
});
