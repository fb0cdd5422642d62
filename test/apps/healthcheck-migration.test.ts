import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { healthchecks } from '@slipway/app-json';
import { freshDatabase } from '../support/database.ts';

// The migration that moves stored checks to Dokku's format, run again over rows in the old dialect.
const SQL = new URL('../../prisma/migrations/20261201213000_dokku_healthchecks/migration.sql', import.meta.url);
let db: Awaited<ReturnType<typeof freshDatabase>>;
let client: pg.Client;
before(async () => {
  db = await freshDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
after(async () => {
  await client.end();
  await db.drop();
});

test('old tcp/http/uptime checks become the same Dokku startup checks; Dokku-format rows are untouched', async () => {
  const team = (await client.query(`INSERT INTO "Team" (id, name) VALUES (gen_random_uuid(), 'team-m') RETURNING id`)).rows[0].id;
  const old = {
    web: [{ type: 'http', path: '/health', content: 'ok', timeout: 3, attempts: 4, wait: 1, initialDelay: 0 }, { type: 'tcp', path: '/', timeout: 5, attempts: 5, wait: 1, initialDelay: 2 }],
    worker: [{ type: 'uptime', wait: 3, attempts: 1 }],
  };
  const dokku = { web: [{ type: 'startup', path: '/', attempts: 2 }] };
  await client.query(`INSERT INTO "App" (id, name, "teamId", healthcheck, "updatedAt") VALUES (gen_random_uuid(), 'old-app', $1, $2, now()), (gen_random_uuid(), 'new-app', $1, $3, now())`, [team, JSON.stringify(old), JSON.stringify(dokku)]);
  await client.query(await readFile(SQL, 'utf8'));
  const rows = Object.fromEntries((await client.query(`SELECT name, healthcheck FROM "App"`)).rows.map((r) => [r.name, r.healthcheck]));
  assert.deepEqual(rows['old-app'], {
    web: [
      { type: 'startup', name: 'web-startup-1', scheme: 'http', path: '/health', content: 'ok', timeout: 3, attempts: 4, wait: 1, initialDelay: 0, warn: false },
      { type: 'startup', name: 'web-startup-2', scheme: 'http', listening: true, timeout: 5, attempts: 5, wait: 1, initialDelay: 2, warn: false },
    ],
    worker: [{ type: 'startup', name: 'worker-startup-1', scheme: 'http', uptime: 3, timeout: 5, attempts: 1, wait: 3, initialDelay: 0, warn: false }],
  });
  assert.deepEqual(rows['new-app'], dokku);
  assert.ok(healthchecks.safeParse(rows['old-app']).success, 'the rewritten rows pass app.json’s schema');
});
