import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import pg from 'pg';
import { Agent, request } from 'undici';
import { Outsiders, helloApp, type Tenant } from './harness.ts';
import { ensureDashboardBuilt } from '../../dashboard/build.ts';
import { launchBrowser, logIn, type TestBrowser } from '../../dashboard/browser.ts';

// Issue 14, holes 5 (CSRF with the session cookie), 7 (X-Forwarded-For spoofing, no per-account login limit) and
// 9 (unauthenticated agent bodies parsed before the credential check), attacked from outside a fresh platform.
const world = new Outsiders();
const EVIL = 'http://evil.example';

const agents = new Map<string, Agent>();
/** HTTP from a given loopback source address: a distinct real client, unlike a forged X-Forwarded-For. */
function from(address: string): Agent {
  if (!agents.has(address)) agents.set(address, new Agent({ localAddress: address }));
  return agents.get(address)!;
}

async function post(path: string, opts: { headers?: Record<string, string>; body?: string | Buffer; address?: string } = {}) {
  const started = Date.now();
  const res = await request(`${world.platform.apiUrl}${path}`, {
    method: 'POST', dispatcher: from(opts.address ?? '127.0.0.1'), headers: opts.headers ?? {}, body: opts.body, headersTimeout: 20_000, bodyTimeout: 20_000,
  });
  const text = await res.body.text();
  let json: { error?: { code: string; message: string }; token?: string } | null = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.statusCode, headers: res.headers, json, text, ms: Date.now() - started };
}

const login = (email: string, password: string, headers: Record<string, string> = {}, address?: string, tokenDescription?: string) =>
  post('/v1/login', { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ email, password, tokenDescription }), address });

/** The dashboard's session cookie, as a browser gets it (POST /v1/login without tokenDescription). */
async function sessionCookie(t: Tenant): Promise<string> {
  const res = await login(t.email, t.password);
  assert.equal(res.status, 200, res.text);
  return String(res.headers['set-cookie']).split(';')[0]!;
}

async function events(t: Tenant, app?: string): Promise<{ action: string; sourceIp: string | null; target: string | null }[]> {
  const res = await t.api('GET', `/v1/events${app ? `?app=${app}` : ''}`);
  assert.equal(res.status, 200);
  return res.body.items;
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('outsider: CSRF, forwarded-for spoofing and login lockout, oversized agent bodies', { timeout: 900_000 }, () => {
  let app = '';
  let addon = '';
  let browser: TestBrowser | null = null;

  before(async () => {
    await ensureDashboardBuilt();
    await world.start();
    app = world.appName('web-a');
    const pushed = await world.deploy(world.alice, app, helloApp('alice-web'));
    assert.equal(pushed.code, 0, pushed.out);
    const made = await world.alice.shell.ok(['addons:create', 'postgres', '-a', app], 240_000);
    addon = /Created (\S+):/.exec(made)?.[1] ?? '';
    assert.ok(addon, made);
  });
  after(async () => {
    await browser?.close();
    for (const a of agents.values()) await a.close();
    await world.stop();
  });

  test('a cross-site form POST with the session cookie cannot restart, back up or rotate credentials (403 csrf_refused)', async () => {
    const cookie = await sessionCookie(world.alice);
    const targets = [`/v1/apps/${app}/instances/restart`, `/v1/addons/${addon}/backups`, `/v1/addons/${addon}/credentials/rotate`];
    const origins: Record<string, string>[] = [
      { origin: EVIL },
      { origin: EVIL, 'sec-fetch-site': 'cross-site' },
      { origin: `http://127.0.0.1:9999`, 'sec-fetch-site': 'same-site' }, // another port of the dashboard's own site
      { 'sec-fetch-site': 'same-site' },
      {}, // a browser sending neither header: a form still cannot add X-Requested-With
    ];
    for (const path of targets) {
      for (const headers of origins) {
        const res = await post(path, { headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: 'type=web' });
        assert.equal(res.status, 403, `${path} ${JSON.stringify(headers)}: ${res.text}`);
        assert.equal(res.json?.error?.code, 'csrf_refused');
      }
    }
    const done = (await events(world.alice)).map((e) => e.action);
    for (const action of ['ps.restart', 'addon.backup.capture', 'addon.credentials.rotate']) {
      assert.ok(!done.includes(action), `${action} happened: ${done.join(', ')}`);
    }
    // The same calls with alice's API token (the CLI's way) are not affected by Origin.
    const byToken = await world.alice.api('POST', `/v1/apps/${app}/instances/restart`, {}, { origin: EVIL, 'sec-fetch-site': 'cross-site' });
    assert.equal(byToken.status, 202, JSON.stringify(byToken.body));
  });

  test('in Chromium: the dashboard restarts the app; a page on 127.0.0.1:<another port> cannot', async () => {
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    await logIn(page, world.platform.apiUrl, world.alice.email, world.alice.password);
    const restartsBefore = (await events(world.alice, app)).filter((e) => e.action === 'ps.restart').length;

    // The dashboard's own call still works.
    await page.goto(`${world.platform.apiUrl}/apps/${app}/resources`);
    await page.getByRole('button', { name: 'Restart all' }).click();
    const byDashboard = await waitFor('the dashboard restart in the audit log', async () => {
      const restarts = (await events(world.alice, app)).filter((e) => e.action === 'ps.restart');
      return restarts.length > restartsBefore && restarts;
    });
    assert.equal(byDashboard[0]!.sourceIp, '127.0.0.1');

    // The attacker's page: same site (127.0.0.1), another port. It fires a credentialed fetch, then submits a form.
    const target = `${world.platform.apiUrl}/v1/apps/${app}/instances/restart`;
    const html = `<!doctype html><title>cute cats</title><body>
<form id="f" method="POST" action="${target}"><input name="type" value="web"></form>
<script>
  const sent = [
    fetch(${JSON.stringify(target)}, { method: 'POST', credentials: 'include', mode: 'no-cors' }),
    fetch(${JSON.stringify(target)}, { method: 'POST', credentials: 'include', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' }),
  ];
  Promise.allSettled(sent).then(() => { document.title = 'fetched'; document.getElementById('f').submit(); });
</script>`;
    const attacker: Server = await new Promise((resolve) => {
      const s = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html)).listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const evil = await browser.context.newPage();
      await evil.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      await evil.waitForURL(target); // the form navigated to the API, which answered the refusal
      const answer = await evil.locator('body').innerText();
      assert.match(answer, /csrf_refused/);
      await new Promise((r) => setTimeout(r, 1000));
      const after = (await events(world.alice, app)).filter((e) => e.action === 'ps.restart');
      assert.equal(after.length, byDashboard.length, 'the attacker page restarted the app');
    } finally {
      await new Promise((r) => attacker.close(r));
    }
  });

  test('X-Forwarded-For is not believed: the per-address limit holds and the audit records the real peer', async () => {
    // Rotating X-Forwarded-For from one address: the 11th attempt in a minute is refused (it used to be 12 of 12).
    const address = `127.0.0.${randomInt(20, 120)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await login(`nobody-${i}@example.test`, 'guess', { 'x-forwarded-for': `6.6.6.${i}` }, address, 'spray');
      statuses.push(res.status);
      if (res.status === 429) assert.match(res.json!.error!.message, /from your address; try again \d\d:\d\d:\d\d UTC/);
    }
    assert.deepEqual(statuses, [...Array(10).fill(401), 429, 429]);

    const spoofed = await login(world.alice.email, world.alice.password, { 'x-forwarded-for': '6.6.6.6' }, undefined, 'spoofed');
    assert.equal(spoofed.status, 200);
    const logins = (await events(world.alice)).filter((e) => e.action === 'login');
    assert.ok(logins.length >= 2);
    assert.ok(logins.every((e) => e.sourceIp === '127.0.0.1'), JSON.stringify(logins));
    // Nothing in the whole audit trail carries a forged address.
    const db = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${world.platform.dbName}` });
    await db.connect();
    try {
      const forged = await db.query(`SELECT action, "sourceIp" FROM "Event" WHERE "sourceIp" LIKE '6.6.6.%'`);
      assert.deepEqual(forged.rows, []);
      const failed = await db.query(`SELECT DISTINCT "sourceIp" FROM "Event" WHERE action = 'login.failed' AND target LIKE 'nobody-%'`);
      assert.deepEqual(failed.rows.map((r: { sourceIp: string }) => r.sourceIp), [address]);
    } finally {
      await db.end();
    }
  });

  test('per-account lockout: 10 failures from 10 addresses lock the account; 429 with Retry-After; the usual address still logs in', async () => {
    const victim = { email: `carol-${randomBytes(3).toString('hex')}@example.test`, password: randomBytes(12).toString('base64url') };
    assert.equal((await world.admin('POST', '/v1/users', victim)).status, 201);
    const base = randomInt(130, 230);
    const usual = `127.0.0.${base + 11}`;
    assert.equal((await login(victim.email, victim.password, {}, usual, 'usual')).status, 200);
    for (let i = 0; i < 10; i++) {
      const res = await login(victim.email, `guess-${i}`, { 'x-forwarded-for': `7.7.7.${i}` }, `127.0.0.${base + i}`, 'guess');
      assert.equal(res.status, 401, res.text);
    }
    const locked = await login(victim.email, victim.password, {}, `127.0.0.${base + 10}`, 'after');
    assert.equal(locked.status, 429, 'the right password from a new address waits');
    assert.match(locked.json!.error!.message, /this account; its password login is locked until \d\d:\d\d:\d\d UTC \(in 15 minutes\)/);
    const retryAfter = Number(locked.headers['retry-after']);
    assert.ok(retryAfter > 0 && retryAfter <= 900, `Retry-After ${retryAfter}`);
    // What the CLI shows for it (from 127.0.0.1, another address the victim never used).
    const cli = await world.alice.shell.slipway(['login', '--api', world.platform.apiUrl, '--email', victim.email, '--password', victim.password]);
    assert.notEqual(cli.code, 0);
    assert.match(cli.out, /locked until \d\d:\d\d:\d\d UTC/);
    // The victim's usual address counts apart; other accounts are untouched.
    assert.equal((await login(victim.email, victim.password, {}, usual, 'usual')).status, 200);
    assert.equal((await login(world.bob.email, world.bob.password, {}, `127.0.0.${base + 10}`, 'bob')).status, 200);
  });

  test('an unauthenticated 7 MB POST to /v1/agent/logs and a 9 MB heartbeat are refused before their bodies are read', async () => {
    // The refusal comes from the request's head: it arrives while the body is still unsent.
    for (const path of ['/v1/agent/logs', '/v1/agent/heartbeat', '/v1/agent/register']) {
      const status = await headOnly(path, 7 * 1024 * 1024);
      assert.ok([401, 413].includes(status), `${path}: ${status}`);
    }
    // Whole bodies sent anyway: refused, not parsed (the time is mostly the upload on a busy machine).
    const pid = apiPid();
    const before = memoryOf(pid);
    const lines = JSON.stringify({ lines: Array.from({ length: 70_000 }, (_, i) => ({ instanceId: '00000000-0000-4000-8000-000000000000', stream: 'stdout', line: `x${i}`.padEnd(80, 'x'), ts: new Date().toISOString() })) });
    assert.ok(lines.length > 7_000_000);
    const logs = await post('/v1/agent/logs', { headers: { 'content-type': 'application/json' }, body: lines });
    assert.equal(logs.status, 401, logs.text);
    const heartbeat = await post('/v1/agent/heartbeat', { headers: { 'content-type': 'application/json' }, body: Buffer.alloc(9 * 1024 * 1024, ' ') });
    assert.ok([401, 413].includes(heartbeat.status), heartbeat.text);
    const afterBodies = memoryOf(pid);
    console.log(`7 MB POST /v1/agent/logs: ${logs.status} in ${logs.ms} ms; 9 MB heartbeat: ${heartbeat.status} in ${heartbeat.ms} ms; ` +
      `API RSS ${before.rssMb} → ${afterBodies.rssMb} MB, peak ${before.peakMb} → ${afterBodies.peakMb} MB`);
  });
});

/** The API process: the one listening on its port. */
function apiPid(): number {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${world.platform.apiPort}`], { encoding: 'utf8' });
  return Number(/pid=(\d+)/.exec(out)![1]);
}

function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)![1]);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

/** Sends only the head of a request announcing `length` bytes of body; resolves with the status the API answers. */
function headOnly(path: string, length: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(world.platform.apiPort, '127.0.0.1', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{"`);
    });
    let got = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${path} while its body was unsent: the API waits for the body`));
    }, 5000);
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      if (!m) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(Number(m[1]));
    });
    socket.on('error', reject);
  });
}
