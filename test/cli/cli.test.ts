import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { client, startApi, tokenFor, type TestApi } from '../support/api-server.ts';

const BIN = new URL('../../apps/cli/bin/slipway.js', import.meta.url).pathname;
const run = promisify(execFile);

let api: TestApi;
let home: string;
let env: NodeJS.ProcessEnv;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const credentialsFile = () => join(home, 'config', 'credentials.json');
const adminToken = () => JSON.parse(readFileSync(credentialsFile(), 'utf8')).token as string;

/** Runs the installed CLI as a subprocess, the way a user does. */
async function slipway(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? home, env: opts.env ?? env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout: string; stderr: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function ok(args: string[], opts?: { cwd?: string }): Promise<string> {
  const res = await slipway(args, opts);
  assert.equal(res.code, 0, `slipway ${args.join(' ')} failed: ${res.stderr}`);
  return res.stdout;
}

/** Asserts a one-line error on stderr (no stack) and returns it. */
function oneLineError(res: Result, code: number): string {
  assert.equal(res.code, code, `expected exit ${code}: ${res.stdout}${res.stderr}`);
  assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
  return res.stderr;
}

before(async () => {
  api = await startApi();
  home = await mkdtemp(join(tmpdir(), 'slipway-cli-'));
  env = {
    PATH: process.env.PATH,
    HOME: home,
    SLIPWAY_CONFIG_DIR: join(home, 'config'),
    SLIPWAY_API_URL: api.url,
    GIT_CONFIG_NOSYSTEM: '1',
  };
});
after(async () => {
  await api?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

test('login stores a 0600 token; whoami uses it', async () => {
  // A password may begin with a dash, even one that reads like -v (--version).
  const wrong = await slipway(['login', '--email', api.admin.email, '--password', '-vnot-the-password']);
  const err = oneLineError(wrong, 1);
  assert.equal(err, 'Error: Email or password is incorrect\n');

  const out = await ok(['login', '--email', api.admin.email, '--password', api.admin.password]);
  assert.match(out, new RegExp(`Logged in to ${api.url} as ${api.admin.email}`));
  const file = join(home, 'config', 'credentials.json');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const creds = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(creds.apiUrl, api.url);
  assert.match(creds.token, /^slw_/);

  assert.equal(await ok(['whoami']), `${api.admin.email}\n`);
  const json = JSON.parse(await ok(['whoami', '--json']));
  assert.equal(json.email, api.admin.email);
});

test('apps, config, releases, rollback, ps, domains', async () => {
  assert.match(await ok(['apps:create', 'shop']), /^Created shop \| http:\/\/shop\./);
  const invalid = oneLineError(await slipway(['apps:create', 'Bad_Name']), 1);
  assert.match(invalid, /^Error: body\.name: .+\n$/);
  assert.match(await ok(['apps']), /^Name .*\n─+.*\nshop /m);
  assert.equal(JSON.parse(await ok(['apps', '--json']))[0].name, 'shop');
  assert.match(await ok(['apps:info', '-a', 'shop']), /=== shop\n[\s\S]*Formation: +none until the first push/);

  assert.match(await ok(['config:set', 'DATABASE_URL=postgres://u:p@h/db?sslmode=require', 'MODE=prod', '-a', 'shop']), /release v1/);
  assert.match(await ok(['config:set', "GREETING=it's a=b", '-a', 'shop']), /release v2/);
  assert.equal(
    await ok(['config', '-a', 'shop']),
    "DATABASE_URL=postgres://u:p@h/db?sslmode=require\nGREETING=it's a=b\nMODE=prod\n",
  );
  assert.match(await ok(['config', '-a', 'shop', '--shell']), /^GREETING='it'\\''s a=b'$/m);
  assert.equal(await ok(['config:get', 'MODE', '-a', 'shop']), 'prod\n');
  oneLineError(await slipway(['config:get', 'NOPE', '-a', 'shop']), 1);
  assert.match(await ok(['config:unset', 'MODE', '-a', 'shop']), /Unset MODE on shop \(release v3\)/);
  assert.deepEqual(Object.keys(JSON.parse(await ok(['config', '-a', 'shop', '--json']))), ['DATABASE_URL', 'GREETING']);
  const badPair = oneLineError(await slipway(['config:set', 'NOEQUALS', '-a', 'shop']), 2);
  assert.match(badPair, /"NOEQUALS" is not KEY=value/);

  const releases = await ok(['releases', '-a', 'shop']);
  assert.match(releases, /=== shop Releases/);
  assert.match(releases, /^v3 +succeeded +Remove MODE config vars/m);
  assert.match(releases, /^v1 +succeeded +Set DATABASE_URL, MODE config vars/m);
  assert.match(await ok(['releases:info', 'v1', '-a', 'shop']), /Config vars: +DATABASE_URL, MODE/);

  assert.equal(await ok(['rollback', '-a', 'shop']), 'Rolled back shop to v2 (new release v4)\n');
  assert.equal(await ok(['config:get', 'MODE', '-a', 'shop']), 'prod\n');
  assert.equal(await ok(['rollback', 'v1', '-a', 'shop']), 'Rolled back shop to v1 (new release v5)\n');
  assert.match(oneLineError(await slipway(['config:get', 'GREETING', '-a', 'shop']), 1), /GREETING is not set on shop/);
  const json = JSON.parse(await ok(['releases', '-a', 'shop', '--json']));
  assert.deepEqual(json.map((r: { version: number }) => r.version), [5, 4, 3, 2, 1]);

  // No formation before the first push (Heroku); a push's release brings web=1.
  assert.match(oneLineError(await slipway(['ps:scale', 'web=2:basic', '-a', 'shop']), 1), /none yet \(push code first\)/);
  const shopApp = await api.deps.db.app.findUniqueOrThrow({ where: { name: 'shop' } });
  await api.deps.db.release.create({ data: { appId: shopApp.id, version: 6, image: 'shop:v6', processTypes: { web: 'npm start' }, config: api.deps.box.encryptJson({}), description: 'Deploy', status: 'succeeded' } });
  await api.deps.db.formation.create({ data: { appId: shopApp.id, type: 'web', quantity: 1 } });
  assert.equal(await ok(['ps:scale', 'web=2:basic', '-a', 'shop']), 'Scaled shop: web=2:basic\n');
  const unknownType = oneLineError(await slipway(['ps:scale', 'worker=1', '-a', 'shop']), 1);
  assert.match(unknownType, /Unknown process type worker/);
  const ps = await ok(['ps', '-a', 'shop']);
  assert.match(ps, /^web +2 +basic$/m);
  assert.match(ps, /=== shop Instances\nnone running/);

  assert.equal(await ok(['domains:add', 'www.Example.com', '-a', 'shop']), 'Added www.example.com to shop\n');
  assert.match(await ok(['domains', '-a', 'shop']), /^www\.example\.com /m);
  assert.equal(await ok(['domains:remove', 'www.example.com', '-a', 'shop']), 'Removed www.example.com from shop\n');
  assert.deepEqual(JSON.parse(await ok(['domains', '-a', 'shop', '--json'])), []);
});

test('tokens:create prints a working token once; tokens lists it', async () => {
  const res = await slipway(['tokens:create', '--description', 'ci', '--scope', 'deploy', '--expires-in-days', '7']);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stderr, /shown only once/);
  const token = res.stdout.trim();
  assert.match(token, /^slw_\S+$/);
  const whoami = await slipway(['whoami'], { env: { ...env, SLIPWAY_API_TOKEN: token } });
  assert.equal(whoami.stdout, `${api.admin.email}\n`);
  const list = JSON.parse(await ok(['tokens', '--json']));
  const ci = list.find((t: { description: string }) => t.description === 'ci');
  assert.deepEqual(ci.scopes, ['deploy']);
  assert.equal(JSON.stringify(list).includes(token), false);
  assert.match(await ok(['tokens:revoke', ci.id]), /Revoked/);
  oneLineError(await slipway(['whoami'], { env: { ...env, SLIPWAY_API_TOKEN: token } }), 1);
  oneLineError(await slipway(['tokens:create', '--scope', 'root']), 2);
});

test('git:remote sets the remote and a credential helper; the token stays out of .git/config', async () => {
  assert.match(oneLineError(await slipway(['git:remote', '-a', 'shop']), 1), /is not inside a git repository/);
  const repo = await mkdtemp(join(home, 'repo-'));
  await run('git', ['init', '-q', repo]);
  const out = await ok(['git:remote', '-a', 'shop'], { cwd: repo });
  assert.match(out, /Git remote platform added/);
  const { stdout: url } = await run('git', ['config', '--get', 'remote.platform.url'], { cwd: repo });
  assert.equal(url.trim(), `${api.url}/shop.git`);

  const token = JSON.parse(await readFile(join(home, 'config', 'credentials.json'), 'utf8')).token as string;
  const filled = await gitCredentialFill(repo, `protocol=http\nhost=${new URL(api.url).host}\npath=shop.git\n\n`);
  assert.match(filled, new RegExp(`^username=slipway$`, 'm'));
  assert.match(filled, new RegExp(`^password=${token}$`, 'm'));
  const gitConfig = await readFile(join(repo, '.git', 'config'), 'utf8');
  assert.equal(gitConfig.includes(token), false);

  // Re-running updates rather than duplicating; the app then defaults from the remote.
  assert.match(await ok(['git:remote', '-a', 'shop'], { cwd: repo }), /Git remote platform updated/);
  const { stdout: helpers } = await run('git', ['config', '--get-all', `credential.${new URL(api.url).origin}.helper`], { cwd: repo });
  assert.deepEqual(helpers.trimEnd().split('\n').map((h) => h.replace(/ .*/, ' …')), ['', "!'" + process.execPath + "' …"], 'an empty reset entry, then the helper');
  assert.match(await ok(['apps:info'], { cwd: repo }), /=== shop/);
});

test('teams, members and audit', async () => {
  const member = { email: 'dev@example.com', password: 'a-long-password' };
  assert.equal((await client(api.url, adminToken())('POST', '/v1/users', member)).status, 201);
  assert.equal(await ok(['teams:create', 'platform-team']), 'Created team platform-team\n');
  assert.match(await ok(['teams']), /^platform-team +owner$/m);
  assert.equal(await ok(['members:set', member.email, 'member', '-t', 'platform-team']), `${member.email} is now member of platform-team\n`);
  assert.deepEqual(JSON.parse(await ok(['members', '-t', 'platform-team', '--json'])).map((m: { role: string }) => m.role), ['owner', 'member']);
  assert.match(oneLineError(await slipway(['members:set', member.email, 'boss', '-t', 'platform-team']), 2), /Role must be one of/);
  assert.match(await ok(['members:remove', member.email, '-t', 'platform-team']), /Removed/);
  assert.match(oneLineError(await slipway(['members']), 2), /required option '-t, --team <team>'/);
  const audit = await ok(['audit', '-a', 'shop']);
  assert.match(audit, /config\.update/);
  assert.match(audit, /release\.rollback/);
});

test('a viewer and a read token see config var names marked hidden, config:get refuses them; a deploy token cannot create apps', async () => {
  const admin = client(api.url, adminToken());
  const team = (await admin('GET', `/v1/apps/shop`)).body.team as string;
  const viewer = { email: 'watcher@example.com', password: 'a-long-password' };
  assert.equal((await admin('POST', '/v1/users', viewer)).status, 201);
  assert.equal((await admin('PUT', `/v1/teams/${team}/members`, { email: viewer.email, role: 'viewer' })).status, 200);
  const readToken = (await admin('POST', '/v1/tokens', { description: 'reader', scopes: ['read'] })).body.token as string;
  const as = (token: string) => ({ env: { ...env, SLIPWAY_API_TOKEN: token } });
  const callers = [
    { who: 'viewer', token: await tokenFor(api.url, viewer.email, viewer.password), reason: 'your role "viewer" can see names only' },
    { who: 'read token', token: readToken, reason: "this API token's scope (read) can see names only" },
  ];
  for (const { who, token, reason } of callers) {
    const listed = await slipway(['config', '-a', 'shop'], as(token));
    assert.equal(listed.code, 0, `${who}: ${listed.stderr}`);
    assert.equal(listed.stdout, `DATABASE_URL  (hidden: ${reason})\nMODE  (hidden: ${reason})\n`, who);
    assert.match((await slipway(['config', '-a', 'shop', '--shell'], as(token))).stdout, /^# DATABASE_URL \(hidden: /m);
    assert.deepEqual(JSON.parse((await slipway(['config', '-a', 'shop', '--json'], as(token))).stdout), { DATABASE_URL: null, MODE: null });
    const get = oneLineError(await slipway(['config:get', 'DATABASE_URL', '-a', 'shop'], as(token)), 1);
    assert.equal(get, `Error: DATABASE_URL is set on shop, but its value is hidden: ${reason}\n`, who);
    assert.match((await slipway(['apps:info', '-a', 'shop'], as(token))).stdout, /Your access: .*config values hidden/);
    for (const r of [listed, get]) assert.doesNotMatch(JSON.stringify(r), /postgres:\/\/u:p/);
  }
  const deployToken = (await admin('POST', '/v1/tokens', { description: 'ci', scopes: ['deploy'] })).body.token as string;
  assert.equal((await slipway(['config:get', 'MODE', '-a', 'shop'], as(deployToken))).stdout, 'prod\n', 'deploy tokens see what they may change');
  assert.match(oneLineError(await slipway(['apps:create', 'by-ci'], as(deployToken)), 1), /needs a token with scope global/);
});

test('apps:destroy refuses without a matching --confirm', async () => {
  const refused = oneLineError(await slipway(['apps:destroy', '-a', 'shop']), 1);
  assert.match(refused, /--confirm shop/);
  oneLineError(await slipway(['apps:destroy', '-a', 'shop', '--confirm', 'other']), 1);
  assert.match(await ok(['apps', '--json']), /"shop"/);
  assert.match(oneLineError(await slipway(['apps:destroy', 'shop', '-a', 'other', '--confirm', 'shop']), 2), /Two different apps/);
  // Heroku's positional form, as well as -a.
  assert.equal(await ok(['apps:destroy', 'shop', '--confirm', 'shop']), 'Destroyed shop\n');
  assert.match(oneLineError(await slipway(['apps:info', '-a', 'shop']), 1), /not found/);
});

test('usage errors exit 2 with commander\'s message and a hint', async () => {
  const flag = oneLineError(await slipway(['apps', '--bogus']), 2);
  assert.match(flag, /unknown option '--bogus'/);
  assert.match(flag, /--help/);
  const cmd = oneLineError(await slipway(['aps']), 2);
  assert.match(cmd, /unknown command 'aps'/);
  const noApp = oneLineError(await slipway(['config']), 2);
  assert.match(noApp, /No app given: pass -a APP/);
  assert.match(await ok(['config:set', '--help']), /Usage: slipway config:set \[options\] <pairs\.\.\.>/);
});

test('API down and logged out give clear one-line errors', async () => {
  const port = await closedPort();
  const down = await slipway(['login', '--email', 'a@b.co', '--password', 'x', '--api', `http://127.0.0.1:${port}`]);
  assert.equal(oneLineError(down, 1), `Error: Cannot reach the Slipway API at http://127.0.0.1:${port}: connection refused\n`);

  const token = adminToken();
  assert.match(await ok(['logout']), /Logged out/);
  await assert.rejects(stat(credentialsFile()), /ENOENT/);
  const revoked = await slipway(['whoami'], { env: { ...env, SLIPWAY_API_TOKEN: token } });
  assert.match(oneLineError(revoked, 1), /Invalid or expired API token/);
  assert.match(oneLineError(await slipway(['whoami']), 1), /Not logged in to .*: run `slipway login`/);
});

async function gitCredentialFill(cwd: string, input: string): Promise<string> {
  const child = spawn('git', ['credential', 'fill'], { cwd, env: { ...env, GIT_TERMINAL_PROMPT: '0' } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stdin.end(input);
  const code = await new Promise((r) => child.on('close', r));
  assert.equal(code, 0);
  return out;
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
