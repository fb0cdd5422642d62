import assert from 'node:assert/strict';
import { it } from 'node:test';
import { NonceCache, sign, verify } from './signing.ts';

const secret = 'k'.repeat(40);

it('round-trips a payload and refuses tampering, other secrets and garbage', () => {
  const wire = sign('app-123', secret);
  assert.deepEqual({ ...verify(wire, secret), signedAt: 0 }, { ok: true, payload: 'app-123', signedAt: 0 });
  const msg = JSON.parse(wire);
  assert.equal(verify(JSON.stringify({ ...msg, p: 'app-456' }), secret).ok, false);
  assert.equal(verify(JSON.stringify({ ...msg, t: msg.t + 1 }), secret).ok, false);
  assert.deepEqual(verify(wire, 'x'.repeat(40)), { ok: false, reason: 'bad-signature' });
  for (const junk of ['app-123', '', '{}', 'null', '{"p":"a","t":1,"n":"12345678","s":""}', JSON.stringify({ ...msg, extra: 1 })]) {
    assert.equal(verify(junk, secret).ok, false, junk);
  }
});

it('refuses stale and future messages when a window is given', () => {
  const old = sign('x', secret, Date.now() - 61_000);
  assert.deepEqual(verify(old, secret, { maxAgeMs: 60_000 }), { ok: false, reason: 'stale' });
  assert.equal(verify(old, secret).ok, true, 'stored entries have no window');
  assert.deepEqual(verify(sign('x', secret, Date.now() + 120_000), secret, { maxAgeMs: 60_000 }), { ok: false, reason: 'stale' });
});

it('refuses a replayed nonce; the cache stays bounded', () => {
  const nonces = new NonceCache(3);
  const wire = sign('x', secret);
  assert.equal(verify(wire, secret, { maxAgeMs: 60_000, nonces }).ok, true);
  assert.deepEqual(verify(wire, secret, { maxAgeMs: 60_000, nonces }), { ok: false, reason: 'replayed' });
  for (let i = 0; i < 10; i++) assert.equal(nonces.admit(`n${i}`, Date.now() - 1), true);
  assert.equal(nonces.admit('n9', Date.now() + 1000), false);
});
