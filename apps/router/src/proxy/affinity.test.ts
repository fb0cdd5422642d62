import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AFFINITY_COOKIE, affinityCookieValue, pinnedBackend } from './affinity.ts';

const secret = 'k'.repeat(32);

it('reads back a cookie it signed, for the same app only', () => {
  const cookie = `theme=dark; ${AFFINITY_COOKIE}=${affinityCookieValue(secret, 'shop', 'web.1')}`;
  assert.equal(pinnedBackend(secret, 'shop', cookie), 'web.1');
  assert.equal(pinnedBackend(secret, 'blog', cookie), undefined);
  assert.equal(pinnedBackend('x'.repeat(32), 'shop', cookie), undefined);
});

it('rejects tampered and malformed cookies', () => {
  const [, mac] = affinityCookieValue(secret, 'shop', 'web.1').split('.');
  const forged = `${AFFINITY_COOKIE}=${Buffer.from('web.2').toString('base64url')}.${mac}`;
  assert.equal(pinnedBackend(secret, 'shop', forged), undefined);
  assert.equal(pinnedBackend(secret, 'shop', `${AFFINITY_COOKIE}=garbage`), undefined);
  assert.equal(pinnedBackend(secret, 'shop', undefined), undefined);
});
