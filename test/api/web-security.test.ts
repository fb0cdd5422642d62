import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { connect } from 'node:net';
import { Agent, request } from 'undici';
import { loadApiConfig } from '../../apps/api/src/config.ts';
import { startApi, client, tokenFor, type TestApi } from '../support/api-server.ts';

// Issue 14, holes 5, 7 and 9 (agent bodies): CSRF with the session cookie, X-Forwarded-For spoofing, login lockout,
// unauthenticated oversized bodies. The platform-level attacks are in test/security/outsider/web.test.ts.

const joinToken = randomBytes(16).toString('hex');
let api: TestApi;
let admin: ReturnType<typeof client>;

before(async () => {
  api = await startApi({ LOGIN_ACCOUNT_FAILURES: '3', SLIPWAY_JOIN_TOKEN: joinToken });
  admin = client(api.url, await tokenFor(api.url, api.admin.email, api.admin.password));
});
after(async () => api.stop());

const XRW = { 'x-requested-with': 'test' };
const agents = new Map<string, Agent>();
/** HTTP from a given loopback source address: a distinct real client, unlike a forged X-Forwarded-For. */
function from(address: string): Agent {
  if (!agents.has(address)) agents.set(address, new Agent({ localAddress: address }));
  return agents.get(address)!;
}

async function login(base: string, body: object, headers: Record<string, string> = {}, address = '127.0.0.1') {
  const res = await request(`${base}/v1/login`, {
    method: 'POST', dispatcher: from(address), headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : null };
}

async function sessionCookie(email: string, password: string): Promise<string> {
  const res = await login(api.url, { email, password }, XRW);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return String(res.headers['set-cookie']).split(';')[0]!;
}

async function newUser(): Promise<{ email: string; password: string }> {
  const user = { email: `u-${randomBytes(4).toString('hex')}@example.test`, password: randomBytes(12).toString('base64url') };
  assert.equal((await admin('POST', '/v1/users', user)).status, 201);
  return user;
}

test('cookie-authenticated changes from another origin, another site or a plain form are refused with csrf_refused', async () => {
  const cookie = await sessionCookie(api.admin.email, api.admin.password);
  const raw = client(api.url);
  const name = `csrf-${randomBytes(3).toString('hex')}`;
  const attempts: Record<string, string>[] = [
    { origin: 'http://evil.example', ...XRW },
    { origin: 'http://127.0.0.1:9999', 'sec-fetch-site': 'same-site', ...XRW },
    { 'sec-fetch-site': 'same-site', ...XRW },
    { 'sec-fetch-site': 'cross-site', ...XRW },
    { origin: 'null', ...XRW },
    {}, // neither Origin nor Sec-Fetch-Site nor the custom header: an old browser's form
    { origin: api.url, 'sec-fetch-site': 'same-origin' }, // even the own origin needs the header
  ];
  for (const headers of attempts) {
    const res = await raw('POST', '/v1/apps', { name }, { cookie, ...headers });
    assert.equal(res.status, 403, JSON.stringify(headers));
    assert.equal(res.body.error.code, 'csrf_refused');
    assert.match(res.body.error.message, /session cookie/);
  }
  // A form-encoded POST (what an auto-submitted <form> sends) is refused before its body is read.
  const form = await raw('POST', '/v1/apps', `name=${name}`, { cookie, origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(form.status, 403);
  assert.equal((await admin('GET', `/v1/apps/${name}`)).status, 404, 'no refused request created the app');

  // Session logout is a change too.
  assert.equal((await raw('POST', '/v1/logout', undefined, { cookie, 'sec-fetch-site': 'cross-site' })).status, 403);
  // Reads stay open to the cookie (a page on another origin cannot read the answer).
  assert.equal((await raw('GET', '/v1/account', undefined, { cookie, 'sec-fetch-site': 'cross-site' })).status, 200);
  // The dashboard's own call: same origin, the header.
  const own = await raw('POST', '/v1/apps', { name }, { cookie, origin: api.url, 'sec-fetch-site': 'same-origin', ...XRW });
  assert.equal(own.status, 201, JSON.stringify(own.body));
  // Bearer tokens carry no ambient authority: unaffected by Origin.
  const bearer = await admin('DELETE', `/v1/apps/${name}`, undefined, { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' });
  assert.equal(bearer.status, 204, JSON.stringify(bearer.body));
});

test('login CSRF: a browser login from another origin or site is refused; the CLI sends neither header', async () => {
  const creds = { email: api.admin.email, password: api.admin.password };
  const foreign: Record<string, string>[] = [{ origin: 'http://evil.example' }, { 'sec-fetch-site': 'same-site' }, { 'sec-fetch-site': 'cross-site', origin: api.url }];
  for (const headers of foreign) {
    const res = await login(api.url, creds, headers);
    assert.equal(res.status, 403, JSON.stringify(headers));
    assert.equal(res.body.error.code, 'csrf_refused');
    assert.equal(res.headers['set-cookie'], undefined);
  }
  assert.equal((await login(api.url, { ...creds, tokenDescription: 'cli' })).status, 200);
  assert.equal((await login(api.url, { ...creds, tokenDescription: 'cli' }, { origin: 'http://evil.example' })).status, 403);
  assert.equal((await login(api.url, creds, { origin: api.url, 'sec-fetch-site': 'same-origin' })).status, 200);
  // What a form can send (text/plain) is not JSON, so it never logs in, even from an old browser sending no Origin.
  const form = await request(`${api.url}/v1/login`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(creds) });
  assert.equal(form.statusCode, 422);
  assert.equal(form.headers['set-cookie'], undefined);
  await form.body.text();
});

test('X-Forwarded-For from an untrusted peer is ignored: the audit records the real address', async () => {
  const user = await newUser();
  const res = await login(api.url, { ...user, tokenDescription: 'xff' }, { 'x-forwarded-for': '6.6.6.6' });
  assert.equal(res.status, 200);
  const events = await client(api.url, res.body.token)('GET', '/v1/events');
  const logins = (events.body.items as { action: string; sourceIp: string }[]).filter((e) => e.action === 'login');
  assert.deepEqual(logins.map((e) => e.sourceIp), ['127.0.0.1']);
});

test('per-account lockout: failures from many addresses lock the account; 429 says when; a known address still logs in', async () => {
  const victim = await newUser();
  const bystander = await newUser();
  // The victim logged in before from 127.0.0.1: that address counts in a bucket of its own.
  assert.equal((await login(api.url, { ...victim, tokenDescription: 'usual' })).status, 200);
  const base = randomInt(20, 200);
  for (let i = 0; i < 3; i++) {
    const res = await login(api.url, { email: victim.email.toUpperCase(), password: 'wrong', tokenDescription: 't' }, { 'x-forwarded-for': `6.6.6.${i}` }, `127.0.0.${base + i}`);
    assert.equal(res.status, 401);
  }
  const locked = await login(api.url, { ...victim, tokenDescription: 't' }, {}, `127.0.0.${base + 3}`);
  assert.equal(locked.status, 429, 'even the right password from a new address waits');
  assert.equal(locked.body.error.code, 'rate_limited');
  assert.match(locked.body.error.message, /locked until \d\d:\d\d:\d\d UTC \(in 15 minutes\)/);
  const retryAfter = Number(locked.headers['retry-after']);
  assert.ok(retryAfter > 800 && retryAfter <= 900, `Retry-After ${retryAfter}`);
  // Refused attempts do not extend the lock.
  const again = await login(api.url, { ...victim, tokenDescription: 't' }, {}, `127.0.0.${base + 3}`);
  assert.ok(Number(again.headers['retry-after']) <= retryAfter);
  assert.equal((await login(api.url, { ...victim, tokenDescription: 'usual' })).status, 200, 'the usual address has a bucket of its own');
  assert.equal((await login(api.url, { ...bystander, tokenDescription: 'b' }, {}, `127.0.0.${base + 3}`)).status, 200, 'other accounts are not locked');
});

test('TRUSTED_PROXIES: forwarded addresses are believed only from the named proxies; per-address limits hold', async () => {
  const proxied = await startApi({ TRUSTED_PROXIES: '127.0.0.1', LOGIN_RATE_LIMIT: '4' });
  try {
    const token = await tokenFor(proxied.url, proxied.admin.email, proxied.admin.password);
    const viaProxy = await login(proxied.url, { email: proxied.admin.email, password: proxied.admin.password, tokenDescription: 'p' }, { 'x-forwarded-for': '6.6.6.6' });
    assert.equal(viaProxy.status, 200);
    const address = `127.0.0.${randomInt(20, 250)}`;
    const direct = await login(proxied.url, { email: proxied.admin.email, password: proxied.admin.password, tokenDescription: 'd' }, { 'x-forwarded-for': '7.7.7.7' }, address);
    assert.equal(direct.status, 200);
    const events = await client(proxied.url, token)('GET', '/v1/events');
    const ips = (events.body.items as { action: string; sourceIp: string }[]).filter((e) => e.action === 'login').map((e) => e.sourceIp);
    assert.ok(ips.includes('6.6.6.6'), 'the trusted proxy names the client');
    assert.ok(ips.includes(address) && !ips.includes('7.7.7.7'), 'an untrusted peer is its own address');
    // Rotating X-Forwarded-For from one untrusted address does not get around the per-address limit.
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await login(proxied.url, { email: `n${i}@example.test`, password: 'x', tokenDescription: 't' }, { 'x-forwarded-for': `8.8.8.${i}` }, address)).status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
  } finally {
    await proxied.stop();
  }
  assert.throws(() => loadApiConfig({ DATABASE_URL: 'postgresql://x@127.0.0.1/x', SLIPWAY_SECRET_KEYS: 'k', TRUSTED_PROXIES: '10.0.0.1,not-an-ip' }), /TRUSTED_PROXIES/);
});

/** Sends only the head of a request announcing a large body and returns the answer's status line, and how long it took. */
function headOnly(path: string, length: number, headers: Record<string, string> = {}): Promise<{ status: number; ms: number }> {
  const { port } = new URL(api.url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      const lines = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', `Content-Length: ${length}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      socket.write(`${lines.join('\r\n')}\r\n\r\n{"lines":[`);
    });
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      if (m) {
        socket.destroy();
        resolve({ status: Number(m[1]), ms: Date.now() - started });
      }
    });
    socket.on('error', reject);
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${path} while its body was still unsent`));
    }, 5000);
  });
}

test('agent endpoints refuse unauthenticated and oversized bodies from their head, without reading them', async () => {
  const sevenMb = 7 * 1024 * 1024;
  for (const path of ['/v1/agent/logs', '/v1/agent/heartbeat', '/v1/agent/gone-builds']) {
    assert.equal((await headOnly(path, sevenMb)).status, 401, path);
    assert.equal((await headOnly(path, sevenMb, { Authorization: 'Bearer node_wrong' })).status, 401, path);
  }
  // Registration carries its join token in the body: at most 4 KB of it is read.
  assert.equal((await headOnly('/v1/agent/register', sevenMb)).status, 413);
  const reg = await client(api.url)('POST', '/v1/agent/register', { joinToken, name: `n-${randomBytes(2).toString('hex')}`, address: '10.9.9.7', memoryMb: 1024, cpus: 1 });
  assert.equal(reg.status, 201);
  // A known node is held to the 8 MB limit, also from the head.
  assert.equal((await headOnly('/v1/agent/logs', 9 * 1024 * 1024, { Authorization: `Bearer ${reg.body.credential}` })).status, 413);

  // A whole 7 MB body sent anyway: refused, and the API's memory does not grow by it.
  const body = Buffer.alloc(sevenMb, 'a');
  const rss = process.memoryUsage().rss;
  const started = Date.now();
  const res = await request(`${api.url}/v1/agent/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await res.body.text();
  assert.equal(res.statusCode, 401);
  const grew = (process.memoryUsage().rss - rss) / 1048576;
  console.log(`unauthenticated 7 MB POST /v1/agent/logs: ${res.statusCode} in ${Date.now() - started} ms, RSS +${grew.toFixed(1)} MB`);
});

test('git smart HTTP refuses requests made by web pages (the browser may hold basic credentials)', async () => {
  const token = await tokenFor(api.url, api.admin.email, api.admin.password);
  const auth = `Basic ${Buffer.from(`x:${token}`).toString('base64')}`;
  const res = await request(`${api.url}/csrf-git.git/git-receive-pack`, {
    method: 'POST', headers: { authorization: auth, origin: 'http://evil.example', 'content-type': 'application/x-git-receive-pack-request' }, body: '0000',
  });
  assert.equal(res.statusCode, 403);
  assert.match(await res.body.text(), /web pages/);
});
