import assert from 'node:assert/strict';
import { it } from 'node:test';
import { acceptRequestId, downstreamHeaders, upstreamHeaders } from './headers.ts';
import { retryable } from './failures.ts';

const client = { remoteAddress: '::ffff:10.0.0.5', proto: 'https' as const, host: 'a.example', port: 443, requestId: 'rid', startMs: 1700000000000 };

it('forwards end-to-end headers, appends to X-Forwarded-For, replaces the rest of ours', () => {
  const out = upstreamHeaders(
    ['Host', 'a.example', 'Connection', 'keep-alive, X-Secret', 'X-Secret', 's', 'X-Forwarded-For', '1.2.3.4', 'X-Forwarded-Proto', 'http', 'Cookie', 'a=1', 'Cookie', 'b=2', 'TE', 'trailers'],
    client,
  );
  const pairs: [string, string][] = [];
  for (let i = 0; i < out.length; i += 2) pairs.push([out[i]!.toLowerCase(), out[i + 1]!]);
  const get = (n: string) => pairs.filter(([k]) => k === n).map(([, v]) => v);
  assert.deepEqual(get('cookie'), ['a=1', 'b=2']);
  assert.deepEqual(get('x-secret'), []);
  assert.deepEqual(get('connection'), []);
  assert.deepEqual(get('te'), []);
  assert.deepEqual(get('x-forwarded-for'), ['1.2.3.4, 10.0.0.5']);
  assert.deepEqual(get('x-forwarded-proto'), ['https']);
  assert.deepEqual(get('x-request-start'), ['t=1700000000000']);
});

it('drops headers named by Connection even when they come before it, keeps the rest in order', () => {
  const out = upstreamHeaders(['X-Early', 'e', 'Accept', '*/*', 'Connection', 'Keep-Alive, X-Early', 'X-Late', 'l'], client);
  assert.deepEqual(out.slice(0, 4), ['Accept', '*/*', 'X-Late', 'l']);
});

it('drops hop-by-hop response headers', () => {
  assert.deepEqual(downstreamHeaders({ 'content-type': 'text/plain', connection: 'close', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked' }), { 'content-type': 'text/plain' });
  assert.deepEqual(downstreamHeaders({ 'x-hop': '1', 'set-cookie': ['a=1', 'b=2'], connection: 'keep-alive, X-Hop' }), { 'set-cookie': ['a=1', 'b=2'] });
});

it('keeps only sane client request ids', () => {
  assert.equal(acceptRequestId('abc-123'), 'abc-123');
  assert.equal(acceptRequestId('bad id\r\n'), undefined);
  assert.equal(acceptRequestId('x'.repeat(300)), undefined);
});

it('retries only body-less idempotent requests after connect/closed failures', () => {
  assert.ok(retryable('GET', false, 'connect'));
  assert.ok(retryable('GET', false, 'closed'));
  assert.ok(!retryable('GET', false, 'timeout'));
  assert.ok(!retryable('POST', false, 'connect'));
  assert.ok(!retryable('PUT', true, 'connect'));
});
