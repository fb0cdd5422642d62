import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { client } from '../../support/api-server.ts';
import { User } from '../../e2e/user.ts';
import { helloApp } from './harness.ts';
import { world } from './world.ts';

// Issue 14, hole 8: a `read` token and a team viewer got every config var decrypted
// (DATABASE_URL's password included), and a `deploy` token could create apps.

/** The CLI with an API token in its environment (as CI uses it) instead of a login. */
class TokenShell extends User {
  constructor(configDir: string, cwd: string, private readonly token: string, private readonly apiUrl: string) {
    super(configDir, cwd);
  }

  override env(): NodeJS.ProcessEnv {
    return { ...super.env(), SLIPWAY_API_TOKEN: this.token, SLIPWAY_API_URL: this.apiUrl };
  }
}

/** Someone who may read alice's app but not its secrets. */
interface Reader {
  who: string;
  token: string;
  shell: User;
  /** How the API explains the hidden values to them. */
  reason: RegExp;
}

export function attacks(): void {
  describe('outsider: secrets stay with those who may change them', { timeout: 900_000 }, () => {
    const secret = `sk_live_${randomBytes(12).toString('hex')}`;
    let app = '';
    let dbPassword = '';
    let aliceEnv = '';
    let readers: Reader[] = [];
    let deployShell: User;
    let deployToken = '';

    before(async () => {
      const { alice } = world;
      app = world.appName('sec-vars');
      const pushed = await world.deploy(alice, app, helloApp('secret-app'));
      assert.equal(pushed.code, 0, pushed.out);
      assert.equal((await alice.api('PATCH', `/v1/apps/${app}/config-vars`, { SECRET: secret })).status, 200);
      await alice.shell.ok(['addons:create', 'postgres', '-a', app], 240_000);
      const vars = await alice.api('GET', `/v1/apps/${app}/config-vars`);
      dbPassword = decodeURIComponent(new URL(vars.body.DATABASE_URL as string).password);
      assert.ok(dbPassword.length >= 8, 'the add-on set a DATABASE_URL with a password');

      // A one-off `env` by the owner: its output must not reach the viewers through the logs.
      const run = await alice.shell.slipway(['run', '-a', app, '--', 'env'], 180_000);
      assert.equal(run.code, 0, run.out);
      aliceEnv = run.out;

      // carol: a third user, a viewer of alice's team.
      const carol = { email: `carol-${randomBytes(3).toString('hex')}@example.test`, password: randomBytes(12).toString('base64url') };
      assert.equal((await world.admin('POST', '/v1/users', carol)).status, 201);
      assert.equal((await alice.api('PUT', `/v1/teams/${alice.team}/members`, { email: carol.email, role: 'viewer' })).status, 200);
      const carolHome = join(world.tmp, 'carol');
      await mkdir(carolHome, { recursive: true });
      const carolShell = new User(join(carolHome, '.config'), carolHome);
      await carolShell.ok(['login', '--api', world.platform.apiUrl, '--email', carol.email, '--password', carol.password]);
      const carolToken = (await client(world.platform.apiUrl)('POST', '/v1/login', { ...carol, tokenDescription: 'carol' })).body.token as string;

      const tokenShell = async (scope: string) => {
        const made = await alice.api('POST', '/v1/tokens', { description: `alice ${scope}`, scopes: [scope] });
        assert.equal(made.status, 201);
        const home = join(world.tmp, `alice-${scope}`);
        await mkdir(home, { recursive: true });
        return { token: made.body.token as string, shell: new TokenShell(join(home, '.config'), home, made.body.token as string, world.platform.apiUrl) };
      };
      const read = await tokenShell('read');
      const deploy = await tokenShell('deploy');
      [deployToken, deployShell] = [deploy.token, deploy.shell];
      readers = [
        { who: 'carol (viewer)', token: carolToken, shell: carolShell, reason: /your role "viewer" can see names only/ },
        { who: "alice's read token", token: read.token, shell: read.shell, reason: /this API token's scope \(read\) can see names only/ },
      ];
    });

    test('alice (owner, global token) still sees the values: API, CLI config:get, run -- env', async () => {
      const vars = await world.alice.api('GET', `/v1/apps/${app}/config-vars`);
      assert.equal(vars.body.SECRET, secret);
      assert.equal((await world.alice.shell.ok(['config:get', 'SECRET', '-a', app])).trim(), secret);
      assert.match(aliceEnv, new RegExp(`^SECRET=${secret}$`, 'm'));
      assert.ok(aliceEnv.includes(dbPassword));
    });

    test('a viewer and a read token see names only on every path: API, app info, releases, add-ons, logs, events, CLI config, config:get, run -- env, pg:psql', async () => {
      const leaks: string[] = [];
      const check = (who: string, where: string, text: string) => {
        if (text.includes(secret) || text.includes(dbPassword)) leaks.push(`${who}: ${where}`);
      };
      for (const r of readers) {
        const api = client(world.platform.apiUrl, r.token);
        const vars = await api('GET', `/v1/apps/${app}/config-vars`);
        assert.equal(vars.status, 200);
        assert.deepEqual(Object.keys(vars.body).sort(), ['DATABASE_URL', 'SECRET'], `${r.who} sees the names`);
        assert.deepEqual(Object.values(vars.body), [null, null], `${r.who} sees no value`);
        const info = await api('GET', `/v1/apps/${app}`);
        assert.match(info.body.access.secretsHidden, r.reason);
        const addons = await api('GET', `/v1/apps/${app}/addons`);
        const addonId = (addons.body as { id: string }[])[0]!.id;
        const creds = await api('GET', `/v1/addons/${addonId}/credentials`);
        assert.equal(creds.status, 403, `${r.who}: credentials`);
        const releases = await api('GET', `/v1/apps/${app}/releases`);
        const versions = (releases.body.items as { version: number }[]).map((v) => v.version);
        const bodies: [string, unknown][] = [['config-vars', vars.body], ['app info', info.body], ['addons', addons.body], ['credentials', creds.body], ['releases', releases.body]];
        for (const v of versions) bodies.push([`release v${v}`, (await api('GET', `/v1/apps/${app}/releases/${v}`)).body]);
        bodies.push(['add-on info', (await api('GET', `/v1/addons/${addonId}`)).body]);
        bodies.push(['events', (await api('GET', `/v1/events?app=${app}`)).body]);
        bodies.push(['builds', (await api('GET', `/v1/apps/${app}/builds`)).body]);
        for (const [where, body] of bodies) check(r.who, `API ${where}`, JSON.stringify(body));
        const logs = await fetch(`${world.platform.apiUrl}/v1/apps/${app}/logs?lines=1500`, { headers: { authorization: `Bearer ${r.token}` } });
        assert.equal(logs.status, 200);
        check(r.who, 'API logs', await logs.text());

        const config = await r.shell.slipway(['config', '-a', app]);
        assert.equal(config.code, 0, config.out);
        assert.match(config.out, /^SECRET {2}\(hidden: .+\)$/m, `${r.who}: config marks the hidden value`);
        assert.match(config.out, r.reason);
        const refused: [string, string[], RegExp][] = [
          ['config:get SECRET', ['config:get', 'SECRET', '-a', app], /SECRET is set on .*, but its value is hidden/],
          ['config:get DATABASE_URL', ['config:get', 'DATABASE_URL', '-a', app], /DATABASE_URL is set on .*, but its value is hidden/],
          ['run -- env', ['run', '-a', app, '--', 'env'], /cannot operate|do not allow this action/],
          ['pg:psql', ['pg:psql', '-a', app], /Secret values are hidden|do not allow this action/],
        ];
        for (const [what, args, message] of refused) {
          const res = await r.shell.slipway(args, 60_000);
          assert.notEqual(res.code, 0, `${r.who}: ${what} must fail: ${res.out}`);
          assert.match(res.out, message, `${r.who}: ${what}`);
          check(r.who, `CLI ${what}`, res.out);
        }
        for (const args of [['config', '-a', app, '--json'], ['config', '-a', app, '--shell'], ['apps:info', '-a', app], ['releases', '-a', app], ['releases:info', `v${versions[0]}`, '-a', app], ['logs', '-a', app, '-n', '1500']]) {
          const res = await r.shell.slipway(args, 60_000);
          assert.equal(res.code, 0, `${r.who}: ${args.join(' ')}: ${res.out}`);
          check(r.who, `CLI ${args.join(' ')}`, res.out);
        }
      }
      assert.deepEqual(leaks, []);
    });

    test('a deploy token cannot create, rename or destroy apps, or create teams, members or tokens; it still deploys and sees what it may change', async () => {
      const api = client(world.platform.apiUrl, deployToken);
      const spare = world.appName('sec-ci');
      for (const [method, path, body] of [
        ['POST', '/v1/apps', { name: spare }],
        ['PATCH', `/v1/apps/${app}`, { name: `${app}-x` }],
        ['DELETE', `/v1/apps/${app}`],
        ['POST', '/v1/teams', { name: `ci-${randomBytes(3).toString('hex')}` }],
        ['PUT', `/v1/teams/${world.alice.team}/members`, { email: world.bob.email, role: 'owner' }],
        ['POST', '/v1/tokens', { description: 'escalate', scopes: ['global'] }],
      ] as const) {
        const res = await api(method, path, body);
        assert.equal(res.status, 403, `deploy token: ${method} ${path}: ${JSON.stringify(res.body)}`);
      }
      const created = await deployShell.slipway(['apps:create', spare]);
      assert.notEqual(created.code, 0);
      assert.match(created.out, /needs a token with scope global/);
      const destroyed = await deployShell.slipway(['apps:destroy', app, '--confirm', app]);
      assert.notEqual(destroyed.code, 0);
      assert.equal((await world.alice.api('GET', `/v1/apps/${app}`)).status, 200, "alice's app is still there");
      assert.equal((await world.alice.api('GET', `/v1/apps/${spare}`)).status, 404, 'no app was created');
      assert.equal((await world.alice.api('GET', `/v1/teams/${world.alice.team}/members`)).body.items.length, 2, 'alice and carol only');

      // What CI needs still works: it sets config (a release) and reads the values it may change.
      assert.match(await deployShell.ok(['config:set', 'CI_FLAG=1', '-a', app]), /release v\d+/);
      assert.equal((await deployShell.ok(['config:get', 'SECRET', '-a', app])).trim(), secret);
    });
  });
}
