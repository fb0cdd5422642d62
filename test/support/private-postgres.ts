import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  /** Server URL without a database name: `postgresql://postgres@127.0.0.1:PORT`. */
  url: string;
  stop: () => Promise<void>;
  start: () => Promise<void>;
  /** Stops it for good and removes its files. */
  destroy: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

/**
 * A Postgres cluster of the test's own, for tests that stop the database (the machine's stays up).
 * Postgres refuses to run as root, so its files belong to the postgres user (DESIGN.md recipe).
 */
export async function privatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-pg-'));
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  const port = await freePort();
  const asPostgres = (args: string[]) => run('runuser', ['-u', 'postgres', '--', ...args]);
  await asPostgres([`${BIN}/initdb`, '-D', `${dir}/d`, '-U', 'postgres', '-A', 'trust']);
  const ctl = (...args: string[]) => asPostgres([`${BIN}/pg_ctl`, '-D', `${dir}/d`, ...args]);
  const start = async () => {
    await ctl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-l', `${dir}/log`, '-w', 'start');
  };
  const stop = async () => {
    await ctl('-m', 'fast', '-w', 'stop');
  };
  await start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}`,
    start,
    stop,
    destroy: async () => {
      await stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
