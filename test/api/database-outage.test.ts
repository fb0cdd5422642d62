import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startApi, client, tokenFor, type TestApi } from '../support/api-server.ts';
import { privatePostgres, type PrivatePostgres } from '../support/private-postgres.ts';
import { run, waitFor } from '../cluster/harness/exec.ts';
import { BLIND_UNTIL_KEY } from '../../apps/scheduler/src/channels.ts';

// The API over a Postgres and a Redis of this test's own: it stops the database (never the machine's)
// and reads the blind marker (which would reach other platforms' schedulers on a shared Redis).
let pg: PrivatePostgres;
let redis: ChildProcess;
let api: TestApi;
let token: string;
let credential: string;
const redisPort = 20_000 + Math.floor(Math.random() * 20_000);
const joinToken = randomBytes(24).toString('base64url');

before(async () => {
  pg = await privatePostgres();
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor('private redis', async () => (await run('redis-cli', ['-p', String(redisPort), 'ping'], true)).includes('PONG'), 15_000);
  api = await startApi({ REDIS_URL: `redis://127.0.0.1:${redisPort}`, SLIPWAY_JOIN_TOKEN: joinToken }, pg.url);
  token = await tokenFor(api.url, api.admin.email, api.admin.password);
  const reg = await client(api.url)('POST', '/v1/agent/register', { joinToken, name: 'n1', address: '127.0.0.1', memoryMb: 1024, cpus: 1 });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  credential = reg.body.credential;
});
after(async () => {
  await pg.start().catch(() => {});
  await api?.stop();
  redis?.kill('SIGKILL');
  await pg?.destroy();
});

const heartbeat = () => client(api.url, credential)('POST', '/v1/agent/heartbeat', { memoryMb: 1024, cpus: 1, containers: [] });

test('with the database stopped the API answers 503 with Retry-After, /healthz names the database, and it all resumes by itself', async () => {
  const healthy = await client(api.url)('GET', '/healthz');
  assert.deepEqual([healthy.status, healthy.body], [200, { ok: true, database: 'up', redis: 'up' }]);
  assert.equal((await heartbeat()).status, 200);

  await pg.stop();
  try {
    const health = await client(api.url)('GET', '/healthz');
    assert.equal(health.status, 503);
    assert.deepEqual(health.body, { ok: false, database: 'down', redis: 'up' });
    assert.equal(health.headers.get('retry-after'), '2');

    const apps = await client(api.url, token)('GET', '/v1/apps');
    assert.equal(apps.status, 503);
    assert.equal(apps.headers.get('retry-after'), '2');
    assert.equal(apps.body.error.code, 'unavailable');
    assert.match(apps.body.error.message, /platform's database is unavailable/);

    // A dropped heartbeat is the control plane's fault: it is refused with 503 and marked, so no node is judged on it.
    const before = Date.now();
    const beat = await heartbeat();
    assert.equal(beat.status, 503);
    assert.equal(beat.headers.get('retry-after'), '2');
    const mark = Number(await api.deps.redis.get(BLIND_UNTIL_KEY));
    assert.ok(mark >= before && mark <= Date.now(), `blind marker ${mark} is the moment of the dropped heartbeat`);

    // A push is refused with a message git shows the user.
    const push = await fetch(`${api.url}/demo.git/info/refs?service=git-receive-pack`, { headers: { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` } });
    assert.equal(push.status, 503);
    assert.equal(push.headers.get('content-type')?.split(';')[0], 'text/plain');
    assert.match(await push.text(), /platform's database is unavailable/);
  } finally {
    await pg.start();
  }

  await waitFor('the API serving again', async () => (await client(api.url)('GET', '/healthz')).status === 200, 20_000);
  assert.equal((await heartbeat()).status, 200);
  assert.equal((await client(api.url, token)('GET', '/v1/apps')).status, 200);
});

test('with Redis stopped /healthz names Redis and a request that needs it gets 503', async () => {
  redis.kill('SIGKILL');
  await new Promise((r) => redis.once('exit', r));
  const health = await client(api.url)('GET', '/healthz');
  assert.equal(health.status, 503);
  assert.deepEqual(health.body, { ok: false, database: 'up', redis: 'down' });
  // Logging in counts attempts in Redis: refused with 503 and Retry-After, not a 500.
  const login = await client(api.url)('POST', '/v1/login', { email: api.admin.email, password: api.admin.password });
  assert.equal(login.status, 503);
  assert.equal(login.headers.get('retry-after'), '2');
  assert.match(login.body.error.message, /platform's Redis is unavailable/);
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor('/healthz ok again', async () => (await client(api.url)('GET', '/healthz')).status === 200, 20_000);
});
