import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { startBackend, startTestRouter, type TestBackend, type TestRouter } from './helpers.ts';

describe('router: TLS termination from certificate files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-tls-'));
  let r: TestRouter;
  let b: TestBackend;
  const insecure = new Agent({ connect: { rejectUnauthorized: false } });

  before(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=tls.test',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    r = await startTestRouter({ TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'key.pem'), ROUTER_HTTPS_PORT: '0', HTTPS_REDIRECT: 'true' });
    b = await startBackend('tls');
    await r.publish('tls.test', [{ app: 'tls', backends: [{ id: 'tls', url: b.url }] }]);
  });
  after(async () => {
    await insecure.close();
    await r.stop();
    await b.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('terminates TLS and tells the app the request came over https', async () => {
    const port = r.router.httpsAddress()!.port;
    const res = await request(`https://127.0.0.1:${port}/x`, { dispatcher: insecure, headers: { host: 'tls.test' } });
    const seen = (await res.body.json()) as { headers: Record<string, string> };
    assert.equal(res.statusCode, 200);
    assert.equal(seen.headers['x-forwarded-proto'], 'https');
    assert.equal(seen.headers['x-forwarded-port'], String(port));
  });

  it('redirects plain HTTP to HTTPS when asked to', async () => {
    const res = await r.get('tls.test', '/path?q=1');
    assert.equal(res.status, 308);
    assert.equal(res.headers.location, `https://tls.test:${r.router.httpsAddress()!.port}/path?q=1`);
  });
});
