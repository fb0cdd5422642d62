import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateDeploy } from '@slipway/db';

const SERVER = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';

/** A fresh, migrated control-plane database for one test file (on `server`, default the machine's); `drop` removes it. */
export async function freshDatabase(server = SERVER): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `slipway_t_${randomBytes(5).toString('hex')}`;
  const url = `${server}/${name}`;
  await migrateDeploy(url);
  return {
    url,
    drop: async () => {
      const client = new pg.Client({ connectionString: `${server}/postgres` });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}
