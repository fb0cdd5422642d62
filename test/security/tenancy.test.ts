import { test, before, after } from 'node:test';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { startApi, client, type TestApi } from '../support/api-server.ts';
import { issueToken } from '../../apps/api/src/routes/session.ts';
import { publishPlatformLine } from '../../apps/api/src/agents/logs.ts';
import { actors, buildFixture, type Actor, type Fixture } from './tenancy-fixture.ts';

// Every documented operation × every kind of caller, with the expected outcome
// from one table. An operation missing from the table fails the test, so a new
// route must be classified before it ships.

/** How an operation is authorized. */
type Kind =
  | 'app:read' | 'app:operate' | 'app:manage' // a team alpha app: non-members get 404
  | 'team:read' | 'team:manage' // team alpha itself
  | 'addon:read' | 'addon:operate' | 'addon:manage' // an add-on of team alpha
  | 'self:read' | 'self:manage' // the caller's own things (lists, tokens; new apps and teams: a global token)
  | 'admin' // platform administrators only
  | 'public';

interface Row {
  kind: Kind;
  /** Path and body for one attempt; `f` is the shared fixture, `fresh` a new app for destructive rows. */
  call: (f: Fixture, fresh: Awaited<ReturnType<Fixture['freshApp']>>, actor: Actor) => Target | Promise<Target>;
  /** Destructive: each attempt gets its own app. */
  destructive?: boolean;
  /** Needs the add-on servers, absent here: an authorized caller gets 503 `unavailable` (authorization ran first). */
  needsAddonServer?: boolean;
}

interface Target {
  path: string;
  body?: unknown;
}

const table: Record<string, Row> = {
  'POST /v1/login': { kind: 'public', call: () => ({ path: '/v1/login', body: { email: 'owner@tenancy.test', password: 'correct-horse-battery' } }) },
  'POST /v1/logout': { kind: 'public', call: () => ({ path: '/v1/logout' }) },
  'GET /v1/account': { kind: 'self:read', call: () => ({ path: '/v1/account' }) },
  'GET /v1/tokens': { kind: 'self:read', call: () => ({ path: '/v1/tokens' }) },
  'POST /v1/tokens': { kind: 'self:manage', call: () => ({ path: '/v1/tokens', body: { description: 'made in the table' } }) },
  'DELETE /v1/tokens/{id}': { kind: 'self:manage', call: async (_f, _n, actor) => ({ path: `/v1/tokens/${await spareToken(actor)}` }) },
  'POST /v1/users': { kind: 'admin', call: () => ({ path: '/v1/users', body: { email: `u${Math.random().toString(36).slice(2)}@tenancy.test`, password: 'long-enough-password' } }) },
  'DELETE /v1/users/{email}': { kind: 'admin', call: async () => ({ path: `/v1/users/${await spareMember()}` }) },
  'GET /v1/teams': { kind: 'self:read', call: () => ({ path: '/v1/teams' }) },
  'POST /v1/teams': { kind: 'self:manage', call: () => ({ path: '/v1/teams', body: { name: `t-${Math.random().toString(36).slice(2, 10)}` } }) },
  'GET /v1/teams/{team}/members': { kind: 'team:read', call: () => ({ path: '/v1/teams/alpha/members' }) },
  'PUT /v1/teams/{team}/members': { kind: 'team:manage', call: () => ({ path: '/v1/teams/alpha/members', body: { email: 'member@tenancy.test', role: 'member' } }) },
  'DELETE /v1/teams/{team}/members/{email}': { kind: 'team:manage', call: async () => ({ path: `/v1/teams/alpha/members/${await spareMember()}` }) },
  'GET /v1/apps': { kind: 'self:read', call: () => ({ path: '/v1/apps' }) },
  'POST /v1/apps': { kind: 'self:manage', call: () => ({ path: '/v1/apps', body: { name: `n-${Math.random().toString(36).slice(2, 10)}` } }) },
  'GET /v1/apps/{app}': { kind: 'app:read', call: (f) => ({ path: `/v1/apps/${f.app}` }) },
  'PATCH /v1/apps/{app}': { kind: 'app:manage', destructive: true, call: (_f, n) => ({ path: `/v1/apps/${n.app}`, body: { name: `${n.app}-renamed` } }) },
  'DELETE /v1/apps/{app}': { kind: 'app:manage', destructive: true, call: (_f, n) => ({ path: `/v1/apps/${n.app}` }) },
  'GET /v1/apps/{app}/config-vars': { kind: 'app:read', call: (f) => ({ path: `/v1/apps/${f.app}/config-vars` }) },
  'PATCH /v1/apps/{app}/config-vars': { kind: 'app:operate', call: (f) => ({ path: `/v1/apps/${f.app}/config-vars`, body: { TABLE: String(Math.random()) } }) },
  'GET /v1/apps/{app}/releases': { kind: 'app:read', call: (f) => ({ path: `/v1/apps/${f.app}/releases` }) },
  'GET /v1/apps/{app}/releases/{version}': { kind: 'app:read', call: (f) => ({ path: `/v1/apps/${f.app}/releases/1` }) },
  // Release-phase output may print config vars: as secret as their values (members and owners, deploy or global tokens).
  'GET /v1/apps/{app}/cron': { kind: 'app:read', call: (f) => ({ path: `/v1/apps/${f.app}/cron` }) },
  'GET /v1/apps/{app}/releases/{version}/output': { kind: 'app:operate', call: (f) => ({ path: `/v1/apps/${f.app}/releases/1/output` }) },
  'POST /v1/apps/{app}/rollbacks': { kind: 'app:operate', call: (f) => ({ path: `/v1/apps/${f.app}/rollbacks`, body: { version: 1 } }) },
  'GET /v1/apps/{app}/formation': { kind: 'app:read', call: (f) => ({ path: `/v1/apps/${f.app}/formation` }) },
  'PATCH /v1/apps/{app}/formation': { kind: 'app:operate', call: (f) => ({ path: `/v1/apps/${f.app}/formation`, body: { updates: [{ type: 'web', quantity: 0 }] } }) },
  'GET /v1/apps/{app}/domains': { kind: 'app:read', call: (f) => ({ path: `/v1/apps/${f.app}/domains` }) },
  'POST /v1/apps/{app}/domains': { kind: 'app:operate', call: (f) => ({ path: `/v1/apps/${f.app}/domains`, body: { hostname: `d${Math.random().toString(36).slice(2, 8)}.example` } }) },
  'DELETE /v1/apps/{app}/domains/{hostname}': { kind: 'app:operate', destructive: true, call: (_f, n) => ({ path: `/v1/apps/${n.app}/domains/www.${n.app}.example` }) },
  'GET /v1/events': { kind: 'app:read', call: (f) => ({ path: `/v1/events?app=${f.app}` }) },
  'GET /v1/apps/{app}/builds': { kind: 'app:read', call: (f) => ({ path: `/v1/apps/${f.app}/builds` }) },
  'GET /v1/apps/{app}/builds/{id}': { kind: 'app:read', call: (f) => ({ path: `/v1/apps/${f.app}/builds/${f.build}` }) },
  'GET /v1/apps/{app}/builds/{id}/output': { kind: 'app:read', call: (f) => ({ path: `/v1/apps/${f.app}/builds/${f.build}/output` }) },
  'POST /v1/apps/{app}/builds/{id}/cancel': { kind: 'app:operate', call: (f) => ({ path: `/v1/apps/${f.app}/builds/${f.build}/cancel` }) },
  'GET /v1/addon-services': { kind: 'self:read', call: () => ({ path: '/v1/addon-services' }) },
  'GET /v1/addons': { kind: 'self:read', call: () => ({ path: '/v1/addons' }) },
  'GET /v1/apps/{app}/addons': { kind: 'app:read', call: (f) => ({ path: `/v1/apps/${f.app}/addons` }) },
  'POST /v1/apps/{app}/addons': { kind: 'app:operate', call: (f) => ({ path: `/v1/apps/${f.app}/addons`, body: { plan: 'nosuch' } }) },
  'GET /v1/addons/{addon}': { kind: 'addon:read', call: (f) => ({ path: `/v1/addons/${f.addon}` }) },
  'DELETE /v1/addons/{addon}': { kind: 'addon:manage', destructive: true, call: (_f, n) => ({ path: `/v1/addons/${n.addon}` }) },
  'POST /v1/apps/{app}/attachments': { kind: 'app:operate', call: (f) => ({ path: `/v1/apps/${f.app}/attachments`, body: { addon: f.addon } }) },
  'DELETE /v1/apps/{app}/attachments/{addon}': { kind: 'app:operate', destructive: true, call: (_f, n) => ({ path: `/v1/apps/${n.app}/attachments/${n.addon}` }) },
  'GET /v1/addons/{addon}/credentials': { kind: 'addon:operate', call: (f) => ({ path: `/v1/addons/${f.addon}/credentials` }) },
  'POST /v1/addons/{addon}/credentials/rotate': { kind: 'addon:manage', needsAddonServer: true, call: (f) => ({ path: `/v1/addons/${f.addon}/credentials/rotate` }) },
  'GET /v1/addons/{addon}/backups': { kind: 'addon:read', needsAddonServer: true, call: (f) => ({ path: `/v1/addons/${f.addon}/backups` }) },
  'POST /v1/addons/{addon}/backups': { kind: 'addon:operate', needsAddonServer: true, call: (f) => ({ path: `/v1/addons/${f.addon}/backups` }) },
  'POST /v1/addons/{addon}/backups/{id}/restore': { kind: 'addon:manage', needsAddonServer: true, call: (f) => ({ path: `/v1/addons/${f.addon}/backups/b1/restore` }) },
  'GET /v1/apps/{app}/instances': { kind: 'app:read', call: (f) => ({ path: `/v1/apps/${f.app}/instances` }) },
  'POST /v1/apps/{app}/instances/restart': { kind: 'app:operate', call: (f) => ({ path: `/v1/apps/${f.app}/instances/restart`, body: {} }) },
  'POST /v1/apps/{app}/instances/{name}/stop': { kind: 'app:operate', call: (f) => ({ path: `/v1/apps/${f.app}/instances/web.9/stop` }) },
  'GET /v1/apps/{app}/logs': { kind: 'app:read', call: (f) => ({ path: `/v1/apps/${f.app}/logs?tail=true` }) },
  'GET /v1/apps/{app}/events/stream': { kind: 'app:read', call: (f) => ({ path: `/v1/apps/${f.app}/events/stream` }) },
  'GET /v1/apps/{app}/metrics': { kind: 'app:read', call: (f) => ({ path: `/v1/apps/${f.app}/metrics` }) },
  'POST /v1/apps/{app}/runs': { kind: 'app:operate', call: (f) => ({ path: `/v1/apps/${f.app}/runs`, body: { command: 'true' } }) },
  'GET /v1/nodes': { kind: 'admin', call: () => ({ path: '/v1/nodes' }) },
  'POST /v1/nodes/{name}/drain': { kind: 'admin', call: () => ({ path: '/v1/nodes/ghost/drain' }) },
  'DELETE /v1/nodes/{name}': { kind: 'admin', call: () => ({ path: '/v1/nodes/ghost' }) },
  'POST /v1/admin/secrets/rotate': { kind: 'admin', call: () => ({ path: '/v1/admin/secrets/rotate' }) },
};

type Outcome = 'allow' | 401 | 403 | 404;

/**
 * The rule the whole table follows: scopes cap what a token may do, roles cap the user, strangers see nothing.
 * Scopes: `read` reads (secret values hidden); `deploy` also operates existing apps (secrets shown);
 * `global` also manages: creates, renames, destroys apps, creates teams, sets members and tokens.
 */
export function expected(kind: Kind, actor: Actor, method: string): Outcome {
  // A bad token is refused even where no token is needed.
  if (kind === 'public') return actor === 'expired' ? 401 : 'allow';
  if (actor === 'none' || actor === 'expired') return 401;
  const need = kind.endsWith(':read') ? 'read' : kind.endsWith(':operate') ? 'operate' : 'manage';
  const scopeNeed = kind === 'self:read' ? (method === 'GET' ? 'read' : 'operate') : need;
  const scopeOk = actor === 'readToken' ? scopeNeed === 'read' : actor === 'deployToken' ? scopeNeed !== 'manage' : true;
  if (!scopeOk) return 403;
  if (kind === 'admin') return actor === 'admin' ? 'allow' : 403;
  if (kind.startsWith('self:')) return 'allow';
  if (actor === 'foreign' || actor === 'admin') return 404;
  const role = actor === 'member' ? 'member' : actor === 'viewer' ? 'viewer' : 'owner';
  const allowed = { read: ['viewer', 'member', 'owner'], operate: ['member', 'owner'], manage: ['owner'] }[need];
  return allowed.includes(role) ? 'allow' : 403;
}

const execFileAsync = promisify(execFile);

let api: TestApi;
let fixture: Fixture;
let operations: string[];

before(async () => {
  api = await startApi();
  fixture = await buildFixture(api);
  const doc = (await client(api.url)('GET', '/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
});
after(async () => api?.stop());

/** One request; streams are cut off once their headers arrive. */
async function attempt(method: string, path: string, token: string | undefined, body: unknown) {
  const ctl = new AbortController();
  const res = await fetch(api.url + path, {
    method,
    signal: ctl.signal,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const streaming = /event-stream|ndjson/.test(res.headers.get('content-type') ?? '');
  if (streaming) {
    ctl.abort();
    return { status: res.status, message: '' };
  }
  const text = await res.text();
  let message = '';
  try {
    message = String(JSON.parse(text)?.error?.message ?? '');
  } catch {
    message = text;
  }
  return { status: res.status, message };
}

/** A token of the actor's user, for the revoke row. */
async function spareToken(actor: Actor): Promise<string> {
  const userId = fixture.userIds[actor];
  if (!userId) return '00000000-0000-4000-8000-000000000000';
  return (await issueToken(api.deps, userId, 'spare', ['global'], null)).row.id;
}

/** A viewer added to team alpha, for the member-removal and user-removal rows. */
async function spareMember(): Promise<string> {
  const email = `spare-${Math.random().toString(36).slice(2, 10)}@tenancy.test`;
  const alpha = await api.deps.db.team.findUniqueOrThrow({ where: { name: 'alpha' } });
  await api.deps.db.user.create({ data: { email, passwordHash: 'x', memberships: { create: { teamId: alpha.id, role: 'viewer' } } } });
  return email;
}

/** A 404 that hides the target (not found / not yours) as opposed to one from the handler's own lookups. */
const hidesTarget = (message: string) => /^(App|Team|Add-on) ["\w]/.test(message);

test('every documented operation is classified in the tenancy table', () => {
  const missing = operations.filter((op) => !(op in table) && op !== 'GET /v1/openapi.json');
  assert.deepEqual(missing, [], `classify these operations in test/security/tenancy.test.ts: ${missing.join(', ')}`);
});

test('every operation × every caller gives the outcome the table expects; denied calls change nothing; allowed mutations are audited', async () => {
  const failures: string[] = [];
  for (const op of operations) {
    const row = table[op];
    if (!row) continue;
    const [method] = op.split(' ') as [string];
    for (const actor of actors) {
      const fresh = row.destructive ? await fixture.freshApp() : { app: fixture.app, addon: fixture.addon, build: fixture.build };
      const { path, body } = await row.call(fixture, fresh, actor);
      const want = expected(row.kind, actor, method);
      const eventsBefore = await api.deps.db.event.count({ where: { action: { not: 'login.failed' } } });
      const appsBefore = await api.deps.db.app.count();
      const got = await attempt(method, path, fixture.tokens[actor], body);
      const cell = `${op} as ${actor}: expected ${want}, got ${got.status} ${got.message}`;
      if (got.status >= 500 && !(got.status === 503 && row.needsAddonServer)) failures.push(cell);
      else if (want === 'allow') {
        const denied = got.status === 401 || got.status === 403 || (got.status === 404 && hidesTarget(got.message));
        if (denied) failures.push(cell);
        const mutated = method !== 'GET' && got.status < 300 && row.kind !== 'public';
        if (mutated) {
          const audited = await api.deps.db.event.findFirst({ where: { actorId: fixture.userIds[actor] }, orderBy: { createdAt: 'desc' } });
          const fresh = audited && audited.createdAt.getTime() > Date.now() - 10_000 && (await api.deps.db.event.count({ where: { action: { not: 'login.failed' } } })) > eventsBefore;
          if (!fresh || !audited?.sourceIp) failures.push(`${op} as ${actor}: succeeded (${got.status}) without an audit event naming the caller and source address`);
        }
      } else {
        if (got.status !== want) failures.push(cell);
        if ((await api.deps.db.event.count({ where: { action: { not: 'login.failed' } } })) !== eventsBefore || (await api.deps.db.app.count()) !== appsBefore) {
          failures.push(`${op} as ${actor}: denied (${got.status}) but state changed`);
        }
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('destroying a user revokes their tokens and memberships; a repeat or an unknown user answers 404 and changes nothing', async () => {
  const asAdmin = client(api.url, fixture.tokens.admin);
  const email = 'leaver@tenancy.test';
  const created = await asAdmin('POST', '/v1/users', { email, password: 'correct-horse-battery' });
  await client(api.url, fixture.tokens.owner)('PUT', '/v1/teams/alpha/members', { email, role: 'member' });
  const token = (await client(api.url)('POST', '/v1/login', { email, password: 'correct-horse-battery', tokenDescription: 'cli' })).body.token as string;
  assert.equal((await client(api.url, token)('GET', `/v1/apps/${fixture.app}`)).status, 200);
  assert.equal((await asAdmin('DELETE', `/v1/users/${email}`)).status, 204);
  assert.equal((await client(api.url, token)('GET', `/v1/apps/${fixture.app}`)).status, 401);
  assert.equal(await api.deps.db.apiToken.count({ where: { userId: created.body.id } }), 0);
  assert.equal(await api.deps.db.membership.count({ where: { userId: created.body.id } }), 0);
  const event = await api.deps.db.event.findFirst({ where: { action: 'user.destroy', target: email } });
  assert.ok(event?.sourceIp);
  const users = await api.deps.db.user.count();
  assert.equal((await asAdmin('DELETE', `/v1/users/${email}`)).status, 404);
  assert.equal((await asAdmin('DELETE', '/v1/users/never-was@tenancy.test')).status, 404);
  assert.equal(await api.deps.db.user.count(), users);
  // The last owner of a shared team stays until someone else owns it.
  assert.equal((await asAdmin('DELETE', '/v1/users/owner@tenancy.test')).status, 409);
});

/** git with the actor's token as the basic-auth password; never prompts. Async: the API serves from this process. */
async function git(args: string[], cwd: string, token: string | undefined): Promise<{ status: number; stderr: string }> {
  const url = new URL(`/${fixture.app}.git`, api.url);
  if (token) [url.username, url.password] = ['x', token];
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', GIT_CONFIG_NOSYSTEM: '1', HOME: cwd };
  try {
    await execFileAsync('git', args.map((a) => (a === 'REMOTE' ? url.href : a)), { cwd, env, timeout: 30_000 });
    return { status: 0, stderr: '' };
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    return { status: typeof e.code === 'number' ? e.code : -1, stderr: e.stderr ?? '' };
  }
}

test('git endpoint: fetch needs read, push needs operate, strangers and bad tokens are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenancy-git-'));
  try {
    spawnSync('git', ['init', '-q', '-b', 'feature', dir]);
    writeFileSync(join(dir, 'README'), 'hello\n');
    spawnSync('git', ['add', '.'], { cwd: dir });
    spawnSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init'], { cwd: dir });
    const failures: string[] = [];
    for (const actor of actors) {
      const token = fixture.tokens[actor];
      const canRead = expected('app:read', actor, 'GET') === 'allow';
      const canPush = expected('app:operate', actor, 'POST') === 'allow';
      const ls = await git(['ls-remote', 'REMOTE'], dir, token);
      if ((ls.status === 0) !== canRead) failures.push(`ls-remote as ${actor}: exit ${ls.status} ${ls.stderr.trim()}`);
      // A non-deploy branch: stored only, so an allowed push needs no builder.
      const push = await git(['push', '-q', 'REMOTE', `HEAD:refs/heads/from-${actor}`], dir, token);
      if ((push.status === 0) !== canPush) failures.push(`push as ${actor}: exit ${push.status} ${push.stderr.trim()}`);
    }
    assert.deepEqual(failures, []);
    const repo = join(api.deps.config.SLIPWAY_REPOS_DIR, `${fixture.app}.git`);
    const refs = spawnSync('git', ['--git-dir', repo, 'for-each-ref', '--format=%(refname)'], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
    assert.deepEqual(refs, ['refs/heads/from-deployToken', 'refs/heads/from-member', 'refs/heads/from-owner']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Secret values go to whoever may change them (member or owner, not through a `read` token). */
const seesSecrets = (actor: Actor): boolean => expected('app:operate', actor, 'PATCH') === 'allow';

test('config var values: shown to those who may change them, names only (null) to viewers and read tokens; app info says which', async () => {
  const secret = 'sk_table_secret_value';
  await client(api.url, fixture.tokens.owner)('PATCH', `/v1/apps/${fixture.app}/config-vars`, { TABLE_SECRET: secret });
  const failures: string[] = [];
  for (const actor of actors) {
    const as = client(api.url, fixture.tokens[actor]);
    const [vars, info] = [await as('GET', `/v1/apps/${fixture.app}/config-vars`), await as('GET', `/v1/apps/${fixture.app}`)];
    const readable = expected('app:read', actor, 'GET') === 'allow';
    if (!readable) {
      if (JSON.stringify([vars.body, info.body]).includes(secret)) failures.push(`${actor}: denied but saw the value`);
      continue;
    }
    const want = seesSecrets(actor) ? secret : null;
    if (vars.body.TABLE_SECRET !== want || vars.body.GREETING !== (want && 'hi')) failures.push(`${actor}: config-vars ${JSON.stringify(vars.body)}`);
    if ((info.body.access.secretsHidden === null) !== seesSecrets(actor)) failures.push(`${actor}: access ${JSON.stringify(info.body.access)}`);
  }
  assert.deepEqual(failures, []);
  const hidden = await client(api.url, fixture.tokens.viewer)('GET', `/v1/apps/${fixture.app}`);
  assert.deepEqual(hidden.body.access, { role: 'viewer', operate: false, manage: false, secretsHidden: 'your role "viewer" can see names only' });
  const reader = await client(api.url, fixture.tokens.readToken)('GET', `/v1/apps/${fixture.app}`);
  assert.deepEqual(reader.body.access, { role: 'owner', operate: false, manage: false, secretsHidden: "this API token's scope (read) can see names only" });
  const deployer = await client(api.url, fixture.tokens.deployToken)('GET', `/v1/apps/${fixture.app}`);
  assert.deepEqual(deployer.body.access, { role: 'owner', operate: true, manage: false, secretsHidden: null });
});

test('the OpenAPI document lists the token scopes of every operation and states the rules', async () => {
  const doc = (await client(api.url)('GET', '/v1/openapi.json')).body;
  assert.match(doc.info.description, /`read`: every read; config var values and add-on credentials are hidden/);
  assert.deepEqual(doc.paths['/v1/apps'].post['x-token-scopes'], ['global']);
  assert.deepEqual(doc.paths['/v1/apps/{app}/config-vars'].patch['x-token-scopes'], ['global', 'deploy']);
  assert.deepEqual(doc.paths['/v1/apps/{app}/config-vars'].get['x-token-scopes'], ['global', 'deploy', 'read']);
});

test("one-off output (`run -- env`) stays out of the logs of those who may not see secrets", async () => {
  const app = await api.deps.db.app.findUniqueOrThrow({ where: { name: fixture.app } });
  const run = { id: '00000000-0000-4000-8000-0000000000aa', appId: app.id, name: 'run.4242', type: 'run' };
  await publishPlatformLine(api.deps.redis, run, 'TABLE_SECRET=sk_run_output', api.deps.config.SLIPWAY_INTERNAL_SECRET);
  for (const actor of actors) {
    if (expected('app:read', actor, 'GET') !== 'allow') continue;
    const res = await fetch(`${api.url}/v1/apps/${fixture.app}/logs?lines=50`, { headers: { authorization: `Bearer ${fixture.tokens[actor]}` } });
    assert.equal((await res.text()).includes('sk_run_output'), seesSecrets(actor), `logs as ${actor}`);
  }
});

test('live log stream and add-on credentials: team members only', async () => {
  for (const actor of actors) {
    const logs = await attempt('GET', `/v1/apps/${fixture.app}/logs?tail=true`, fixture.tokens[actor], undefined);
    const want = expected('app:read', actor, 'GET');
    assert.equal(logs.status === 200 ? 'allow' : logs.status, want, `logs as ${actor}`);
    const creds = await client(api.url, fixture.tokens[actor])('GET', `/v1/addons/${fixture.addon}/credentials`);
    const wantCreds = expected('addon:operate', actor, 'GET');
    assert.equal(creds.status === 200 ? 'allow' : creds.status, wantCreds, `credentials as ${actor}`);
    if (wantCreds !== 'allow') assert.doesNotMatch(JSON.stringify(creds.body), /s3cret/);
  }
});
