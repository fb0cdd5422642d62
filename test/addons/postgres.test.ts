import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { after, before, describe, test } from 'node:test';
import { addonServers, asClusterSuperuser, startHarness, tryQuery, type AdminUrls, type Harness } from './harness.ts';

describe('postgres add-ons on the managed cluster', { timeout: 240_000 }, () => {
  let admin: AdminUrls;
  let h: Harness;
  before(async () => {
    admin = addonServers();
    h = await startHarness(admin);
  });
  after(async () => {
    await h?.close();
  });

  async function provisionFor(appName: string): Promise<{ id: string; appId: string; url: string }> {
    const appId = await h.newApp(appName);
    const created = await h.broker.service.provision({ teamId: h.teamId, spec: 'postgres', ownerAppId: appId, attach: { appId } });
    assert.equal(created.state, 'provisioning', 'the request answers before the work is done');
    const ready = await h.waitFor(created.id, ['available', 'failed']);
    assert.equal(ready.state, 'available', ready.failure ?? '');
    const vars = await h.broker.service.configVarsForApp(appId);
    assert.ok(vars.DATABASE_URL, 'the first postgres add-on is DATABASE_URL');
    return { id: created.id, appId, url: vars.DATABASE_URL };
  }

  test('each add-on is usable and isolated from the others', async () => {
    const a = await provisionFor('app-a');
    const b = await provisionFor('app-b');
    for (const { url } of [a, b]) {
      assert.equal((await tryQuery(url, "CREATE TABLE notes (id serial primary key, body text); INSERT INTO notes (body) VALUES ('hi')")).ok, true);
    }
    const bDatabase = new URL(b.url).pathname;
    const aToB = new URL(a.url);
    aToB.pathname = bDatabase;
    const crossed = await tryQuery(aToB.toString(), 'SELECT 1');
    assert.equal(crossed.ok, false, "A's credentials must not open B's database");

    const aToPostgres = new URL(a.url);
    aToPostgres.pathname = '/postgres';
    assert.equal((await tryQuery(aToPostgres.toString(), 'SELECT 1')).ok, false, 'nor the maintenance database');

    // Even with pg_hba relaxed, CONNECT on B's database is granted to B alone.
    const grants = asClusterSuperuser(admin, `SELECT has_database_privilege('${new URL(a.url).username}', '${bDatabase.slice(1)}', 'CONNECT')`);
    assert.equal(grants.trim(), 'f');

    for (const sql of ['CREATE ROLE intruder LOGIN', 'CREATE DATABASE intruder']) {
      const denied = await tryQuery(a.url, sql);
      assert.equal(denied.ok, false, `${sql} must be refused`);
      assert.match(denied.ok ? '' : denied.error, /permission denied/);
    }
    const wrongPassword = new URL(a.url);
    wrongPassword.password = 'not-the-password';
    assert.equal((await tryQuery(wrongPassword.toString(), 'SELECT 1')).ok, false, 'the server checks passwords');
  });

  test("a tenant cannot watch the others' activity, exceed its connections, or keep a password it set itself", async () => {
    const a = await provisionFor('app-limits');
    const b = await provisionFor('app-limits-b');
    const role = new URL(a.url).username;
    // As an add-on made before connection limits existed: the watch's first pass brings it in line.
    asClusterSuperuser(admin, `ALTER ROLE ${role} CONNECTION LIMIT -1`);
    await h.broker.watch.runOnce();
    assert.equal(asClusterSuperuser(admin, `SELECT rolconnlimit FROM pg_roles WHERE rolname = '${role}'`).trim(), '20');
    assert.equal((await h.broker.service.get(a.id)).connectionLimit, 20);

    const holder = new pg.Client({ connectionString: b.url });
    await holder.connect(); // B is connected while A looks
    try {
      for (const sql of ['SELECT * FROM pg_stat_activity', 'SELECT * FROM pg_stat_get_activity(NULL)', 'SELECT * FROM pg_locks', 'SELECT * FROM pg_stat_database', 'SELECT pg_stat_get_db_xact_commit(oid) FROM pg_database', 'SELECT * FROM pg_auth_members']) {
        const seen = await tryQuery(a.url, sql);
        assert.equal(seen.ok, false, `${sql} must be refused`);
        assert.match(seen.ok ? '' : seen.error, /permission denied/);
      }
    } finally {
      await holder.end();
    }
    // Ordinary use, psql's and pg_dump's included (a backup runs pg_dump as the add-on's role).
    assert.equal((await tryQuery(a.url, 'CREATE TABLE t (id int); INSERT INTO t VALUES (1)')).ok, true);
    assert.match(execFileSync('psql', [a.url, '-X', '-c', '\\dt'], { encoding: 'utf8' }), /public \| t +\| table/);
    assert.ok((await h.broker.backups!.captureBackup(a.id)).sizeBytes > 0);

    const clients: pg.Client[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const c = new pg.Client({ connectionString: a.url });
        await c.connect();
        clients.push(c);
      }
      const extra = await tryQuery(a.url, 'SELECT 1');
      assert.equal(extra.ok, false, 'the 21st connection is refused');
      assert.match(extra.ok ? '' : extra.error, /too many connections for role/);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }

    // Postgres lets a role change its own password; the watch puts back the one its apps were given.
    assert.equal((await tryQuery(a.url, "ALTER ROLE CURRENT_USER PASSWORD 'chosen-by-tenant-1'")).ok, true);
    const chosen = new URL(a.url);
    chosen.password = 'chosen-by-tenant-1';
    assert.equal((await tryQuery(a.url, 'SELECT 1')).ok, false);
    await h.broker.watch.runOnce();
    assert.equal((await tryQuery(a.url, 'SELECT 1')).ok, true, 'the stored URL works again');
    assert.equal((await tryQuery(chosen.toString(), 'SELECT 1')).ok, false, "the tenant's own password no longer does");
  });

  test('repeating provision with the same id changes nothing', async () => {
    const a = await provisionFor('app-repeat');
    await tryQuery(a.url, 'CREATE TABLE kept (x int)');
    const again = await h.broker.service.provision({ id: a.id, teamId: h.teamId, spec: 'postgres:shared', attach: { appId: a.appId } });
    assert.equal(again.state, 'available');
    assert.equal(again.attachments.length, 1);
    assert.deepEqual(await h.broker.service.configVarsForApp(a.appId), { DATABASE_URL: a.url });
    assert.deepEqual(await tryQuery(a.url, 'SELECT count(*)::int AS n FROM kept'), { ok: true, rows: [{ n: 0 }] });
    await assert.rejects(h.broker.service.provision({ id: a.id, teamId: h.teamId, spec: 'redis' }), { code: 'conflict' });
  });

  test('destroy revokes login, drops the database, and repeats harmlessly', async () => {
    const a = await provisionFor('app-destroy');
    const role = new URL(a.url).username;
    const { detachedAppIds } = await h.broker.service.deprovision(a.id);
    assert.deepEqual(detachedAppIds, [a.appId]);
    assert.equal((await h.waitFor(a.id, ['deprovisioned', 'failed'])).state, 'deprovisioned');
    assert.equal((await tryQuery(a.url, 'SELECT 1')).ok, false, 'the old URL no longer logs in');
    assert.equal(asClusterSuperuser(admin, `SELECT count(*) FROM pg_roles WHERE rolname = '${role}'`).trim(), '0');
    assert.equal(asClusterSuperuser(admin, `SELECT count(*) FROM pg_database WHERE datname = '${role}'`).trim(), '0');
    assert.deepEqual(await h.broker.service.configVarsForApp(a.appId), {});

    const again = await h.broker.service.deprovision(a.id);
    assert.equal(again.addon.state, 'deprovisioned');
    await assert.rejects(h.broker.service.provision({ id: a.id, teamId: h.teamId, spec: 'postgres' }), { code: 'conflict' });
  });

  test('a provision that crashed after making the role resumes with the stored password', async () => {
    const appId = await h.newApp('app-resume');
    const id = crypto.randomUUID();
    // What a crashed first attempt leaves behind: a role with some other password.
    asClusterSuperuser(admin, `CREATE ROLE addon_${id.replaceAll('-', '')} LOGIN PASSWORD 'left-over'`);
    await h.broker.service.provision({ id, teamId: h.teamId, spec: 'postgres', attach: { appId } });
    const ready = await h.waitFor(id, ['available', 'failed']);
    assert.equal(ready.state, 'available', ready.failure ?? '');
    const { DATABASE_URL: url } = await h.broker.service.configVarsForApp(appId);
    assert.deepEqual(await tryQuery(url!, 'SELECT current_user = session_user AS ok'), { ok: true, rows: [{ ok: true }] });
  });

  test('an operation whose job was lost resumes on resumePending', async () => {
    const id = crypto.randomUUID();
    // As if the API wrote the row and crashed before queueing the job.
    await h.db.addon.create({ data: { id, name: `postgres-lost-${id.slice(0, 6)}`, planId: 'postgres:shared', teamId: h.teamId } });
    assert.ok((await h.broker.service.resumePending()) >= 1);
    const ready = await h.waitFor(id, ['available', 'failed']);
    assert.equal(ready.state, 'available', ready.failure ?? '');
  });

  test('backup, drop a table, restore: the table is back', async () => {
    const a = await provisionFor('app-backup');
    await tryQuery(a.url, "CREATE TABLE precious (id int primary key, name text); INSERT INTO precious VALUES (1, 'one'), (2, 'two')");
    const backups = h.broker.backups!;
    const backup = await backups.captureBackup(a.id);
    assert.ok(backup.sizeBytes > 0);
    assert.deepEqual((await backups.listBackups(a.id)).map((b) => b.id), [backup.id]);

    await tryQuery(a.url, 'DROP TABLE precious');
    assert.equal((await tryQuery(a.url, 'SELECT * FROM precious')).ok, false);
    await backups.restoreBackup(a.id, backup.id);
    assert.deepEqual(await tryQuery(a.url, 'SELECT id, name FROM precious ORDER BY id'), { ok: true, rows: [{ id: 1, name: 'one' }, { id: 2, name: 'two' }] });

    await assert.rejects(backups.restoreBackup(a.id, '../../etc/passwd'), { code: 'bad_request' });
    await assert.rejects(backups.restoreBackup(a.id, 'b0000000000000-abcdef'), { code: 'not_found' });
  });

  test('no credential ever reaches the logs', () => {
    const logs = h.logLines.join('');
    assert.ok(logs.length > 0);
    assert.ok(!logs.includes(new URL(admin.postgres).password), 'admin password logged');
    assert.doesNotMatch(logs, /postgresql:\/\/[^@\s"]*:[^@\s"]*@/, 'a URL with a password was logged');
  });
});
